package dev.weft.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Live queries on a 4-node UDP network: the answer, then each change as rows that enter and leave, told by the keepers
 * of the rows that changed (the lease is ten minutes here, so no renewal's run can be what brings a change); a write
 * that passes no watched filter tells no one; aggregates and joins stay current; errors end the watch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveQueryTest {
  private static final Duration CHANGE = Duration.ofSeconds(15);
  private TestCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.builder().nodes(4).seed(60).set("weft.query.ddl-settle", "100ms")
        .set("weft.query.watch-lease", "10m").start();
    run(2, "CREATE TABLE items (id INTEGER PRIMARY KEY, v INTEGER, tag VARCHAR(8))");
    run(2, "CREATE TABLE tags (tag VARCHAR(8) PRIMARY KEY, label VARCHAR(20))");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.nodes().stream()
        .allMatch(n -> Sql.of(n).tables().containsKey("items") && Sql.of(n).tables().containsKey("tags")));
    run(1, "INSERT INTO items VALUES (1, 5, 'a'), (2, 20, 'b'), (3, 30, 'a')");
    run(1, "INSERT INTO tags VALUES ('a', 'alpha'), ('b', 'beta')");
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private SqlResult run(int node, String sql) throws Exception {
    return Sql.of(cluster.node(node)).execute(sql).get(60, TimeUnit.SECONDS);
  }

  private long notices() {
    return cluster.nodes().stream().mapToLong(n -> Sql.of(n).stats().watchNotices()).sum();
  }

  private static WatchEvent next(BlockingQueue<WatchEvent> events) throws InterruptedException {
    WatchEvent e = events.poll(CHANGE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(e).as("an event within " + CHANGE).isNotNull();
    return e;
  }

  @Test
  void rowsEnterAndLeaveAsTheirKeepersWriteThem() throws Exception {
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    try (SqlWatch watch = Sql.of(cluster.node(0)).watch("SELECT id, v FROM items WHERE v > 10", events::add)) {
      WatchEvent answer = next(events);
      assertThat(answer.kind()).isEqualTo(WatchEvent.Kind.ANSWER);
      assertThat(answer.rows()).containsExactlyInAnyOrder(List.of(2, 20), List.of(3, 30));
      assertThat(answer.coverage().complete()).isTrue();
      assertThat(answer.columns()).extracting(SqlResult.ColumnInfo::name).containsExactly("id", "v");
      // The watches reach every keeper, and the query runs once more after that (no change: no event).
      await().atMost(Duration.ofSeconds(10)).until(() -> Sql.of(cluster.node(0)).stats().watchRuns() >= 2);

      run(3, "INSERT INTO items VALUES (4, 40, 'b')");
      WatchEvent entered = next(events);
      assertThat(entered.kind()).isEqualTo(WatchEvent.Kind.CHANGE);
      assertThat(entered.added()).containsExactly(List.of(4, 40));
      assertThat(entered.removed()).isEmpty();

      long before = notices();
      run(3, "INSERT INTO items VALUES (5, 1, 'b')");
      assertThat(notices()).as("a row that passes no watched filter tells no one").isEqualTo(before);

      run(1, "UPDATE items SET v = 2 WHERE id = 3");
      WatchEvent left = next(events);
      assertThat(left.removed()).containsExactly(List.of(3, 30));
      assertThat(left.added()).isEmpty();

      run(2, "DELETE FROM items WHERE id = 4");
      assertThat(next(events).removed()).containsExactly(List.of(4, 40));

      // Rows kept by every node, the watching one among them (its notices to itself go straight to its live queries).
      run(3, "INSERT INTO items VALUES (10, 11, 'a'), (11, 12, 'a'), (12, 13, 'a'), (13, 14, 'a'), (14, 15, 'a'),"
          + " (15, 16, 'a'), (16, 17, 'a'), (17, 18, 'a')");
      List<List<Object>> added = new java.util.ArrayList<>();
      while (added.size() < 8) {
        added.addAll(next(events).added());
      }
      assertThat(added).hasSize(8).contains(List.of(10, 11), List.of(17, 18));
      assertThat(watch.isOpen()).isTrue();
    }
    run(3, "INSERT INTO items VALUES (6, 60, 'a')");
    assertThat(events.poll(1, TimeUnit.SECONDS)).as("nothing after close").isNull();
  }

  @Test
  void aggregatesAndJoinsStayCurrent() throws Exception {
    BlockingQueue<WatchEvent> counts = new LinkedBlockingQueue<>();
    BlockingQueue<WatchEvent> joined = new LinkedBlockingQueue<>();
    Sql sql = Sql.of(cluster.node(1));
    try (SqlWatch c = sql.watch("SELECT tag, COUNT(*) FROM items WHERE v >= 100 GROUP BY tag", counts::add);
        SqlWatch j = sql.watch("SELECT i.id, t.label FROM items i JOIN tags t ON i.tag = t.tag WHERE i.v >= 100",
            joined::add)) {
      assertThat(next(counts).rows()).isEmpty();
      assertThat(next(joined).rows()).isEmpty();
      run(0, "INSERT INTO items VALUES (100, 100, 'a'), (101, 150, 'a')");
      List<List<Object>> seen = new java.util.ArrayList<>();
      while (!seen.contains(List.of("a", 2L))) {
        WatchEvent e = next(counts);
        seen.removeAll(e.removed());
        seen.addAll(e.added());
      }
      List<List<Object>> rows = new java.util.ArrayList<>();
      while (rows.size() < 2) {
        rows.addAll(next(joined).added());
      }
      assertThat(rows).containsExactlyInAnyOrder(List.of(100, "alpha"), List.of(101, "alpha"));
      // A change to the other table of the join.
      run(3, "UPDATE tags SET label = 'first' WHERE tag = 'a'");
      List<List<Object>> added = new java.util.ArrayList<>();
      List<List<Object>> removed = new java.util.ArrayList<>();
      while (added.size() < 2) {
        WatchEvent e = next(joined);
        added.addAll(e.added());
        removed.addAll(e.removed());
      }
      assertThat(added).containsExactlyInAnyOrder(List.of(100, "first"), List.of(101, "first"));
      assertThat(removed).containsExactlyInAnyOrder(List.of(100, "alpha"), List.of(101, "alpha"));
      assertThat(c.isOpen() && j.isOpen()).isTrue();
    }
  }

  @Test
  void errorsThatRunningAgainCannotMendEndTheWatch() throws Exception {
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    SqlWatch bad = Sql.of(cluster.node(2)).watch("SELECT * FROM nowhere", events::add);
    WatchEvent e = next(events);
    assertThat(e.kind()).isEqualTo(WatchEvent.Kind.ERROR);
    assertThat(e.error().reason()).isEqualTo(QueryException.Reason.INVALID);
    assertThat(e.closed()).isTrue();
    assertThat(bad.isOpen()).isFalse();

    SqlWatch notAQuery = Sql.of(cluster.node(2)).watch("DELETE FROM items WHERE id = 1", events::add);
    assertThat(next(events).error().reason()).isEqualTo(QueryException.Reason.INVALID);
    assertThat(notAQuery.isOpen()).isFalse();

    SqlWatch closing = Sql.of(cluster.node(2)).watch("SELECT id FROM items WHERE id = 1", events::add);
    assertThat(next(events).kind()).isEqualTo(WatchEvent.Kind.ANSWER);
    assertThat(closing.isOpen()).isTrue();
    closing.close();
    closing.close();
    assertThat(closing.isOpen()).isFalse();
  }
}
