package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.kademlia.KademliaSettings;
import dev.weft.query.QueryStats;
import dev.weft.query.Sql;
import dev.weft.query.SqlResult;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Tables;
import dev.weft.query.row.RowKeys;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nodes that join after the rows were written are the closest nodes to some of them but do not hold them until the
 * store's hand-off reaches them. The holders that know them would leave those rows to them, and a scan would miss the
 * rows while saying it was complete (docs/query.md, "A node that has just joined"). Every scan here, from old nodes
 * and new ones, must be exact and complete: while the newcomers settle, and after they settled.
 */
class ScanWithNewcomersTest {
  private static final int ROWS = 300;
  /** The store's default locality ({@code weft.storage.namespace-bits}), which places row ids. */
  private static final int NAMESPACE_BITS = KademliaSettings.NAMESPACE_BITS.defaultValue().orElseThrow();

  private static SqlResult run(Node n, String sql) throws Exception {
    return Sql.of(n).execute(sql).get(60, TimeUnit.SECONDS);
  }

  private static QueryStats total(List<Node> nodes) {
    long repeated = 0;
    long contested = 0;
    for (Node n : nodes) {
      QueryStats s = Sql.of(n).stats();
      repeated += s.scansRepeated();
      contested += s.rowsContested();
    }
    return new QueryStats(0, 0, 0, repeated, 0, 0, 0, 0, 0, contested, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** COUNT, SUM and a GROUP BY (aggregates on the nodes) and the keys (rows with keys) from {@code n}: all exact. */
  private static void everyAnswerIsExact(Node n, String from) throws Exception {
    SqlResult count = run(n, "SELECT COUNT(*), SUM(v) FROM t");
    assertThat(((Number) count.rows().get(0).get(0)).longValue()).as("COUNT(*) from %s", from).isEqualTo(ROWS);
    assertThat(((Number) count.rows().get(0).get(1)).longValue()).as("SUM(v) from %s", from)
        .isEqualTo((long) ROWS * (ROWS - 1) / 2);
    assertThat(count.coverage().complete()).isTrue();
    SqlResult groups = run(n, "SELECT MOD(k, 7), COUNT(*) FROM t GROUP BY MOD(k, 7)");
    long grouped = 0;
    for (List<Object> g : groups.rows()) {
      grouped += ((Number) g.get(1)).longValue();
    }
    assertThat(groups.rows()).as("groups from %s", from).hasSize(7);
    assertThat(grouped).as("rows in groups from %s", from).isEqualTo(ROWS);
    SqlResult keys = run(n, "SELECT k FROM t WHERE v >= 0");
    Set<Long> seen = new HashSet<>();
    keys.rows().forEach(r -> seen.add(((Number) r.get(0)).longValue()));
    assertThat(keys.rows()).as("rows from %s", from).hasSize(ROWS);
    assertThat(seen).hasSize(ROWS);
    assertThat(keys.coverage().complete()).isTrue();
  }

  private static boolean knows(Node node, List<Node> others) {
    Set<NodeId> known = new HashSet<>();
    node.info().buckets().forEach(b -> b.contacts().forEach(ci -> known.add(ci.contact().id())));
    return others.stream().allMatch(o -> known.contains(o.id()));
  }

  @Test
  void nodesThatJoinAfterTheRowsWereWrittenDoNotMakeScansMissThem() throws Exception {
    // Replication 3 on 3 nodes: every old node holds every row. Hand-off every 5 s: the newcomers settle 10 s after
    // they joined; until then they may lack the rows written before.
    try (TestCluster c = TestCluster.builder().nodes(3).seed(47).set("weft.kademlia.replication", "3")
        // Writes answer once every replica took them: the test looks at (or stops) the holders right after.
        .set("weft.kademlia.write-quorum", "3")
        .set("weft.kademlia.maintenance-interval", "5s").set("weft.query.ddl-settle", "100ms").start()) {
      run(c.node(0), "CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)");
      await().atMost(Duration.ofSeconds(30)).until(() -> Sql.of(c.node(1)).tables().containsKey("t"));
      StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
      for (int i = 0; i < ROWS; i++) {
        insert.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i).append(')');
      }
      assertThat(run(c.node(1), insert.toString()).updated()).isEqualTo(ROWS);
      everyAnswerIsExact(c.node(2), "an old node before the newcomers");

      long joined = System.nanoTime();
      // Each newcomer takes the id of a row: it is that row's closest node, and of rows near it (row ids spread over
      // a quarter of the id space, where random newcomers could all land outside).
      TableDefinition t = c.node(0).service(Tables.class).orElseThrow().catalog().table("t").orElseThrow();
      List<Node> newcomers = new ArrayList<>();
      for (long k : new long[] {10, 90, 170, 250}) {
        newcomers.add(c.addNode(NodeId.forKey(t.rowNamespace(), RowKeys.keyOf(t, List.of(k)), NAMESPACE_BITS)));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> newcomers.stream()
          .allMatch(n -> Sql.of(n).tables().containsKey("t")));
      // The old nodes admit the newcomers to their routing tables (only then do they leave rows to them): until
      // then they report every row themselves, and the scans below would not meet the window at all.
      await().atMost(Duration.ofSeconds(10)).until(() -> c.nodes().subList(0, 3).stream()
          .allMatch(old -> knows(old, newcomers)));
      everyAnswerIsExact(c.node(0), "an old node");
      everyAnswerIsExact(newcomers.get(0), "a newcomer");
      QueryStats settling = total(c.nodes());
      assertThat(settling.scansRepeated() + settling.rowsContested())
          .as("rows near the newcomers were reported by their holders, taken once each").isPositive();

      // Settled: the hand-off brought them their rows, and holders leave rows to them again.
      await().atMost(Duration.ofSeconds(30)).until(() -> TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - joined) > 11);
      QueryStats before = total(c.nodes());
      for (int i = 0; i < c.size(); i++) {
        everyAnswerIsExact(c.node(i), "node " + i + " after the newcomers settled");
      }
      QueryStats after = total(c.nodes());
      assertThat(after.scansRepeated()).as("no scan needed a second attempt").isEqualTo(before.scansRepeated());
    }
  }
}
