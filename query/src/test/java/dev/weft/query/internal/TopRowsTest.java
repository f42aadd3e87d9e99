package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Version;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A top-k cut keeps the first rows in the sort's order, each key once (the newest), however they are offered. */
class TopRowsTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("k", ColumnType.INTEGER, false, 0, 0), new Column("v", ColumnType.INTEGER, true, 0, 0),
      new Column("s", ColumnType.VARCHAR, true, 0, 0)), List.of("k"), "0123456789abcdef0123456789abcdef");

  private static ScanSpec spec(int limit, ScanSpec.SortKey... keys) {
    return new ScanSpec(T, new ScanSpec.Access.Full(), Optional.empty(), List.of(0, 1, 2), Optional.empty(),
        Optional.of(new ScanSpec.TopK(List.of(keys), limit)));
  }

  private static List<Integer> keys(TopRows top) {
    return top.rows().stream().map(r -> r.get(2).get(0).intValue()).toList();
  }

  @Test
  void keepsTheFirstRowsInOrderWithNullsWhereTheKeySays() {
    Random r = new Random(3);
    List<Object[]> all = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      all.add(new Object[] {k, r.nextInt(5) == 0 ? null : r.nextInt(50), "s" + r.nextInt(9)});
    }
    for (boolean desc : new boolean[] {false, true}) {
      for (boolean nullsFirst : new boolean[] {false, true}) {
        ScanSpec.SortKey byV = new ScanSpec.SortKey(1, desc, nullsFirst);
        ScanSpec.SortKey byK = new ScanSpec.SortKey(0, false, false);
        ScanSpec spec = spec(7, byV, byK);
        TopRows top = new TopRows(spec.topK().orElseThrow(), Outputs.of(spec));
        all.forEach(row -> top.offer("[" + row[0] + "]", new Version(1, 1), row));
        Comparator<Object[]> order = (a, b) -> {
          Integer x = (Integer) a[1];
          Integer y = (Integer) b[1];
          if (x == null || y == null) {
            return x == y ? 0 : (x == null) == nullsFirst ? -1 : 1;
          }
          return desc ? y.compareTo(x) : x.compareTo(y);
        };
        order = order.thenComparing(x -> (Integer) x[0]);
        List<Integer> expected = all.stream().sorted(order).limit(7).map(x -> (Integer) x[0]).toList();
        assertThat(keys(top)).as("desc %s, nulls first %s", desc, nullsFirst).isEqualTo(expected);
      }
    }
  }

  @Test
  void aKeyOfferedTwiceIsKeptOnceTheNewest() {
    ScanSpec spec = spec(2, new ScanSpec.SortKey(1, false, false));
    Outputs out = Outputs.of(spec);
    TopRows top = new TopRows(spec.topK().orElseThrow(), out);
    top.offer("[1]", new Version(5, 1), new Object[] {1, 10, "old"});
    ArrayNode newer = JsonNodeFactory.instance.arrayNode().add("[1]").add(new Version(9, 1).toString())
        .add(out.encode(new Object[] {1, 30, "new"}));
    top.offer(newer);
    top.offer("[1]", new Version(7, 1), new Object[] {1, 5, "older"});  // older than what is held: ignored
    top.offer("[2]", new Version(1, 1), new Object[] {2, 20, "x"});
    top.offer("[3]", new Version(1, 1), new Object[] {3, 40, "y"});
    assertThat(keys(top)).containsExactly(2, 1);
    assertThat(top.rows().get(1).get(2).get(2).textValue()).isEqualTo("new");
    assertThatThrownBy(() -> top.offer(JsonNodeFactory.instance.arrayNode().add("[4]")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
