package dev.weft.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.TestCluster;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SQL through {@link Sql#of} on a 4-node UDP network: statements run on one node are seen by the next statement on
 * another; every row counts once; errors say what is wrong. Indexes: CREATE INDEX fills from the rows there are, every
 * write keeps it current (old entry out, new in), the planner reads a range of it for comparisons on its first column,
 * and its answers equal a full scan's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlClusterTest {
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster = TestCluster.builder().nodes(4).seed(40).set("weft.query.ddl-settle", "100ms").start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private Sql sql(int node) {
    return Sql.of(cluster.node(node));
  }

  private static SqlResult run(Sql sql, String statement, Object... params) throws Exception {
    return sql.execute(statement, params).get(60, TimeUnit.SECONDS);
  }

  private static Set<List<Object>> rows(Sql sql, String query, Object... params) throws Exception {
    return new HashSet<>(run(sql, query, params).rows());
  }

  private static String plan(Sql sql, String query) throws Exception {
    StringBuilder b = new StringBuilder();
    run(sql, "EXPLAIN PLAN FOR " + query).rows().forEach(r -> b.append(r.get(0)));
    return b.toString();
  }

  private void everyoneKnows(String table) {
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes().stream()
        .allMatch(n -> Sql.of(n).tables().containsKey(table)));
  }

  @Test
  void writesOnOneNodeAreReadOnAnother() throws Exception {
    run(sql(0), "CREATE TABLE emp (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, dept TEXT, salary DECIMAL(10, 2),"
        + " hired DATE)");
    everyoneKnows("emp");
    SqlResult inserted = run(sql(1), "INSERT INTO emp VALUES (1, 'ann', 'eng', 100.50, DATE '2020-01-02'),"
        + " (2, 'bob', 'eng', 80, DATE '2021-03-04'), (3, 'cy', 'ops', 70.25, NULL), (4, 'di', NULL, NULL, NULL)");
    assertThat(inserted.updated()).isEqualTo(4);
    assertThat(inserted.isQuery()).isFalse();

    SqlResult all = run(sql(2), "SELECT id, name, salary, hired FROM emp ORDER BY id");
    assertThat(all.rows()).hasSize(4);
    assertThat(all.rows().get(0)).containsExactly(1, "ann", new BigDecimal("100.50"), LocalDate.of(2020, 1, 2));
    assertThat(all.coverage().complete()).isTrue();
    assertThat(all.columns()).extracting(SqlResult.ColumnInfo::name).containsExactly("id", "name", "salary", "hired");

    SqlResult grouped = run(sql(3), "SELECT dept, COUNT(*) AS n, SUM(salary) AS total FROM emp GROUP BY dept"
        + " ORDER BY dept NULLS FIRST");
    assertThat(grouped.rows()).containsExactly(Arrays.asList(null, 1L, null),
        List.of("eng", 2L, new BigDecimal("180.50")), List.of("ops", 1L, new BigDecimal("70.25")));

    assertThat(run(sql(0), "UPDATE emp SET salary = salary + 1 WHERE dept = ?", "eng").updated()).isEqualTo(2);
    assertThat(run(sql(1), "SELECT salary FROM emp WHERE id = 2").rows()).containsExactly(
        List.of(new BigDecimal("81.00")));
    assertThat(run(sql(2), "DELETE FROM emp WHERE salary IS NULL").updated()).isEqualTo(1);
    assertThat(run(sql(3), "SELECT COUNT(*) FROM emp").rows()).containsExactly(List.of(3L));
  }

  @Test
  void orderByWithALimitSendsOnlyTheFirstRowsOfEachPart() throws Exception {
    run(sql(0), "CREATE TABLE ranked (id INTEGER PRIMARY KEY, score INTEGER)");
    everyoneKnows("ranked");
    StringBuilder insert = new StringBuilder("INSERT INTO ranked VALUES ");
    Random r = new Random(41);
    for (int i = 0; i < 300; i++) {
      insert.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(r.nextInt(1000)).append(')');
    }
    run(sql(1), insert.toString());
    List<List<Object>> all = run(sql(2), "SELECT id, score FROM ranked").rows();
    List<List<Object>> expected = all.stream().sorted((a, b) -> {
      int c = Integer.compare((Integer) b.get(1), (Integer) a.get(1));
      return c != 0 ? c : Integer.compare((Integer) a.get(0), (Integer) b.get(0));
    }).skip(2).limit(5).toList();
    String top = "SELECT id, score FROM ranked ORDER BY score DESC, id LIMIT 5 OFFSET 2";
    assertThat(plan(sql(3), top)).contains("top=[7 by");
    long sent0 = rowsSent();
    SqlResult answer = run(sql(3), top);
    long sent = rowsSent() - sent0;
    assertThat(answer.rows()).isEqualTo(expected);
    assertThat(answer.coverage().complete()).isTrue();
    // Each node sends its own first 7 and, merging up the tree, at most 7 of its subtree's: never the 300 rows.
    assertThat(sent).isLessThanOrEqualTo(2L * 7 * cluster.nodes().size());
  }

  private long rowsSent() {
    return cluster.nodes().stream().mapToLong(n -> Sql.of(n).stats().rowsSent()).sum();
  }

  @Test
  void averagesOfIntegersAreNotTruncated() throws Exception {
    run(sql(0), "CREATE TABLE nums (a INTEGER)");
    everyoneKnows("nums");
    run(sql(1), "INSERT INTO nums VALUES (1), (2)");
    assertThat(run(sql(2), "SELECT AVG(a), SUM(a) FROM nums").rows()).containsExactly(List.of(1.5, 3L));
  }

  @Test
  void joinsAndSubqueriesRunAtTheAskingNode() throws Exception {
    run(sql(0), "CREATE TABLE a (k INTEGER PRIMARY KEY, v TEXT)");
    run(sql(0), "CREATE TABLE b (k INTEGER, w INTEGER)");
    everyoneKnows("b");
    run(sql(1), "INSERT INTO a VALUES (1, 'x'), (2, 'y'), (3, 'z')");
    run(sql(2), "INSERT INTO b VALUES (1, 10), (1, 11), (3, 30)");
    assertThat(run(sql(3), "SELECT a.v, SUM(b.w) FROM a JOIN b ON a.k = b.k GROUP BY a.v ORDER BY a.v").rows())
        .containsExactly(List.of("x", 21L), List.of("z", 30L));
    assertThat(run(sql(3), "SELECT v FROM a WHERE k NOT IN (SELECT k FROM b)").rows()).containsExactly(List.of("y"));
  }

  @Test
  void joinsFetchTheMatchesOfTheSelectiveSideInsteadOfShippingBothTables() throws Exception {
    run(sql(0), "CREATE TABLE customers (id INTEGER PRIMARY KEY, region VARCHAR(4), name VARCHAR(12))");
    run(sql(0), "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER)");
    everyoneKnows("orders");
    Random r = new Random(42);
    StringBuilder customers = new StringBuilder("INSERT INTO customers VALUES ");
    for (int i = 0; i < 200; i++) {
      customers.append(i == 0 ? "" : ", ").append("(").append(i).append(", 'r").append(i % 10).append("', 'c")
          .append(i).append("')");
    }
    StringBuilder orders = new StringBuilder("INSERT INTO orders VALUES ");
    List<int[]> os = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int[] o = {i, r.nextInt(220), r.nextInt(1000)}; // some orders name no customer
      os.add(o);
      orders.append(i == 0 ? "" : ", ").append("(").append(o[0]).append(", ").append(o[1]).append(", ").append(o[2])
          .append(")");
    }
    run(sql(1), customers.toString());
    run(sql(2), orders.toString());
    Sql asking = sql(3);
    run(asking, "SELECT * FROM customers"); // read whole once: the planner knows their sizes from now on
    run(asking, "SELECT * FROM orders");

    // Few orders: their customers are fetched by key, not scanned.
    String byKey = "SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.id WHERE o.amount < 20";
    assertThat(plan(asking, byKey)).contains("WeftJoin").contains("fetch=[keys]");
    Set<List<Object>> expected = new HashSet<>();
    for (int[] o : os) {
      if (o[2] < 20 && o[1] < 200) {
        expected.add(List.of(o[0], "c" + o[1]));
      }
    }
    long sent0 = rowsSent();
    SqlResult answer = run(asking, byKey);
    assertThat(new HashSet<>(answer.rows())).isEqualTo(expected);
    assertThat(answer.coverage().complete()).isTrue();
    long orderRows = os.stream().filter(o -> o[2] < 20).count();
    // The customers came by gets: the scans sent the orders that passed (12), once per attempt (a second attempt, when
    // one runs, sends them again); shipping both tables sends 800.
    assertThat(rowsSent() - sent0).isBetween(orderRows, 3 * orderRows);

    // One region's customers: their keys travel with the scan of orders, which sends only their orders.
    String byFilter = "SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer = c.id WHERE c.region = 'r3'";
    assertThat(plan(asking, byFilter)).contains("WeftJoin").contains("fetch=[filter]");
    expected.clear();
    long matching = 0;
    for (int[] o : os) {
      if (o[1] < 200 && o[1] % 10 == 3) {
        expected.add(List.of("c" + o[1], o[2]));
        matching++;
      }
    }
    sent0 = rowsSent();
    answer = run(asking, byFilter);
    assertThat(new HashSet<>(answer.rows())).isEqualTo(expected);
    assertThat(answer.coverage().complete()).isTrue();
    // 20 customers and their 57 orders, once per attempt; shipping both tables sends 800.
    assertThat(rowsSent() - sent0).isBetween(20 + matching, 3 * (20 + matching));

    // A LEFT join keeps the outer rows without a match.
    String left = "SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON o.customer = c.id WHERE o.amount < 20";
    Set<List<Object>> leftExpected = new HashSet<>();
    for (int[] o : os) {
      if (o[2] < 20) {
        leftExpected.add(Arrays.asList(o[0], o[1] < 200 ? "c" + o[1] : null));
      }
    }
    assertThat(rows(asking, left)).isEqualTo(leftExpected);

    // With an index on the join column, a handful of keys are looked up in it.
    run(asking, "CREATE INDEX orders_customer ON orders(customer)");
    String byIndex = "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer = c.id WHERE c.id < 3";
    assertThat(plan(asking, byIndex)).contains("fetch=[index orders_customer]");
    expected.clear();
    for (int[] o : os) {
      if (o[1] < 3) {
        expected.add(List.of("c" + o[1], o[0]));
      }
    }
    assertThat(rows(asking, byIndex)).isEqualTo(expected);
  }

  @Test
  void badStatementsFailWithTheirReason() throws Exception {
    assertThat(failure(sql(0), "SELEC 1")).satisfies(e -> {
      assertThat(e.reason()).isEqualTo(QueryException.Reason.INVALID);
      assertThat(e.getMessage()).contains("line 1, column 1");
    });
    assertThat(failure(sql(0), "SELECT * FROM nowhere").getMessage()).containsIgnoringCase("nowhere");
    run(sql(0), "CREATE TABLE uniq (id INTEGER PRIMARY KEY, t TEXT)");
    everyoneKnows("uniq");
    run(sql(1), "INSERT INTO uniq VALUES (1, 'a')");
    QueryException dup = failure(sql(2), "INSERT INTO uniq VALUES (2, 'b'), (1, 'c')");
    assertThat(dup.reason()).isEqualTo(QueryException.Reason.ROWS_FAILED);
    assertThat(dup.getMessage()).contains("1 of 2").contains("duplicate key");
    assertThat(run(sql(3), "SELECT id, t FROM uniq ORDER BY id").rows()).containsExactly(List.of(1, "a"),
        List.of(2, "b"));
    assertThat(failure(sql(0), "CREATE TABLE uniq (x INTEGER)").getMessage()).contains("already exists");
    run(sql(0), "CREATE TABLE short (id INTEGER PRIMARY KEY, code VARCHAR(3), body TEXT)");
    everyoneKnows("short");
    QueryException tooLong = failure(sql(1), "INSERT INTO short VALUES (1, 'abcd', 'x')");
    assertThat(tooLong.reason()).isEqualTo(QueryException.Reason.ROWS_FAILED);
    assertThat(tooLong.getMessage()).contains("code");
    QueryException tooLarge = sql(2).execute("INSERT INTO short VALUES (2, 'abc', ?)", "x".repeat(70_000))
        .handle((r, e) -> (QueryException) e.getCause()).get(60, TimeUnit.SECONDS);
    assertThat(tooLarge.getMessage()).contains("row too large");
    assertThat(run(sql(3), "SELECT COUNT(*) FROM short").rows()).containsExactly(List.of(0L));
    assertThat(failure(sql(0), "SELECT 1 / 0 FROM uniq").getMessage()).containsIgnoringCase("division by zero");
    assertThatThrownBy(() -> sql(0).query("DELETE FROM uniq").get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(QueryException.class);
  }

  @Test
  void rangesOfAnIndexGiveWhatAFullScanGivesThroughWritesUpdatesAndDeletes() throws Exception {
    run(sql(0), "CREATE TABLE item (id INTEGER PRIMARY KEY, score INTEGER, name VARCHAR(80), price DOUBLE)");
    everyoneKnows("item");
    Random r = new Random(42);
    StringBuilder insert = new StringBuilder("INSERT INTO item VALUES ");
    for (int i = 0; i < 80; i++) {
      insert.append(i == 0 ? "" : ", ").append("(").append(i).append(", ")
          .append(i % 7 == 0 ? "NULL" : String.valueOf(r.nextInt(50) - 10)).append(", '")
          .append("a long shared prefix of more than thirty-two bytes #" + (i % 13)).append("', ")
          .append(r.nextInt(1000) / 10.0 - 20).append(")");
    }
    run(sql(1), insert.toString());
    run(sql(2), "CREATE INDEX item_score ON item (score)");
    run(sql(3), "CREATE INDEX item_name ON item (name)");
    run(sql(0), "CREATE INDEX item_price ON item (price)");
    await().atMost(Duration.ofSeconds(30)).until(() -> plan(sql(1), "SELECT id FROM item WHERE score = 3")
        .contains("index=[item_score"));
    assertThat(plan(sql(1), "SELECT id FROM item WHERE id = 3")).doesNotContain("index=[");

    // Rows written after the index was built are found through it, and every change moves the entry.
    run(sql(2), "INSERT INTO item VALUES (202, 7, 'new', 1.5), (203, NULL, 'nul', NULL)");
    run(sql(3), "UPDATE item SET score = score + 100 WHERE id < 20");
    run(sql(0), "UPDATE item SET name = 'renamed', price = -price WHERE MOD(id, 5) = 0");
    run(sql(1), "DELETE FROM item WHERE MOD(id, 9) = 1");
    assertThat(rows(sql(3), "SELECT id FROM item WHERE score = 7 AND name = 'new'")).containsExactly(List.of(202));

    for (int q = 0; q < 12; q++) {
      int lo = r.nextInt(160) - 20;
      int hi = lo + r.nextInt(40);
      Sql s = sql(q % 4);
      assertThat(rows(s, "SELECT id, score FROM item WHERE score BETWEEN ? AND ?", lo, hi))
          .as("score %d..%d", lo, hi)
          .isEqualTo(rows(s, "SELECT id, score FROM item WHERE score + 0 BETWEEN ? AND ?", lo, hi));
      assertThat(rows(s, "SELECT COUNT(*), SUM(score) FROM item WHERE score > ?", lo))
          .isEqualTo(rows(s, "SELECT COUNT(*), SUM(score) FROM item WHERE score + 0 > ?", lo));
      double p = lo;
      assertThat(rows(s, "SELECT id FROM item WHERE price < ? AND price >= ?", p, -p))
          .isEqualTo(rows(s, "SELECT id FROM item WHERE price + 0 < ? AND price + 0 >= ?", p, -p));
    }
    String name = "a long shared prefix of more than thirty-two bytes #4";
    assertThat(plan(sql(2), "SELECT id FROM item WHERE name = 'x'")).contains("index=[item_name");
    assertThat(rows(sql(2), "SELECT id FROM item WHERE name = ?", name))
        .as("values sharing a key prefix are told apart by the re-check")
        .isEqualTo(rows(sql(2), "SELECT id FROM item WHERE name || '' = ?", name)).isNotEmpty();
    assertThat(rows(sql(2), "SELECT id FROM item WHERE name > 'renamed'")).isEmpty();
    assertThat(rows(sql(2), "SELECT COUNT(*) FROM item WHERE name >= 'renamed'"))
        .isEqualTo(rows(sql(2), "SELECT COUNT(*) FROM item WHERE name || '' >= 'renamed'"));

    run(sql(3), "DROP INDEX item_score");
    await().atMost(Duration.ofSeconds(30)).until(() -> !plan(sql(0), "SELECT id FROM item WHERE score = 3")
        .contains("index=["));
    assertThat(rows(sql(0), "SELECT id FROM item WHERE score BETWEEN 0 AND 200"))
        .isEqualTo(rows(sql(0), "SELECT id FROM item WHERE score + 0 BETWEEN 0 AND 200"));
  }

  @Test
  void aUniqueIndexRefusesASecondRowWithItsValue() throws Exception {
    run(sql(0), "CREATE TABLE acct (id INTEGER PRIMARY KEY, email VARCHAR(60), region INTEGER)");
    everyoneKnows("acct");
    run(sql(1), "INSERT INTO acct VALUES (1, 'a@x', 1), (2, 'b@x', 1), (3, 'b@x', 2)");
    assertThat(failure(sql(2), "CREATE UNIQUE INDEX acct_email ON acct (email)"))
        .hasMessageContaining("duplicate value for unique index acct_email");
    assertThat(sql(2).indexes("acct")).isEmpty();
    run(sql(3), "DELETE FROM acct WHERE id = 3");
    run(sql(3), "CREATE UNIQUE INDEX acct_email ON acct (email)");
    QueryException dup = failure(sql(0), "INSERT INTO acct VALUES (4, 'a@x', 3), (5, 'c@x', 3)");
    assertThat(dup).hasMessageContaining("1 of 2 rows").hasMessageContaining("duplicate value for unique index");
    run(sql(1), "INSERT INTO acct VALUES (6, NULL, 1), (7, NULL, 1)");
    run(sql(1), "UPDATE acct SET email = 'z@x' WHERE id = 1");
    run(sql(2), "INSERT INTO acct VALUES (8, 'a@x', 1)");
    assertThat(rows(sql(3), "SELECT id FROM acct WHERE email = 'a@x'")).containsExactly(List.of(8));
    assertThat(rows(sql(3), "SELECT id FROM acct WHERE email IS NULL")).hasSize(2);
  }

  private static QueryException failure(Sql sql, String statement) {
    try {
      sql.execute(statement).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(QueryException.class);
      return (QueryException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no failure: " + statement);
  }
}
