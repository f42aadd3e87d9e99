package dev.weft.query.jdbc;

import static dev.weft.query.jdbc.WeftDriverTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.QueryException;
import dev.weft.query.data.MemoryTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How statements fail through JDBC: SQLExceptions whose causes say where and why. */
class WeftErrorsTest {
  private final MemoryTables tables = new MemoryTables();
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = WeftDriver.connect(tables, new Properties());
    update("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER NOT NULL, c VARCHAR(3))");
    update("INSERT INTO t VALUES (1, 1, 'x')");
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private int update(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + e, e);
  }

  @Test
  void syntaxErrorsSayLineAndColumn() {
    assertThatThrownBy(() -> rows(connection, "SELECT a\nFROM t WHERE WHERE")).isInstanceOfSatisfying(
        SQLException.class, e -> {
          SqlParseException p = cause(e, SqlParseException.class);
          assertThat(p.getPos().getLineNum()).isEqualTo(2);
          assertThat(p.getPos().getColumnNum()).isEqualTo(14);
        });
  }

  @Test
  void unknownTablesAndColumnsAndTypeErrors() {
    assertThatThrownBy(() -> rows(connection, "SELECT * FROM nosuch")).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(cause(e, CalciteContextException.class).getMessage()).contains("Object 'nosuch' not found"));
    assertThatThrownBy(() -> rows(connection, "SELECT zz FROM t")).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(cause(e, CalciteContextException.class).getPosColumn()).isEqualTo(8));
    assertThatThrownBy(() -> rows(connection, "SELECT NOT a FROM t")).isInstanceOf(SQLException.class)
        .hasMessageContaining("Cannot apply 'NOT'");
  }

  @Test
  void failedRowsAreCountedAndNamed() {
    assertThatThrownBy(() -> update("INSERT INTO t VALUES (2, 2, 'y'), (1, 5, 'z'), (3, 3, 'w'), (1, 6, 'v')"))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          QueryException q = cause(e, QueryException.class);
          assertThat(q.reason()).isEqualTo(QueryException.Reason.ROWS_FAILED);
          assertThat(q.getMessage()).contains("2 of 4 rows written").contains("row 2 (key [1]): duplicate key")
              .contains("row 4 (key [1]): duplicate key");
        });
  }

  @Test
  void ddlRefusalsAreInvalid() {
    assertThatThrownBy(() -> update("CREATE TABLE t(a INTEGER)")).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(cause(e, QueryException.class).reason()).isEqualTo(QueryException.Reason.INVALID));
    assertThatThrownBy(() -> update("CREATE TABLE v(a BINARY(3))")).hasMessageContaining("is not supported");
  }

  @Test
  void aStatementTimesOut() throws Exception {
    tables.stall(true);
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(1);
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM t")).isInstanceOfSatisfying(SQLException.class,
          e -> assertThat(cause(e, QueryException.class).reason()).isEqualTo(QueryException.Reason.TIMEOUT));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void theConnectionsTimeoutAppliesToEachStatement() throws Exception {
    Properties p = new Properties();
    p.setProperty("timeout", "300");
    try (Connection c = WeftDriver.connect(tables, p)) {
      tables.stall(true);
      assertThatThrownBy(() -> rows(c, "SELECT * FROM t")).isInstanceOfSatisfying(SQLException.class,
          e -> assertThat(cause(e, QueryException.class).reason()).isEqualTo(QueryException.Reason.TIMEOUT));
    }
  }

  @Test
  void aStatementIsCancelled() throws Exception {
    tables.stall(true);
    try (Statement s = connection.createStatement()) {
      CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
        try {
          return s.executeQuery("SELECT * FROM t");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> tables.scans() > 0);
      s.cancel();
      assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(ExecutionException.class,
          e -> assertThat(cause(e, QueryException.class).reason()).isEqualTo(QueryException.Reason.CANCELLED));
      tables.stall(false);
      assertThat(rows(connection, "SELECT a FROM t")).containsExactly("1"); // the connection goes on
      try (ResultSet again = s.executeQuery("SELECT b FROM t")) { // and so does the statement
        assertThat(again.next()).isTrue();
      }
    }
  }
}
