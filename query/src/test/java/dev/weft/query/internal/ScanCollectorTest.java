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
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The asking node's side of a scan: a page that comes twice (its answer was lost) counts once. */
class ScanCollectorTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("a", ColumnType.INTEGER, false, 0, 0)), List.of("a"), "0123456789abcdef0123456789abcdef");
  private static final ScanSpec COUNT = new ScanSpec(T, new Access.Full(), Optional.empty(), List.of(),
      Optional.of(new Aggregate(List.of(), List.of(new Call(Call.Kind.COUNT_STAR, -1)))));

  @Test
  void aRepeatedPageIsTakenOnce() {
    Random r = new Random(3);
    NodeId self = NodeId.random(r);
    NodeId other = NodeId.random(r);
    Counters counters = new Counters();
    ScanCollector c = new ScanCollector("q", COUNT, self, 1000, 1 << 20, counters);
    ArrayNode three = JsonNodeFactory.instance.arrayNode().add(Outputs.of(COUNT).encode(new Object[] {3L}));
    ArrayNode none = JsonNodeFactory.instance.arrayNode();

    assertThat(c.accept(new Wire.Rows("q", self, 0, none, true, List.of(other), 0, List.of(), ""))).isTrue();
    Wire.Rows page = new Wire.Rows("q", other, 0, three, false, List.of(), 0, List.of(), "");
    assertThat(c.accept(page)).isTrue();
    assertThat(c.accept(page)).as("the copy is answered as the page was, so its sender goes on").isTrue();
    assertThat(c.accept(new Wire.Rows("q", other, 1, none, true, List.of(), 0, List.of(), ""))).isTrue();

    assertThat(c.done()).isDone();
    assertThat(c.coverage().complete()).isTrue();
    assertThat(c.rows()).hasSize(1);
    assertThat(((Number) c.rows().get(0)[0]).longValue()).isEqualTo(3);
    assertThat(counters.pagesRepeated.get()).isEqualTo(1);
  }
}
