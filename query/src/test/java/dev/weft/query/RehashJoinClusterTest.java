package dev.weft.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Joins that rehash both sides (docs/query.md, "Joins that rehash") on a 5-node UDP network whose nodes rehash every
 * join of two whole scans ({@code weft.query.rehash-join-rows=0}): the answers equal the join done in the test, as
 * multisets, NULL keys matching nothing; each side's rows move once to the nodes that join them, and only the joined
 * rows come to the asking node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RehashJoinClusterTest {
  private TestCluster cluster;

  @BeforeAll
  void start() {
    cluster = TestCluster.builder().nodes(5).seed(77).set("weft.query.ddl-settle", "100ms")
        .set("weft.query.rehash-join-rows", "0").start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private Sql sql(int node) {
    return Sql.of(cluster.node(node));
  }

  private static SqlResult run(Sql sql, String statement) throws Exception {
    return sql.execute(statement).get(60, TimeUnit.SECONDS);
  }

  private long total(ToLongFunction<QueryStats> counter) {
    return total(cluster, counter);
  }

  private static Map<List<Object>, Integer> bag(List<List<Object>> rows) {
    Map<List<Object>, Integer> out = new HashMap<>();
    rows.forEach(r -> out.merge(r, 1, Integer::sum));
    return out;
  }

  @Test
  void bothSidesMoveToTheNodesTheirKeysHashToAndOnlyTheJoinedRowsComeBack() throws Exception {
    run(sql(0), "CREATE TABLE parts (id INTEGER PRIMARY KEY, kind INTEGER, name VARCHAR(10))");
    run(sql(0), "CREATE TABLE stock (id INTEGER PRIMARY KEY, kind INTEGER, qty INTEGER)");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes().stream()
        .allMatch(n -> Sql.of(n).tables().containsKey("stock")));
    Random r = new Random(7);
    List<Integer[]> parts = new ArrayList<>();
    List<Integer[]> stock = new ArrayList<>();
    StringBuilder p = new StringBuilder("INSERT INTO parts VALUES ");
    for (int i = 0; i < 300; i++) {
      Integer kind = i % 37 == 0 ? null : r.nextInt(60);
      parts.add(new Integer[] {i, kind});
      p.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(kind).append(", 'p").append(i)
          .append("')");
    }
    StringBuilder s = new StringBuilder("INSERT INTO stock VALUES ");
    for (int i = 0; i < 400; i++) {
      Integer kind = i % 41 == 0 ? null : r.nextInt(80);
      int qty = r.nextInt(100);
      stock.add(new Integer[] {i, kind, qty});
      s.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(kind).append(", ").append(qty)
          .append(')');
    }
    run(sql(1), p.toString());
    run(sql(2), s.toString());
    Sql asking = sql(3);

    String join = "SELECT p.name, s.qty FROM parts p JOIN stock s ON p.kind = s.kind";
    StringBuilder plan = new StringBuilder();
    run(asking, "EXPLAIN PLAN FOR " + join).rows().forEach(x -> plan.append(x.get(0)));
    assertThat(plan.toString()).contains("WeftRehashJoin");

    List<List<Object>> expected = new ArrayList<>();
    for (Integer[] a : parts) {
      for (Integer[] b : stock) {
        if (a[1] != null && a[1].equals(b[1])) {
          expected.add(List.of("p" + a[0], b[2]));
        }
      }
    }
    long keyed = parts.stream().filter(x -> x[1] != null).count() + stock.stream().filter(x -> x[1] != null).count();
    long rehashed0 = total(QueryStats::rowsRehashed);
    long sent0 = total(QueryStats::rowsSent);
    SqlResult answer = run(asking, join);
    assertThat(answer.coverage().complete()).isTrue();
    assertThat(bag(answer.rows())).isEqualTo(bag(expected));
    // Each row with a key moved once toward its join's node (twice if a walk ran again); NULL keys stayed home.
    assertThat(total(QueryStats::rowsRehashed) - rehashed0).isBetween(keyed, 2 * keyed);
    // Only the pairs came to the asking node, not the 700 rows of both tables.
    assertThat(total(QueryStats::rowsSent) - sent0).isBetween((long) expected.size(), 2L * expected.size());

    // A condition beyond the keys is a filter above the join; a filter on one side travels with its walk.
    List<List<Object>> filtered = new ArrayList<>();
    for (Integer[] a : parts) {
      for (Integer[] b : stock) {
        if (a[1] != null && a[1].equals(b[1]) && a[0] < b[2] && b[2] > 50) {
          filtered.add(Arrays.asList(a[0], b[0]));
        }
      }
    }
    SqlResult narrowed = run(asking, "SELECT p.id, s.id FROM parts p JOIN stock s ON p.kind = s.kind AND p.id < s.qty"
        + " WHERE s.qty > 50");
    assertThat(bag(narrowed.rows())).isEqualTo(bag(filtered));

    // Aggregates over the join run at the asking node on the joined rows.
    Map<Integer, Long> perKind = new HashMap<>();
    for (Integer[] a : parts) {
      for (Integer[] b : stock) {
        if (a[1] != null && a[1].equals(b[1])) {
          perKind.merge(a[1], (long) b[2], Long::sum);
        }
      }
    }
    List<List<Object>> sums = new ArrayList<>();
    perKind.forEach((k, v) -> sums.add(List.of(k, v)));
    assertThat(bag(run(sql(4), "SELECT p.kind, SUM(s.qty) FROM parts p JOIN stock s ON p.kind = s.kind GROUP BY p.kind")
        .rows())).isEqualTo(bag(sums));
  }

  @Test
  void aNodeOverItsShareOfJoinRowsFailsTheJoinClearlyAndKeepsServing() throws Exception {
    try (TestCluster small = TestCluster.builder().nodes(3).seed(78).set("weft.query.ddl-settle", "100ms")
        .set("weft.query.rehash-join-rows", "0").set("weft.query.join-buffer-bytes", "1KiB").start()) {
      Sql sql = Sql.of(small.node(0));
      run(sql, "CREATE TABLE l (id INTEGER PRIMARY KEY, k INTEGER, pad VARCHAR(60))");
      run(sql, "CREATE TABLE r (id INTEGER PRIMARY KEY, k INTEGER)");
      await().atMost(Duration.ofSeconds(30)).until(() -> small.nodes().stream()
          .allMatch(n -> Sql.of(n).tables().containsKey("r")));
      StringBuilder l = new StringBuilder("INSERT INTO l VALUES ");
      StringBuilder r = new StringBuilder("INSERT INTO r VALUES ");
      for (int i = 0; i < 200; i++) {
        l.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i % 7).append(", '")
            .append("x".repeat(50)).append("')");
        r.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i % 7).append(')');
      }
      run(sql, l.toString());
      run(sql, r.toString());
      Sql asking = Sql.of(small.node(1));
      assertThatThrownBy(() -> run(asking, "SELECT l.id, r.id FROM l JOIN r ON l.k = r.k"))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(QueryException.class)
          .hasMessageContaining("weft.query.join-buffer-bytes")
          .satisfies(e -> assertThat(((QueryException) e).reason()).isEqualTo(QueryException.Reason.TOO_LARGE));
      assertThat(run(asking, "SELECT COUNT(*) FROM l").rows()).containsExactly(List.of(200L));
      assertThat(total(small, QueryStats::rowsRehashRefused)).isPositive();
    }
  }

  private static long total(TestCluster c, ToLongFunction<QueryStats> counter) {
    return c.nodes().stream().mapToLong(n -> counter.applyAsLong(Sql.of(n).stats())).sum();
  }
}
