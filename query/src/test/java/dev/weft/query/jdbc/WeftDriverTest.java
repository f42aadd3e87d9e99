package dev.weft.query.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.Coverage;
import dev.weft.query.data.MemoryTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code jdbc:weft:} over in-memory tables: connecting, DDL, DML, the live catalog, coverage. */
class WeftDriverTest {
  private final MemoryTables tables = new MemoryTables();
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = WeftDriver.connect(tables, new Properties());
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? " " : "").append(r.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  private int update(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  @Test
  void urlFindsARegisteredNode() throws Exception {
    AutoCloseable registration = WeftDriver.register("n1", tables);
    try (Connection c = DriverManager.getConnection("jdbc:weft:node=n1")) {
      update("CREATE TABLE t(a INTEGER PRIMARY KEY)");
      assertThat(rows(c, "SELECT COUNT(*) FROM t")).containsExactly("0");
    } finally {
      registration.close();
    }
    assertThatThrownBy(() -> DriverManager.getConnection("jdbc:weft:node=n1")).isInstanceOf(SQLException.class)
        .hasMessageContaining("no weft node named n1");
    assertThatThrownBy(() -> DriverManager.getConnection("jdbc:weft:")).hasMessageContaining("names no node");
  }

  @Test
  void aNodesLimitsApplyUnlessTheConnectionSaysOtherwise() throws Exception {
    Properties limits = new Properties();
    limits.setProperty("maxRows", "2");
    Properties wide = new Properties();
    wide.setProperty("maxRows", "5");
    AutoCloseable registration = EmbeddedNodes.register("n2", tables, limits);
    try (Connection node = DriverManager.getConnection("jdbc:weft:node=n2");
         Connection byUrl = DriverManager.getConnection("jdbc:weft:node=n2;maxRows=10");
         Connection byProperties = DriverManager.getConnection("jdbc:weft:node=n2", wide)) {
      update("CREATE TABLE t(a INTEGER PRIMARY KEY)");
      update("INSERT INTO t VALUES (1), (2), (3)");
      assertThatThrownBy(() -> rows(node, "SELECT a FROM t")).hasMessageContaining("more than 2 rows");
      assertThat(rows(byUrl, "SELECT a FROM t ORDER BY a")).containsExactly("1", "2", "3");
      assertThat(rows(byProperties, "SELECT a FROM t ORDER BY a")).containsExactly("1", "2", "3");
    } finally {
      registration.close();
    }
  }

  @Test
  void tablesAppearAndDisappearWithoutReconnecting() throws Exception {
    try (Connection other = WeftDriver.connect(tables, new Properties())) {
      update("CREATE TABLE t1(a INTEGER PRIMARY KEY, b VARCHAR(10))");
      update("INSERT INTO t1 VALUES (1, 'x')");
      assertThat(rows(other, "SELECT b FROM t1")).containsExactly("x");
      update("DROP TABLE t1");
      assertThatThrownBy(() -> rows(other, "SELECT b FROM t1")).hasMessageContaining("Object 't1' not found");
      update("CREATE TABLE t1(a INTEGER PRIMARY KEY, c INTEGER)");
      assertThat(rows(other, "SELECT * FROM t1")).isEmpty(); // a table created again starts empty
    }
    update("DROP TABLE IF EXISTS nosuch CASCADE");
    assertThatThrownBy(() -> update("DROP TABLE nosuch")).hasMessageContaining("table nosuch does not exist");
  }

  @Test
  void indexesAreCreatedAndDropped() throws Exception {
    update("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER, c TEXT)");
    update("CREATE INDEX t_b ON t(b, c)");
    update("CREATE UNIQUE INDEX IF NOT EXISTS t_b ON t(b)");
    assertThat(tables.catalog().index("t_b")).hasValueSatisfying(i -> assertThat(i.columns())
        .containsExactly("b", "c"));
    assertThatThrownBy(() -> update("CREATE INDEX t_x ON t(x)")).hasMessageContaining("has no column x");
    assertThatThrownBy(() -> update("CREATE INDEX u_x ON u(x)")).hasMessageContaining("no table u");
    update("DROP INDEX t_b");
    assertThat(tables.catalog().index("t_b")).isEmpty();
  }

  @Test
  void insertSelectUpdateDeleteUpsert() throws Exception {
    update("CREATE TABLE t(a INTEGER PRIMARY KEY, b DOUBLE, c VARCHAR(8))");
    assertThat(update("INSERT INTO t(c, a, b) VALUES ('one', 1, 1), ('two', 2, 2.5), ('three', 3, NULL)"))
        .isEqualTo(3);
    assertThat(rows(connection, "SELECT a, b, c FROM t ORDER BY a")).containsExactly("1 1.0 one", "2 2.5 two",
        "3 null three");
    assertThat(update("UPDATE t SET b = b * 2, c = 'x' WHERE a >= 2")).isEqualTo(2);
    assertThat(rows(connection, "SELECT a, b, c FROM t ORDER BY a")).containsExactly("1 1.0 one", "2 5.0 x",
        "3 null x");
    assertThat(update("DELETE FROM t WHERE c = 'x'")).isEqualTo(2);
    assertThat(update("UPSERT INTO t VALUES (1, 9, 'nine'), (4, 4, 'four')")).isEqualTo(2);
    assertThat(rows(connection, "SELECT a, b, c FROM t ORDER BY a")).containsExactly("1 9.0 nine", "4 4.0 four");
    update("CREATE TABLE u(a INTEGER PRIMARY KEY, b DOUBLE, c VARCHAR(8))");
    assertThat(update("INSERT INTO u SELECT * FROM t")).isEqualTo(2);
    assertThat(rows(connection, "SELECT SUM(a) FROM u")).containsExactly("5");
  }

  @Test
  void everyColumnTypeRoundTrips() throws Exception {
    update("CREATE TABLE v(k BIGINT PRIMARY KEY, r REAL, m DECIMAL(6, 2), f BOOLEAN, d DATE, ts TIMESTAMP)");
    update("INSERT INTO v VALUES (5000000000, 1.5, 12.345, TRUE, DATE '2026-12-06', TIMESTAMP '2026-12-06 23:30:01.250'),"
        + " (2, 2, 3, FALSE, NULL, NULL)");
    assertThat(rows(connection, "SELECT k, r, m, f, d, ts FROM v WHERE d >= DATE '2026-01-01'")).containsExactly(
        "5000000000 1.5 12.34 true 2026-12-06 2026-12-06 23:30:01.250"); // Calcite casts 12.345 down
    assertThat(rows(connection, "SELECT k, m FROM v WHERE NOT f")).containsExactly("2 3.00");
    assertThat(rows(connection, "SELECT SUM(m), MAX(ts), MIN(d), COUNT(d) FROM v")).containsExactly(
        "15.34 2026-12-06 23:30:01.250 2026-12-06 1");
  }

  @Test
  void keylessTablesTakeEqualRows() throws Exception {
    update("CREATE TABLE k(a INTEGER, b TEXT)");
    assertThat(update("INSERT INTO k VALUES (1, 'a'), (1, 'a'), (2, 'b')")).isEqualTo(3);
    assertThat(rows(connection, "SELECT a, b FROM k ORDER BY a")).containsExactly("1 a", "1 a", "2 b");
    assertThat(update("DELETE FROM k WHERE a = 1")).isEqualTo(2);
    assertThat(rows(connection, "SELECT * FROM k")).containsExactly("2 b");
  }

  @Test
  void coverageOfTheLatestExecution() throws Exception {
    update("CREATE TABLE t(a INTEGER PRIMARY KEY)");
    update("INSERT INTO t VALUES (1), (2)");
    update("CREATE TABLE u(b INTEGER PRIMARY KEY)");
    update("INSERT INTO u VALUES (3)");
    tables.coverage(new Coverage(5, 4, false));
    try (Statement s = connection.createStatement()) {
      assertThat(WeftDriver.coverage(s)).isEqualTo(Coverage.LOCAL);
      try (ResultSet r = s.executeQuery("SELECT * FROM t, u")) {
        while (r.next()) {
          assertThat(r.getInt(1)).isPositive();
        }
      }
      assertThat(WeftDriver.coverage(s)).isEqualTo(new Coverage(10, 8, false)); // two scans, one statement
    }
  }

  @Test
  void badLimitsAreRefused() {
    Properties p = new Properties();
    p.setProperty("timeout", "soon");
    assertThatThrownBy(() -> WeftDriver.connect(tables, p)).isInstanceOf(SQLException.class)
        .hasMessageContaining("timeout must be a positive number");
  }
}
