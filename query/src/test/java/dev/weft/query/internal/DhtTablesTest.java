package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Node;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The data layer over real UDP nodes (replication 3 of 6 nodes, so that a row has holders and non-holders): writes
 * through keepers from any node, full scans that count every row once, partial aggregates, key reads, duplicate keys,
 * deletes, and exact complete answers after two holders die.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtTablesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private TestCluster cluster;
  private final Random random = new Random(20);

  @BeforeAll
  void start() {
    cluster = TestCluster.builder().nodes(6).seed(20).set("weft.kademlia.replication", "3")
        // Writes answer once every replica took them: the test looks at (or stops) the holders right after.
        .set("weft.kademlia.write-quorum", "3")
        .set("weft.query.ddl-settle", "200ms").start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static Tables tables(Node n) {
    return n.service(Tables.class).orElseThrow();
  }

  private static QueryContext context() {
    return new QueryContext(WAIT, new AtomicBoolean(), false, 1_000_000, 1L << 30);
  }

  private TableDefinition create(String name) {
    TableDefinition t = new TableDefinition(name, List.of(new Column("id", ColumnType.INTEGER, false, 0, 0),
        new Column("grp", ColumnType.VARCHAR, true, 0, 0), new Column("amount", ColumnType.BIGINT, true, 0, 0)),
        List.of("id"), String.format("%032x", random.nextLong() & Long.MAX_VALUE));
    assertThat(tables(cluster.node(0)).catalog().createTable(t, false, context())).isTrue();
    await().atMost(WAIT).until(() -> cluster.nodes().stream()
        .allMatch(n -> tables(n).catalog().table(name).map(t::equals).orElse(false)));
    return t;
  }

  private static List<Object[]> all(Tables tables, ScanSpec spec) {
    List<Object[]> out = new ArrayList<>();
    try (RowCursor c = tables.scan(spec, context())) {
      c.forEachRemaining(out::add);
      assertThat(c.coverage().complete()).isTrue();
    }
    return out;
  }

  private static ScanSpec full(TableDefinition t) {
    return new ScanSpec(t, new Access.Full(), Optional.empty(), List.of(0, 1, 2), Optional.empty());
  }

  @Test
  void rowsWrittenAnywhereAreScannedOnceFromEverywhere() {
    TableDefinition t = create("orders");
    Map<String, Long> sums = new HashMap<>();
    List<RowOp> ops = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String grp = "g" + (i % 7);
      long amount = random.nextInt(1000);
      sums.merge(grp, amount, Long::sum);
      ops.add(new RowOp.Insert(new Object[] {i, grp, amount}));
    }
    for (int from = 0; from < 3; from++) {
      WriteReport r = tables(cluster.node(from)).write(t, ops.subList(from * 100, from * 100 + 100), context());
      assertThat(r.failures()).isEmpty();
      assertThat(r.applied()).isEqualTo(100);
    }
    for (Node n : cluster.nodes()) {
      assertThat(all(tables(n), full(t))).hasSize(300);
    }
    // Partial aggregates, one row per group per node, merged here as the SQL layer would.
    ScanSpec grouped = new ScanSpec(t, new Access.Full(), Optional.empty(), List.of(),
        Optional.of(new Aggregate(List.of(1), List.of(new Call(Call.Kind.COUNT_STAR, -1),
            new Call(Call.Kind.SUM, 2)))));
    Map<String, Long> counts = new HashMap<>();
    Map<String, Long> got = new HashMap<>();
    for (Object[] partial : all(tables(cluster.node(4)), grouped)) {
      counts.merge((String) partial[0], (Long) partial[1], Long::sum);
      got.merge((String) partial[0], (Long) partial[2], Long::sum);
    }
    assertThat(got).isEqualTo(sums);
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);

    // Key reads, a duplicate key, deletes.
    ScanSpec byKey = new ScanSpec(t, new Access.Keys(List.of(List.of(5), List.of(17), List.of(9999))),
        Optional.empty(), List.of(0), Optional.empty());
    assertThat(all(tables(cluster.node(5)), byKey)).extracting(r -> r[0]).containsExactlyInAnyOrder(5, 17);
    WriteReport dup = tables(cluster.node(3)).write(t, List.of(new RowOp.Insert(new Object[] {5, "x", 1L}),
        new RowOp.Insert(new Object[] {1000, "x", 1L})), context());
    assertThat(dup.applied()).isEqualTo(1);
    assertThat(dup.failures()).singleElement().satisfies(f -> {
      assertThat(f.op()).isZero();
      assertThat(f.reason()).isEqualTo(RowKeeper.DUPLICATE);
    });
    List<RowOp> deletes = new ArrayList<>();
    for (Object[] row : all(tables(cluster.node(1)), full(t))) {
      if ((Integer) row[0] % 2 == 0) {
        deletes.add(new RowOp.Delete(row));
      }
    }
    assertThat(tables(cluster.node(2)).write(t, deletes, context()).applied()).isEqualTo(deletes.size());
    assertThat(all(tables(cluster.node(0)), full(t))).hasSize(301 - deletes.size());
  }

  @Test
  void aTableWithoutKeyTakesEqualRowsAndDeletesThemByValue() {
    TableDefinition t = new TableDefinition("bag", List.of(new Column("v", ColumnType.INTEGER, true, 0, 0)),
        List.of(), String.format("%032x", random.nextLong() & Long.MAX_VALUE));
    assertThat(tables(cluster.node(1)).catalog().createTable(t, false, context())).isTrue();
    await().atMost(WAIT).until(() -> tables(cluster.node(2)).catalog().table("bag").isPresent());
    List<RowOp> ops = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ops.add(new RowOp.Insert(new Object[] {i % 3}));
    }
    assertThat(tables(cluster.node(2)).write(t, ops, context()).applied()).isEqualTo(10);
    ScanSpec spec = new ScanSpec(t, new Access.Full(), Optional.empty(), List.of(0), Optional.empty());
    assertThat(all(tables(cluster.node(3)), spec)).hasSize(10);
    WriteReport r = tables(cluster.node(3)).write(t, List.of(new RowOp.Delete(new Object[] {0}),
        new RowOp.Delete(new Object[] {0})), context());
    assertThat(r.applied()).isEqualTo(2);
    assertThat(all(tables(cluster.node(4)), spec)).extracting(x -> x[0]).filteredOn(v -> v.equals(0)).hasSize(2);
  }

  @Test
  void badSpecsAndDroppedTablesFailClearly() {
    TableDefinition t = create("gone");
    assertThat(tables(cluster.node(0)).catalog().dropTable("gone", false, context())).isTrue();
    await().atMost(WAIT).until(() -> tables(cluster.node(1)).catalog().table("gone").isEmpty());
    assertThatThrownBy(() -> tables(cluster.node(1)).scan(full(t), context())).isInstanceOf(QueryException.class)
        .hasMessageContaining("dropped");
    assertThatThrownBy(() -> tables(cluster.node(1)).catalog().dropTable("gone", false, context()))
        .isInstanceOf(QueryException.class).hasMessageContaining("does not exist");
    assertThat(tables(cluster.node(1)).catalog().dropTable("gone", true, context())).isFalse();
  }
}
