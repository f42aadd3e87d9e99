package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Node;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowCursor;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.ScanSpec.Access;
import dev.weft.query.data.ScanSpec.Aggregate;
import dev.weft.query.data.ScanSpec.Call;
import dev.weft.query.data.Tables;
import dev.weft.query.data.WriteReport;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Holders die without telling anyone (their peers still list them as contacts): scans from the survivors stay exact
 * and complete, since rows left to a dead holder are asked for again with it excluded; a statement that cannot
 * finish in its time fails as incomplete, or answers {@code complete: false} when partial answers were asked for.
 */
class ScanUnderFailureTest {
  private static Tables tables(Node n) {
    return n.service(Tables.class).orElseThrow();
  }

  private static QueryContext context(Duration timeout, boolean partial) {
    return new QueryContext(timeout, new AtomicBoolean(), partial, 1_000_000, 1L << 30);
  }

  @Test
  void killingTwoOfThreeHoldersKeepsEveryAnswerExactAndComplete() {
    try (TestCluster c = TestCluster.builder().nodes(7).seed(31).set("weft.kademlia.replication", "3")
        // Writes answer once every replica took them: the test looks at (or stops) the holders right after.
        .set("weft.kademlia.write-quorum", "3")
        .set("weft.query.ddl-settle", "100ms").start()) {
      TableDefinition t = new TableDefinition("t", List.of(new Column("k", ColumnType.BIGINT, false, 0, 0),
          new Column("v", ColumnType.DOUBLE, true, 0, 0)), List.of("k"), "0123456789abcdef0123456789abcdef");
      QueryContext ctx = context(Duration.ofSeconds(30), false);
      tables(c.node(0)).catalog().createTable(t, false, ctx);
      await().atMost(Duration.ofSeconds(30)).until(() -> c.nodes().stream()
          .allMatch(n -> tables(n).catalog().table("t").isPresent()));
      List<RowOp> ops = new ArrayList<>();
      for (long i = 0; i < 400; i++) {
        ops.add(new RowOp.Insert(new Object[] {i, i * 0.5}));
      }
      WriteReport written = tables(c.node(1)).write(t, ops, ctx);
      assertThat(written.failures()).isEmpty();
      assertThat(written.applied()).isEqualTo(400);
      ScanSpec count = new ScanSpec(t, new Access.Full(), Optional.empty(), List.of(),
          Optional.of(new Aggregate(List.of(), List.of(new Call(Call.Kind.COUNT_STAR, -1)))));
      assertThat(total(tables(c.node(2)), count, ctx)).isEqualTo(400);

      c.stop(5);
      c.stop(6);
      for (int i = 0; i < 5; i++) {
        QueryContext after = context(Duration.ofSeconds(30), false);
        assertThat(total(tables(c.node(i)), count, after)).as("from node %d", i).isEqualTo(400);
        assertThat(after.coverage().complete()).isTrue();
      }
    }
  }

  private static long total(Tables tables, ScanSpec spec, QueryContext ctx) {
    long sum = 0;
    try (RowCursor cursor = tables.scan(spec, ctx)) {
      while (cursor.hasNext()) {
        sum += (Long) cursor.next()[0];
      }
      Coverage coverage = cursor.coverage();
      assertThat(coverage.complete()).isTrue();
      assertThat(coverage.answered()).isEqualTo(coverage.nodes());
    }
    return sum;
  }

  @Test
  void aScanThatCannotFinishInTimeFailsOrSaysItIsPartial() {
    try (TestCluster c = TestCluster.builder().nodes(3).seed(32).set("weft.query.ddl-settle", "100ms").start()) {
      TableDefinition t = new TableDefinition("t", List.of(new Column("k", ColumnType.INTEGER, false, 0, 0)),
          List.of("k"), "fedcba9876543210fedcba9876543210");
      tables(c.node(0)).catalog().createTable(t, false, context(Duration.ofSeconds(30), false));
      ScanSpec spec = new ScanSpec(t, new Access.Full(), Optional.empty(), List.of(0), Optional.empty());
      // A node that stopped without a word is still node 0's contact: its part cannot answer, whatever the timing (on
      // loopback the other nodes answer an empty table's scan in well under a millisecond). 1 ms is the time given.
      c.stop(2);
      assertThatThrownBy(() -> tables(c.node(0)).scan(spec, context(Duration.ofMillis(1), false)))
          .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.reason())
              .isIn(QueryException.Reason.INCOMPLETE, QueryException.Reason.TIMEOUT));
      QueryContext partial = context(Duration.ofMillis(1), true);
      try (RowCursor cursor = tables(c.node(0)).scan(spec, partial)) {
        assertThat(cursor.coverage().complete()).isFalse();
      }
    }
  }
}
