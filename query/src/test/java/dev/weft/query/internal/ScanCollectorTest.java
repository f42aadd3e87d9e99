package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.NodeId;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.ScanSpec.Access;
import dev.weft.query.data.ScanSpec.Aggregate;
import dev.weft.query.data.ScanSpec.Call;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The asking node's side of a scan: a page that comes twice (its answer was lost) counts once; a contested row that two
 * holders report counts once in the aggregate; a row left to a node that joined after it was written makes the answer
 * incomplete.
 */
class ScanCollectorTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("a", ColumnType.INTEGER, false, 0, 0)), List.of("a"), "0123456789abcdef0123456789abcdef");
  private static final ScanSpec COUNT = new ScanSpec(T, new Access.Full(), Optional.empty(), List.of(),
      Optional.of(new Aggregate(List.of(), List.of(new Call(Call.Kind.COUNT_STAR, -1)))));
  /** SUM(a): contested rows carry column a. */
  private static final ScanSpec SUM = new ScanSpec(T, new Access.Full(), Optional.empty(), List.of(),
      Optional.of(new Aggregate(List.of(), List.of(new Call(Call.Kind.SUM, 0)))));

  @Test
  void aRepeatedPageIsTakenOnce() {
    Random r = new Random(3);
    NodeId self = NodeId.random(r);
    NodeId other = NodeId.random(r);
    Counters counters = new Counters();
    ScanCollector c = new ScanCollector("q", COUNT, self, 1000, 1 << 20, counters);
    ArrayNode three = JsonNodeFactory.instance.arrayNode().add(Outputs.of(COUNT).encode(new Object[] {3L}));
    ArrayNode none = JsonNodeFactory.instance.arrayNode();

    assertThat(c.accept(new Wire.Rows("q", self, 0, none, none, end(List.of(other))))).isTrue();
    Wire.Rows page = new Wire.Rows("q", other, 0, three, none, null);
    assertThat(c.accept(page)).isTrue();
    assertThat(c.accept(page)).as("the copy is answered as the page was, so its sender goes on").isTrue();
    assertThat(c.accept(new Wire.Rows("q", other, 1, none, none, end(List.of())))).isTrue();

    assertThat(c.done()).isDone();
    assertThat(c.coverage().complete()).isTrue();
    assertThat(c.rows()).hasSize(1);
    assertThat(((Number) c.rows().get(0)[0]).longValue()).isEqualTo(3);
    assertThat(counters.pagesRepeated.get()).isEqualTo(1);
  }

  @Test
  void aNodeNoLastPageNamedCountsAmongTheNodes() {
    Random r = new Random(6);
    NodeId self = NodeId.random(r);
    NodeId stray = NodeId.random(r);
    ScanCollector c = new ScanCollector("q", COUNT, self, 1000, 1 << 20, new Counters());
    ArrayNode none = JsonNodeFactory.instance.arrayNode();
    // A node whose hand-off answer was lost answers all the same, before the node that handed it the scan finished.
    c.accept(new Wire.Rows("q", stray, 0, none, none, end(List.of())));
    c.accept(new Wire.Rows("q", self, 0, none, none, end(List.of())));
    assertThat(c.coverage().answered()).isEqualTo(2);
    assertThat(c.coverage().nodes()).isEqualTo(2);
  }

  private static Wire.End end(List<NodeId> children) {
    return new Wire.End(children, 0, Map.of(), 0, 0, "");
  }

  @Test
  void aContestedRowReportedByTwoHoldersCountsOnceAndALateJoinerLeftOldRowsIsNotComplete() {
    Random r = new Random(4);
    NodeId self = NodeId.random(r);
    NodeId settled = NodeId.random(r);
    NodeId newcomer = NodeId.random(r);
    ScanCollector c = new ScanCollector("q", SUM, self, 1000, 1 << 20, new Counters());
    Outputs partial = Outputs.of(SUM);
    Outputs contested = Outputs.of(Contested.projection(SUM));
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode five = f.arrayNode().add(partial.encode(new Object[] {5L}));
    ArrayNode row7 = f.arrayNode().add(f.arrayNode().add("[7]").add("1-00").add(contested.encode(new Object[] {7})));
    ArrayNode none = f.arrayNode();

    // This node: a partial sum of 5 and the contested row 7; it left a row of version time 1,000 to the newcomer.
    c.accept(new Wire.Rows("q", self, 0, five, row7, new Wire.End(List.of(settled, newcomer), 0,
        Map.of(newcomer, 1_000L), 0, 0, "")));
    c.accept(new Wire.Rows("q", settled, 0, none, row7, new Wire.End(List.of(), 0, Map.of(), 0, 0, "")));
    // The newcomer joined at 5,000 and still settles: the row left to it is older.
    c.accept(new Wire.Rows("q", newcomer, 0, none, none, new Wire.End(List.of(), 0, Map.of(), 5_000, 9_000, "")));

    assertThat(c.allAnswered()).isTrue();
    assertThat(c.unsettledHolders()).containsExactly(newcomer);
    assertThat(c.settlingNodes()).containsEntry(newcomer, 9_000L);
    assertThat(c.coverage().complete()).isFalse();
    long sum = 0;
    for (Object[] p : c.rows()) {
      sum += ((Number) p[0]).longValue();
    }
    assertThat(sum).as("5 + 7, the contested row once").isEqualTo(12);
  }

  @Test
  void rowsWrittenAfterANodeJoinedMayBeLeftToIt() {
    Random r = new Random(5);
    NodeId self = NodeId.random(r);
    NodeId newcomer = NodeId.random(r);
    ScanCollector c = new ScanCollector("q", COUNT, self, 1000, 1 << 20, new Counters());
    ArrayNode none = JsonNodeFactory.instance.arrayNode();
    c.accept(new Wire.Rows("q", self, 0, none, none, new Wire.End(List.of(newcomer), 0,
        Map.of(newcomer, 5_000L + Settling.SKEW_MILLIS), 0, 0, "")));
    c.accept(new Wire.Rows("q", newcomer, 0, none, none, new Wire.End(List.of(), 0, Map.of(), 5_000, 9_000, "")));
    assertThat(c.unsettledHolders()).isEmpty();
    assertThat(c.coverage().complete()).isTrue();
  }
}
