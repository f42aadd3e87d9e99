package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Node;
import dev.weft.api.Scan;
import dev.weft.query.Sql;
import dev.weft.query.SqlResult;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Tables;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DROP INDEX and DROP TABLE free the space on every node (docs/query.md, "Dropping frees the space"): no node holds a
 * copy of the dropped rows or index entries any more, none comes back through the writers' and holders' republish,
 * and the tables and indexes that stay, or are created again under the same names, keep every row. Sweeps run every
 * second here, so that they too run against live tables throughout.
 */
class DropReclaimsSpaceTest {
  private static final int ROWS = 120;

  private static SqlResult run(Node n, String sql) throws Exception {
    return Sql.of(n).execute(sql).get(60, TimeUnit.SECONDS);
  }

  private static long count(Node n, String sql) throws Exception {
    return ((Number) run(n, sql).rows().get(0).get(0)).longValue();
  }

  /** Copies of {@code namespace}'s objects on every running node. */
  private static long copies(TestCluster c, String namespace) throws Exception {
    long out = 0;
    for (Node n : c.runningNodes()) {
      out += n.storage().lscan(Scan.namespace(namespace).limit(Scan.MAX_LIMIT)).get(30, TimeUnit.SECONDS)
          .items().size();
    }
    return out;
  }

  private static long reclaimed(TestCluster c) {
    return c.runningNodes().stream().mapToLong(n -> Sql.of(n).stats().objectsReclaimed()).sum();
  }

  private static void insert(Node n, String table, int rows) throws Exception {
    StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append('(').append(i).append(", ").append(i % 40).append(')');
    }
    assertThat(run(n, sql.toString()).updated()).isEqualTo(rows);
  }

  @Test
  void droppedRowsAndIndexEntriesLeaveEveryStoreAndDoNotComeBack() throws Exception {
    // Replication 3 of 5: each node holds part of the rows. Writers and holders republish every 2 s.
    try (TestCluster c = TestCluster.builder().nodes(5).seed(53).set("weft.kademlia.replication", "3")
        // Writes answer once every replica took them: the test looks at (or stops) the holders right after.
        .set("weft.kademlia.write-quorum", "3")
        .set("weft.kademlia.republish-interval", "2s").set("weft.kademlia.maintenance-interval", "2s")
        .set("weft.query.ddl-settle", "100ms").set("weft.query.reclaim-interval", "1s").start()) {
      run(c.node(0), "CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)");
      run(c.node(0), "CREATE TABLE u (k BIGINT PRIMARY KEY, v BIGINT)");
      await().atMost(Duration.ofSeconds(30)).until(() -> c.runningNodes().stream()
          .allMatch(n -> Sql.of(n).tables().containsKey("t") && Sql.of(n).tables().containsKey("u")));
      insert(c.node(1), "t", ROWS);
      insert(c.node(2), "u", 30);
      run(c.node(3), "CREATE INDEX t_v ON t (v)");
      Tables tables = c.node(4).service(Tables.class).orElseThrow();
      TableDefinition t = tables.catalog().table("t").orElseThrow();
      String firstIndex = "pht:" + tables.catalog().index("t_v").orElseThrow().phtIndex();
      assertThat(copies(c, t.rowNamespace())).isGreaterThanOrEqualTo(3L * ROWS);
      assertThat(copies(c, firstIndex)).isPositive();

      // DROP INDEX: its entries go, the rows stay; an index of the same name built again is read correctly.
      run(c.node(2), "DROP INDEX t_v");
      await().atMost(Duration.ofSeconds(30)).until(() -> copies(c, firstIndex) == 0);
      run(c.node(3), "CREATE INDEX t_v ON t (v)");
      IndexDefinition again = c.node(4).service(Tables.class).orElseThrow().catalog().index("t_v").orElseThrow();
      assertThat("pht:" + again.phtIndex()).isNotEqualTo(firstIndex);
      assertThat(count(c.node(0), "SELECT COUNT(*) FROM t WHERE v = 7")).isEqualTo(3);
      assertThat(count(c.node(1), "SELECT COUNT(*) FROM t")).isEqualTo(ROWS);

      // DROP TABLE: rows and the index's entries go from every store and stay gone through republish rounds.
      long before = reclaimed(c);
      run(c.node(1), "DROP TABLE t");
      await().atMost(Duration.ofSeconds(30)).until(() -> copies(c, t.rowNamespace()) == 0
          && copies(c, "pht:" + again.phtIndex()) == 0);
      assertThat(reclaimed(c) - before).isGreaterThanOrEqualTo(3L * ROWS);
      await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20)).until(() -> copies(c, t.rowNamespace())
          + copies(c, firstIndex) + copies(c, "pht:" + again.phtIndex()) == 0);

      // What stays keeps every row; a table created again under the name starts empty and keeps what it is given.
      assertThat(count(c.node(4), "SELECT COUNT(*) FROM u")).isEqualTo(30);
      run(c.node(0), "CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT)");
      await().atMost(Duration.ofSeconds(30)).until(() -> c.runningNodes().stream()
          .allMatch(n -> Sql.of(n).tables().containsKey("t")));
      assertThat(count(c.node(3), "SELECT COUNT(*) FROM t")).isZero();
      insert(c.node(2), "t", 40);
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> count(c.node(3),
          "SELECT COUNT(*) FROM t") == 40 && count(c.node(0), "SELECT COUNT(*) FROM u") == 30);
    }
  }
}
