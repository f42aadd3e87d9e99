package dev.weft.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.testkit.TestCluster;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.awaitility.Awaitility;

/**
 * An oracle: the same random rows in weft (a 3-node UDP network) and in SQLite (sqlite-jdbc, in memory), and random
 * queries — filters with three-valued logic, arithmetic, LIKE, IN, BETWEEN, grouping with every pushed-down aggregate,
 * joins, DISTINCT — whose answers must be equal as multisets (numbers compared exactly, averages to 9 digits).
 */
class SqliteOracleTest {
  private static final String[] WORDS = {"ant", "bee", "cat", "Dog", "eel", "fox", "", "a%b", "ant "};
  private static TestCluster cluster;
  private static Connection sqlite;

  @BeforeContainer
  static void load() throws Exception {
    cluster = TestCluster.builder().nodes(3).seed(50).set("weft.query.ddl-settle", "100ms").start();
    sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    try (Statement s = sqlite.createStatement()) {
      s.execute("PRAGMA case_sensitive_like = ON");
    }
    Random r = new Random(51);
    for (String t : List.of("t1", "t2")) {
      String ddl = "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER NOT NULL, s VARCHAR(8))";
      both(ddl);
      StringBuilder insert = new StringBuilder("INSERT INTO " + t + " VALUES ");
      for (int i = 0; i < 200; i++) {
        insert.append(i == 0 ? "" : ", ").append('(').append(i).append(", ")
            .append(r.nextInt(5) == 0 ? "NULL" : Integer.toString(r.nextInt(41) - 20)).append(", ")
            .append(r.nextInt(1000) - 500).append(", ")
            .append(r.nextInt(6) == 0 ? "NULL" : "'" + WORDS[r.nextInt(WORDS.length)] + "'").append(')');
      }
      both(insert.toString());
    }
  }

  @AfterContainer
  static void close() throws SQLException {
    if (cluster != null) {
      cluster.close();
    }
    if (sqlite != null) {
      sqlite.close();
    }
  }

  private static void both(String statement) throws Exception {
    try (Statement s = sqlite.createStatement()) {
      s.execute(statement);
    }
    Sql.of(cluster.node(0)).execute(statement).get(60, TimeUnit.SECONDS);
    if (statement.startsWith("CREATE")) {
      String table = statement.split(" ")[2];
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes().stream()
          .allMatch(n -> Sql.of(n).tables().containsKey(table)));
    }
  }

  @Property(tries = 120, seed = "52")
  void weftAnswersAsSqliteDoes(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) throws Exception {
    Random r = new Random(seed);
    String query = new QueryMaker(r).query();
    List<String> expected = sorted(sqliteRows(query));
    SqlResult got = Sql.of(cluster.node(r.nextInt(3))).query(query).get(60, TimeUnit.SECONDS);
    List<List<Object>> rows = new ArrayList<>(got.rows());
    assertThat(sorted(rows)).as(query).isEqualTo(expected);
    assertThat(got.coverage().complete()).isTrue();
  }

  private static List<List<Object>> sqliteRows(String query) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery(query)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** Rows as comparable text: integers of any width alike, decimals and doubles to 9 places. */
  private static List<String> sorted(List<List<Object>> rows) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : rows) {
      StringBuilder b = new StringBuilder();
      for (Object v : row) {
        b.append(norm(v)).append('|');
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  private static String norm(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return Long.toString(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      BigDecimal d = new BigDecimal(v.toString()).setScale(9, RoundingMode.HALF_EVEN).stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    return String.valueOf(v);
  }

  /** Random queries both engines answer alike (no NULL ordering, no float sums, integer arithmetic only). */
  private static final class QueryMaker {
    private final Random r;
    private String a = "a";
    private String b = "b";
    private String s = "s";
    private String id = "id";

    QueryMaker(Random r) {
      this.r = r;
    }

    String query() {
      return switch (r.nextInt(6)) {
        case 0 -> "SELECT id, a, b, s FROM t1 WHERE " + predicate(3);
        case 1 -> "SELECT " + intExpr() + ", s FROM t2 WHERE " + predicate(2);
        case 2 -> {
          String g = pick("a", "s", "b % 3");
          yield "SELECT " + g + ", COUNT(*), COUNT(a), SUM(b), MIN(a), MAX(s), AVG(b) FROM " + pick("t1", "t2")
              + " WHERE " + predicate(2) + " GROUP BY " + g + (r.nextBoolean() ? " HAVING COUNT(*) > 1" : "");
        }
        case 3 -> "SELECT COUNT(*), SUM(a), MIN(b), MAX(b), AVG(a), COUNT(DISTINCT s) FROM t1 WHERE " + predicate(2);
        // A top-k cut on the nodes: ordered down to the unique id, so that both engines keep the same rows.
        case 4 -> "SELECT id, a, s FROM " + pick("t1", "t2") + " WHERE " + predicate(2) + " ORDER BY "
            + pick("b DESC", "a NULLS FIRST", "a DESC NULLS LAST", "s NULLS LAST", "b") + ", id LIMIT "
            + (1 + r.nextInt(12)) + (r.nextBoolean() ? " OFFSET " + r.nextInt(5) : "");
        default -> {
          a = "t1.a";
          b = "t2.b";
          s = "t2.s";
          id = "t1.id";
          yield "SELECT " + (r.nextBoolean() ? "DISTINCT " : "") + "t1.a, t2.s FROM t1 JOIN t2 ON t1.a = t2.a"
              + " WHERE " + predicate(1);
        }
      };
    }

    private String predicate(int depth) {
      if (depth > 0 && r.nextInt(3) == 0) {
        return switch (r.nextInt(3)) {
          case 0 -> "(" + predicate(depth - 1) + " AND " + predicate(depth - 1) + ")";
          case 1 -> "(" + predicate(depth - 1) + " OR " + predicate(depth - 1) + ")";
          default -> "NOT (" + predicate(depth - 1) + ")";
        };
      }
      return switch (r.nextInt(8)) {
        case 0 -> intExpr() + " " + pick("=", "<>", "<", "<=", ">", ">=") + " " + (r.nextInt(61) - 30);
        case 1 -> pick(a, s) + " IS " + (r.nextBoolean() ? "" : "NOT ") + "NULL";
        case 2 -> a + " BETWEEN " + (r.nextInt(21) - 10) + " AND " + (r.nextInt(21) - 5);
        case 3 -> a + " IN (" + (r.nextInt(9) - 4) + ", " + (r.nextInt(9) - 4) + ", " + (r.nextInt(9) - 4) + ")";
        case 4 -> s + " LIKE '" + pick("a%", "%e%", "_o_", "%", "a%b", "ant") + "'";
        case 5 -> s + " " + pick("=", "<>", "<", ">=") + " '" + WORDS[r.nextInt(WORDS.length)] + "'";
        case 6 -> id + " " + pick("=", "<", ">") + " " + r.nextInt(200);
        default -> b + " " + pick("<", ">") + " " + a + " * " + (r.nextInt(5) - 2);
      };
    }

    private String intExpr() {
      return switch (r.nextInt(6)) {
        case 0 -> a + " + " + b;
        case 1 -> a + " * " + (r.nextInt(7) - 3);
        case 2 -> b + " / " + (r.nextInt(5) + 1);
        case 3 -> b + " % " + (r.nextInt(5) + 1);
        default -> pick(a, b, "-" + a);
      };
    }

    private String pick(String... options) {
      return options[r.nextInt(options.length)];
    }
  }
}
