package dev.weft.query.jdbc;

import static dev.weft.query.jdbc.WeftDriverTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.data.MemoryTables;
import dev.weft.query.data.ScanSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the planner folds into weft's scans (seen with EXPLAIN and in the specs the tables receive), and the types. */
class WeftPlanTest {
  private final MemoryTables tables = new MemoryTables();
  private Connection connection;

  @BeforeEach
  void open() throws SQLException {
    connection = WeftDriver.connect(tables, new Properties());
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER, c VARCHAR(8), d DOUBLE)");
      s.executeUpdate("INSERT INTO t VALUES (1, 10, 'x', 0.5), (2, 20, 'y', 1.5), (3, 30, 'x', NULL), (4, NULL, 'y',"
          + " 2)");
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  private String explain(String sql) throws SQLException {
    return String.join("\n", rows(connection, "EXPLAIN PLAN FOR " + sql));
  }

  @Test
  void aggregatesSplitIntoPartialsOnTheScan() throws Exception {
    String sql = "SELECT c, COUNT(*), COUNT(b), SUM(b), MIN(d), MAX(a), AVG(b) FROM t GROUP BY c ORDER BY c";
    assertThat(explain(sql)).contains("WeftScan").contains("partial=").contains("COUNT_STAR");
    assertThat(rows(connection, sql)).containsExactly("x 2 2 40 0.5 3 20.0", "y 2 1 20 1.5 4 20.0");
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.aggregate()).isPresent();
    assertThat(last.aggregate().get().groupBy()).containsExactly(2);
    assertThat(rows(connection, "SELECT COUNT(*), SUM(b) FROM t WHERE 1 = 0")).containsExactly("0 null");
  }

  @Test
  void orderByWithALimitIsCutOnTheNodes() throws Exception {
    String sql = "SELECT a, b FROM t ORDER BY b DESC NULLS LAST, a LIMIT 2 OFFSET 1";
    assertThat(explain(sql)).contains("top=[3 by [1 DESC NULLS LAST, 0 NULLS LAST]]");
    assertThat(rows(connection, sql)).hasSize(2);
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.topK()).isPresent();
    assertThat(last.topK().get().limit()).isEqualTo(3);
    // Without a literal limit, or over an aggregate, nothing is cut on the nodes.
    assertThat(explain("SELECT a FROM t ORDER BY b")).doesNotContain("top=");
    assertThat(explain("SELECT c, COUNT(*) FROM t GROUP BY c ORDER BY 2 DESC LIMIT 1")).doesNotContain("top=");
  }

  @Test
  void filtersGoIntoTheScanAndTheRestStaysAbove() throws Exception {
    String sql = "SELECT a FROM t WHERE b > 15 AND c LIKE 'y%' AND SQRT(d) > 0";
    String plan = explain(sql);
    assertThat(plan).contains("WeftScan").contains("filter=[Call[op=AND");
    assertThat(plan).contains("POWER"); // SQRT, not evaluated by the nodes: in a filter above the scan
    assertThat(rows(connection, sql)).containsExactly("2");
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.filter()).isPresent();
    assertThat(last.access()).isInstanceOf(ScanSpec.Access.Full.class);
  }

  @Test
  void primaryKeyEqualityAndInListsBecomeGets() throws Exception {
    assertThat(explain("SELECT c FROM t WHERE a = 3")).contains("keys=[[[Literal[value=3");
    assertThat(rows(connection, "SELECT c FROM t WHERE a = 3")).containsExactly("x");
    assertThat(tables.specs().get(tables.specs().size() - 1).access()).isEqualTo(new ScanSpec.Access.Keys(
        List.of(List.of(3))));
    assertThat(rows(connection, "SELECT c FROM t WHERE a IN (1, 4, 9) ORDER BY c")).containsExactly("x", "y");
    assertThat(tables.specs().get(tables.specs().size() - 1).access()).isInstanceOfSatisfying(
        ScanSpec.Access.Keys.class, k -> assertThat(k.keys()).hasSize(3));
    // Longer than Calcite's default limit of 20 (over which an IN list becomes a join reading the whole table).
    String many = java.util.stream.IntStream.range(100, 600).mapToObj(Integer::toString)
        .collect(java.util.stream.Collectors.joining(", "));
    assertThat(rows(connection, "SELECT c FROM t WHERE a IN (1, " + many + ")")).containsExactly("x");
    assertThat(tables.specs().get(tables.specs().size() - 1).access()).isInstanceOfSatisfying(
        ScanSpec.Access.Keys.class, k -> assertThat(k.keys()).hasSize(501));
    try (PreparedStatement p = connection.prepareStatement("SELECT c, b FROM t WHERE a = ? AND b > ?")) {
      p.setInt(1, 2);
      p.setInt(2, 5);
      try (ResultSet r = p.executeQuery()) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("y");
        assertThat(r.next()).isFalse();
      }
      assertThat(tables.specs().get(tables.specs().size() - 1).access()).isEqualTo(new ScanSpec.Access.Keys(
          List.of(List.of(2))));
      p.setInt(1, 1);
      p.setInt(2, 50);
      try (ResultSet r = p.executeQuery()) {
        assertThat(r.next()).isFalse();
      }
    }
  }

  @Test
  void projectionsNarrowTheScan() throws Exception {
    assertThat(explain("SELECT c, b + 1 FROM t")).contains("columns=[[1, 2]]");
    assertThat(rows(connection, "SELECT c, b + 1 FROM t ORDER BY 1, 2")).containsExactly("x 11", "x 31", "y 21",
        "y null");
    assertThat(tables.specs().get(tables.specs().size() - 1).columns()).containsExactly(1, 2);
  }

  @Test
  void avgOfIntegersIsDoubleAndSumIsBigint() throws Exception {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT AVG(a), SUM(a), AVG(d), 7 / 2 FROM t")) {
      assertThat(r.getMetaData().getColumnType(1)).isEqualTo(Types.DOUBLE);
      assertThat(r.getMetaData().getColumnType(2)).isEqualTo(Types.BIGINT);
      r.next();
      assertThat(r.getDouble(1)).isEqualTo(2.5);
      assertThat(r.getLong(2)).isEqualTo(10);
      assertThat(r.getDouble(3)).isEqualTo(4.0 / 3);
      assertThat(r.getInt(4)).isEqualTo(3);
    }
  }

  @Test
  void joinsOfManyTablesArePlannedHeuristically() throws Exception {
    StringBuilder from = new StringBuilder();
    StringBuilder where = new StringBuilder("1 = 1");
    try (Statement s = connection.createStatement()) {
      for (int i = 1; i <= 8; i++) {
        s.executeUpdate("CREATE TABLE j" + i + "(a" + i + " INTEGER PRIMARY KEY, b" + i + " INTEGER)");
        s.executeUpdate("INSERT INTO j" + i + " VALUES (1, 2), (2, 1)");
        from.append(i > 1 ? ", " : "").append("j").append(i);
        if (i > 1) {
          where.append(" AND a").append(i).append(" = b").append(i - 1);
        }
      }
    }
    List<String> out = rows(connection, "SELECT a1, a8 FROM " + from + " WHERE " + where + " ORDER BY a1");
    assertThat(out).containsExactly("1 2", "2 1");
  }

  @Test
  void aJoinOnTheInnerTablesKeyFetchesOnlyTheKeysItsOuterSideNames() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("CREATE TABLE o(id INTEGER PRIMARY KEY, ta INTEGER, note VARCHAR(8))");
      s.executeUpdate("INSERT INTO o VALUES (1, 1, 'p'), (2, 3, 'q'), (3, NULL, 'r'), (4, 99, 's'), (5, 1, 'z')");
    }
    String sql = "SELECT o.id, t.c FROM o JOIN t ON o.ta = t.a WHERE o.note < 'z' ORDER BY o.id";
    assertThat(explain(sql)).contains("WeftJoin").contains("fetch=[keys]").contains("on=[[$1 = a]]");
    assertThat(rows(connection, sql)).containsExactly("1 x", "2 x");
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.table().name()).isEqualTo("t");
    assertThat(((ScanSpec.Access.Keys) last.access()).keys()).containsExactlyInAnyOrder(List.of(1), List.of(3),
        List.of(99));
    String left = "SELECT o.id, t.c FROM o LEFT JOIN t ON o.ta = t.a WHERE o.note < 'z' ORDER BY o.id";
    assertThat(explain(left)).contains("WeftJoin").contains("joinType=[left]");
    assertThat(rows(connection, left)).containsExactly("1 x", "2 x", "3 null", "4 null");
    // The table on the left of an INNER join is the inner side just as well; its columns come first.
    String swapped = "SELECT t.c, o.id FROM t JOIN o ON t.a = o.ta WHERE o.note < 'z' ORDER BY o.id";
    assertThat(explain(swapped)).contains("WeftJoin");
    assertThat(rows(connection, swapped)).containsExactly("x 1", "x 2");
    // No outer key, no scan of the inner table.
    int before = tables.specs().size();
    assertThat(rows(connection, "SELECT o.id, t.c FROM o JOIN t ON o.ta = t.a WHERE o.note = 'none'")).isEmpty();
    assertThat(tables.specs().subList(before, tables.specs().size())).extracting(x -> x.table().name())
        .containsOnly("o");
  }

  @Test
  void aJoinOnOtherColumnsSendsItsKeysWithTheScanOfTheInnerTable() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("CREATE TABLE o(id INTEGER PRIMARY KEY, tb INTEGER, note VARCHAR(8))");
      s.executeUpdate("INSERT INTO o VALUES (1, 10, 'p'), (2, 30, 'q'), (3, 31, 'r'), (4, 10, 'z')");
    }
    String sql = "SELECT o.id, t.a FROM o JOIN t ON o.tb = t.b WHERE o.note < 'z' ORDER BY o.id";
    assertThat(explain(sql)).contains("WeftJoin").contains("fetch=[filter]");
    assertThat(rows(connection, sql)).containsExactly("1 1", "2 3");
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.table().name()).isEqualTo("t");
    assertThat(last.filter().get().toString()).contains("Among");
    // Joined on both sides' whole tables, shipping both is cheaper than sending one side's keys to the other.
    assertThat(explain("SELECT o.id, t.a FROM o JOIN t ON o.tb = t.b")).doesNotContain("WeftJoin");
  }

  @Test
  void aJoinOnAnIndexedColumnLooksItsKeysUpInTheIndex() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("CREATE INDEX t_c ON t(c)");
      s.executeUpdate("CREATE TABLE o(id INTEGER PRIMARY KEY, tc VARCHAR(8), note VARCHAR(8))");
      s.executeUpdate("INSERT INTO o VALUES (1, 'y', 'p'), (2, 'w', 'q'), (3, 'y', 'z')");
    }
    String sql = "SELECT o.id, t.a FROM o JOIN t ON o.tc = t.c WHERE o.note < 'z' ORDER BY o.id, t.a";
    assertThat(explain(sql)).contains("WeftJoin").contains("fetch=[index t_c]");
    assertThat(rows(connection, sql)).containsExactly("1 2", "1 4");
    ScanSpec last = tables.specs().get(tables.specs().size() - 1);
    assertThat(last.access()).isInstanceOf(ScanSpec.Access.IndexRange.class);
  }

  @Test
  void anOuterSideOfOneColumnJoinsAndAnOuterSideOverTheRowCapFails() throws Exception {
    String sql = "SELECT v.k, t.c FROM (VALUES (1), (3), (99)) AS v(k) JOIN t ON v.k = t.a ORDER BY v.k";
    assertThat(explain(sql)).contains("WeftJoin").contains("fetch=[keys]");
    assertThat(rows(connection, sql)).containsExactly("1 x", "3 x");
    Properties limits = new Properties();
    limits.setProperty("maxRows", "2");
    try (Connection limited = WeftDriver.connect(tables, limits)) {
      assertThatThrownBy(() -> rows(limited, sql)).hasMessageContaining("outer side of a join with table t has more"
          + " than 2 rows");
    }
  }

  @Test
  void joinsOfTwoLargeTablesRehashBothSides() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("CREATE TABLE u(id INTEGER PRIMARY KEY, b INTEGER, e VARCHAR(8))");
      s.executeUpdate("INSERT INTO u VALUES (1, 10, 'p'), (2, 10, 'q'), (3, 30, 'r'), (4, NULL, 's')");
    }
    String sql = "SELECT t.a, u.e FROM t JOIN u ON t.b = u.b";
    assertThat(explain(sql)).doesNotContain("WeftRehashJoin"); // below the threshold: shipped, or fetched
    tables.rehashJoinRows(0);
    String plan = explain(sql);
    assertThat(plan).contains("WeftRehashJoin").contains("on=[[b = b]]");
    assertThat(rows(connection, sql)).containsExactlyInAnyOrder("1 p", "1 q", "3 r");
    // A condition beyond the keys stays above; filters of one side go with its scan.
    String narrowed = "SELECT t.a, u.id FROM t JOIN u ON t.b = u.b AND t.a <= u.id WHERE u.e <> 'q'";
    assertThat(explain(narrowed)).contains("WeftRehashJoin").contains("rightFilter=");
    assertThat(rows(connection, narrowed)).containsExactlyInAnyOrder("1 1", "3 3");
  }
}
