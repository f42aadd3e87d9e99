package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.query.Coverage;
import dev.weft.sim.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rows a node holds for joins that rehash: kept once by key (the newest), counted on every arrival, paired by join
 * key, refused past the cap without holding part of a batch, gone when their time is up; and the asking node's rule
 * that a join is complete only when the rows sent add up to the rows the probe found.
 */
class JoinBuffersTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String L = "11111111111111111111111111111111";
  private static final String R = "22222222222222222222222222222222";
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  private static JoinBuffers.Held held(String joinKey, String key, String version, Object value) {
    ArrayNode values = F.arrayNode();
    values.addPOJO(value);
    return new JoinBuffers.Held(joinKey, F.arrayNode().add(key).add(version).add(values));
  }

  @Test
  void rowsArePairedByJoinKeyAndKeptOnceByKey() {
    Counters counters = new Counters();
    JoinBuffers b = new JoinBuffers(new ManualScheduler(), 1 << 20, counters);
    String older = new Version(1000, 1).toString();
    String newer = new Version(2000, 1).toString();
    assertThat(b.keep(L, MINUTE, List.of(held("[1]", "a", older, "old"), held("[2]", "b", older, "b"))))
        .isEmpty();
    // The same row from a second holder, newer: kept once, the newer; both arrivals counted.
    assertThat(b.keep(L, MINUTE, List.of(held("[1]", "a", newer, "new")))).isEmpty();
    assertThat(b.keep(R, MINUTE, List.of(held("[1]", "x", older, 10), held("[1]", "y", older, 11),
        held("[3]", "z", older, 30)))).isEmpty();
    JoinBuffers.Probed p = b.probe(L, R);
    assertThat(p.left()).isEqualTo(3);
    assertThat(p.right()).isEqualTo(3);
    assertThat(p.groups()).hasSize(1);
    JoinBuffers.Group g = p.groups().get(0);
    assertThat(g.left()).hasSize(1);
    assertThat(g.left().get(0).get(2).get(0).asText()).isEqualTo("new");
    assertThat(g.right()).hasSize(2);
    ArrayNode pair = LocalProbe.pair(g.left().get(0), g.right().get(0));
    assertThat(pair.get(0).asText()).isEqualTo("1:ax");
    assertThat(pair.get(2).size()).isEqualTo(2);
    // A walk none reached here is empty, not an error.
    assertThat(b.probe(L, "33333333333333333333333333333333").groups()).isEmpty();
  }

  @Test
  void overTheCapABatchIsRefusedWholeAndTheRowsGoWhenTheirTimeIsUp() {
    ManualScheduler clock = new ManualScheduler();
    Counters counters = new Counters();
    JoinBuffers b = new JoinBuffers(clock, 200, counters);
    String v = new Version(1000, 2).toString();
    assertThat(b.keep(L, MINUTE, List.of(held("[1]", "a", v, "x")))).isEmpty();
    long held = b.bytes();
    String refused = b.keep(L, MINUTE, List.of(held("[2]", "b", v, "y".repeat(100)), held("[3]", "c", v,
        "z".repeat(100))));
    assertThat(refused).startsWith("TOO_LARGE: ").contains("weft.query.join-buffer-bytes");
    assertThat(b.bytes()).isEqualTo(held);
    assertThat(counters.rowsRehashRefused.get()).isEqualTo(2);
    assertThat(b.probe(L, L).left()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    assertThat(b.bytes()).isZero();
    assertThat(b.probe(L, L).left()).isZero();
  }

  @Test
  void aBatchIsTakenOnce() {
    JoinBuffers b = new JoinBuffers(new ManualScheduler(), 1 << 20, new Counters());
    NodeId from = NodeId.random(new Random(3));
    assertThat(b.first(L, from, 7, MINUTE)).isTrue();
    assertThat(b.first(L, from, 7, MINUTE)).isFalse();
    assertThat(b.first(L, from, 8, MINUTE)).isTrue();
  }

  @Test
  void aJoinIsCompleteOnlyWhenTheRowsSentAddUpToTheRowsFoundAndEveryPairArrived() {
    Coverage all = new Coverage(5, 5, true);
    // Partial counts as the walks merge them: two subtrees' rows sent; the probe's pairs sent and rows held.
    ScanOrigin.Walked left = walked(L, all, new Object[] {100L}, new Object[] {200L});
    ScanOrigin.Walked right = walked(R, all, new Object[] {400L});
    ScanOrigin.Walked probe = walked(L, all, new Object[] {7L, 300L, 150L}, new Object[] {3L, 0L, 250L});
    List<Object[]> rows = List.<Object[]>of(new Object[] {1});
    assertThat(RehashJoins.result(left, right, probe, 10, rows).coverage().complete()).isTrue();

    Scans.Result lostRow = RehashJoins.result(left, right, walked(L, all, new Object[] {10L, 299L, 400L}), 10, rows);
    assertThat(lostRow.coverage().complete()).isFalse();
    assertThat(lostRow.coverage().answered()).isEqualTo(15);
    assertThat(lostRow.shortfall()).contains("299 of 300 (left)");

    Scans.Result lostPair = RehashJoins.result(left, right, probe, 9, rows);
    assertThat(lostPair.coverage().complete()).isFalse();
    assertThat(lostPair.shortfall()).contains("9 of 10 pairs arrived");

    ScanOrigin.Walked silent = new ScanOrigin.Walked(R, List.<Object[]>of(new Object[] {400L}), new Coverage(5, 4,
        false), "1 nodes did not answer");
    assertThat(RehashJoins.result(left, silent, probe, 10, rows).shortfall()).contains("1 nodes did not answer");
  }

  private static ScanOrigin.Walked walked(String query, Coverage coverage, Object[]... partials) {
    return new ScanOrigin.Walked(query, List.of(partials), coverage, "");
  }
}
