package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.ScanSpec.Aggregate;
import dev.weft.query.data.ScanSpec.Call;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One node's part of a merging scan, without a network: partials merge by group, copies of pages count once, and the
 * deferrals into this node's part of the id space are settled against the nodes that answered below it — answered,
 * silent, settling, or not to be told — while the others go up.
 */
class MergedPartTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("g", ColumnType.INTEGER, true, 0, 0), new Column("v", ColumnType.DOUBLE, true, 0, 0)), List.of(),
      "0123456789abcdef0123456789abcdef");
  /** {@code SELECT g, COUNT(*), MIN(v) FROM t GROUP BY g}, as the nodes compute it. */
  private static final ScanSpec SPEC = new ScanSpec(T, new ScanSpec.Access.Full(), Optional.empty(), List.of(),
      Optional.of(new Aggregate(List.of(0), List.of(new Call(Call.Kind.COUNT_STAR, -1), new Call(Call.Kind.MIN, 1)))));
  private static final String Q = "0123456789abcdef0123456789abcdef";
  private static final Outputs OUT = Outputs.of(SPEC);

  private final Random random = new Random(21);
  private final NodeId self = NodeId.random(random);
  /** Children of {@code self} (handed limit 10): the subtrees of its buckets 8 and 5. */
  private final NodeId c1 = self.randomInBucket(8, random);
  private final NodeId c2 = self.randomInBucket(5, random);

  private MergedPart part(long maxGroups) {
    MergedPart p = new MergedPart(self, 10, SPEC, maxGroups);
    p.handed(List.of(new MergedPart.Child(c1, 8), new MergedPart.Child(c2, 5)), 0, 0);
    return p;
  }

  private static ArrayNode rows(MergedPart p, Object[]... rows) {
    ArrayNode a = F.arrayNode();
    for (Object[] r : rows) {
      a.add(OUT.encode(r));
    }
    return a;
  }

  private static Wire.Rows last(NodeId from, int seq, ArrayNode rows, ArrayNode contested, Map<NodeId, Long> pending,
      Wire.Subtree subtree) {
    return new Wire.Rows(Q, from, seq, rows, contested, new Wire.End(List.of(), 0, pending, 0, 0, "", subtree));
  }

  @Test
  void deferralsAreSettledWhereTheirNodeLiesAndTheRestGoUp() {
    NodeId x1 = c1.randomInBucket(3, random);  // in c1's subtree, answered
    NodeId x2 = c1.randomInBucket(4, random);  // in c1's subtree, did not answer
    NodeId m = c1.randomInBucket(6, random);   // in c1's subtree, answered while settling since t=1000
    NodeId w = c2.randomInBucket(2, random);   // in c2's subtree, which never answers
    NodeId z = self.randomInBucket(12, random);  // outside self's part of the id space
    MergedPart p = part(100);
    p.own(new Object[] {1, 3L, 5.0});
    p.local(true, Map.of(x1, 100L, x2, 100L, m, 500L, w, 100L), Settling.State.SETTLED, "");
    Wire.Subtree below = new Wire.Subtree(3, 3, List.of(new Wire.Member(c1, Settling.State.SETTLED),
        new Wire.Member(x1, Settling.State.SETTLED), new Wire.Member(m, new Settling.State(1000, 50))), List.of(),
        Map.of(), 0);
    ArrayNode c1Rows = rows(p, new Object[] {1, 2L, 4.0}, new Object[] {2, 1L, 9.0});
    assertThat(p.accept(last(c1, 0, c1Rows, F.arrayNode(), Map.of(z, 5L), below))).isTrue();
    assertThat(p.complete()).as("c2 has not answered").isFalse();

    MergedPart.Report r = p.report();
    assertThat(p.report()).as("taken once").isNull();
    Wire.Subtree s = r.end().subtree();
    assertThat(s.nodes()).isEqualTo(5);  // self, c1's three, c2 (silent)
    assertThat(s.answered()).isEqualTo(4);
    assertThat(s.members()).as("c2's part is unknown: no list").isNull();
    assertThat(s.silent()).containsExactly(x2);
    assertThat(s.flagged()).containsOnlyKeys(m);
    assertThat(s.unchecked()).isEqualTo(1);
    assertThat(r.end().deferred()).containsExactly(Map.entry(z, 5L));
    List<Object[]> merged = r.rows().stream().map(OUT::decode).sorted(Comparator.comparing(x -> (Integer) x[0]))
        .toList();
    assertThat(merged).hasSize(2);
    assertThat(merged.get(0)).containsExactly(1, 5L, 4.0);
    assertThat(merged.get(1)).containsExactly(2, 1L, 9.0);
  }

  @Test
  void copiesOfPagesCountOnceAndTheAnswerIsCompleteWhenAllAreIn() {
    MergedPart p = part(100);
    Wire.Rows page = new Wire.Rows(Q, c1, 0, rows(p, new Object[] {7, 2L, 1.0}), F.arrayNode(), null);
    assertThat(p.accept(page)).isTrue();
    assertThat(p.accept(page)).as("a copy is acknowledged, not merged").isTrue();
    Wire.Subtree one = new Wire.Subtree(1, 1, List.of(new Wire.Member(c1, Settling.State.SETTLED)), List.of(),
        Map.of(), 0);
    p.accept(last(c1, 1, F.arrayNode(), F.arrayNode(), Map.of(), one));
    p.accept(last(c2, 0, rows(p, new Object[] {7, 1L, 0.5}), F.arrayNode(), Map.of(),
        new Wire.Subtree(1, 1, List.of(new Wire.Member(c2, Settling.State.SETTLED)), List.of(), Map.of(), 0)));
    assertThat(p.complete()).as("this node's own part is not in yet").isFalse();
    p.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(p.complete()).isTrue();
    MergedPart.Report r = p.report();
    assertThat(r.rows()).singleElement().satisfies(x -> assertThat(OUT.decode(x)).containsExactly(7, 3L, 0.5));
    assertThat(r.end().subtree().members()).extracting(Wire.Member::id).containsExactlyInAnyOrder(self, c1, c2);
    assertThat(r.end().subtree().nodes()).isEqualTo(3);
    assertThat(r.end().subtree().answered()).isEqualTo(3);
  }

  @Test
  void contestedRowsAreKeptOnceTheNewest() {
    MergedPart p = part(100);
    Version older = new Version(1000, 1);
    Version newer = new Version(2000, 1);
    p.ownContested(F.arrayNode().add("[1]").add(older.toString()).add(F.arrayNode().add(1)));
    ArrayNode fromBelow = F.arrayNode().add(F.arrayNode().add("[1]").add(newer.toString()).add(F.arrayNode().add(2)));
    p.accept(new Wire.Rows(Q, c1, 0, F.arrayNode(), fromBelow, null));
    p.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(p.report().contested()).singleElement()
        .satisfies(row -> assertThat(row.get(1).textValue()).isEqualTo(newer.toString()));
  }

  @Test
  void tooManyGroupsAndMalformedPagesFailTheAnswer() {
    MergedPart many = part(2);
    many.own(new Object[] {1, 1L, 1.0});
    many.own(new Object[] {2, 1L, 1.0});
    many.own(new Object[] {3, 1L, 1.0});
    many.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(many.report().end().error()).startsWith("TOO_LARGE: ");

    MergedPart bad = part(100);
    ArrayNode malformed = F.arrayNode().add(F.arrayNode().add("not a group").add("x"));
    assertThat(bad.accept(new Wire.Rows(Q, c1, 0, malformed, F.arrayNode(), null))).isFalse();
    bad.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(bad.complete()).as("a failure ends the wait").isTrue();
    assertThat(bad.report().end().error()).startsWith("UNAVAILABLE: ").contains("malformed");
  }

  @Test
  void aTimedOutChildCountsAsOneSilentNode() {
    MergedPart p = part(100);
    p.local(true, Map.of(), Settling.State.SETTLED, "");
    p.accept(last(c1, 0, F.arrayNode(), F.arrayNode(), Map.of(),
        new Wire.Subtree(4, 4, null, List.of(), Map.of(), 0)));
    Wire.Subtree s = p.report().end().subtree();
    assertThat(s.nodes()).isEqualTo(6);
    assertThat(s.answered()).isEqualTo(5);
  }

  @Test
  void aSubtreeTakenTwiceCannotBeCheckedHere() {
    MergedPart p = new MergedPart(self, 10, SPEC, 100);
    p.handed(List.of(), 0, 1);
    p.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(p.complete()).isTrue();
    assertThat(p.report().end().subtree().unchecked()).isEqualTo(1);
  }

  @Test
  void aTopKCutKeepsTheFirstRowsOfTheWholeSubtree() {
    ScanSpec spec = new ScanSpec(T, new ScanSpec.Access.Full(), Optional.empty(), List.of(0, 1), Optional.empty(),
        Optional.of(new ScanSpec.TopK(List.of(new ScanSpec.SortKey(1, true, false)), 3)));
    Outputs out = Outputs.of(spec);
    MergedPart p = new MergedPart(self, 10, spec, 100);
    p.handed(List.of(new MergedPart.Child(c1, 8)), 0, 0);
    Version v = new Version(1, 1);
    java.util.function.BiFunction<String, Object[], ArrayNode> row = (k, values) -> F.arrayNode().add(k)
        .add(v.toString()).add(out.encode(values));
    p.ownRows(List.of(row.apply("a", new Object[] {1, 5.0}), row.apply("b", new Object[] {2, 1.0})));
    ArrayNode below = F.arrayNode().add(row.apply("c", new Object[] {3, 9.0})).add(row.apply("d", new Object[] {4, 2.0}))
        .add(row.apply("a", new Object[] {1, 5.0}));
    p.accept(last(c1, 0, below, F.arrayNode(), Map.of(), new Wire.Subtree(1, 1,
        List.of(new Wire.Member(c1, Settling.State.SETTLED)), List.of(), Map.of(), 0)));
    p.local(true, Map.of(), Settling.State.SETTLED, "");
    assertThat(p.complete()).isTrue();
    assertThat(p.report().rows()).extracting(r -> r.get(0).textValue()).containsExactly("c", "a", "d");
  }
}
