package dev.weft.query.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.ScanSpec.Call;
import dev.weft.query.data.ScanSpec.Call.Kind;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.Expr.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A scan's filter, projection and partial aggregates over one node's rows. */
class FragmentTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("id", ColumnType.INTEGER, false, 0, 0), new Column("g", ColumnType.DECIMAL, true, 0, 0),
      new Column("n", ColumnType.BIGINT, true, 0, 0), new Column("x", ColumnType.DOUBLE, true, 0, 0),
      new Column("s", ColumnType.VARCHAR, true, 0, 0)), List.of("id"), "0123456789abcdef0123456789abcdef");
  private static final Object[][] ROWS = {
      {1, new BigDecimal("1.0"), 5L, 1.5, "b"},
      {2, new BigDecimal("1.00"), null, -0.5, "a"},
      {3, null, 7L, null, null},
      {4, new BigDecimal("2"), 1L, 2.0, "c"},
  };
  private static final Expr ID_ABOVE_1 = new Expr.Call(Op.GT, List.of(new Expr.Column(0, ColumnType.INTEGER),
      new Expr.Literal(1, ColumnType.INTEGER)));

  private static List<Object[]> run(ScanSpec spec, Object[]... rows) {
    Fragment f = Fragment.of(spec);
    List<Object[]> out = new ArrayList<>();
    for (Object[] row : rows) {
      f.add(row, out::add);
    }
    f.finish(out::add);
    assertThat(f.rowsRead()).isEqualTo(rows.length);
    return out;
  }

  private static ScanSpec scan(Optional<Expr> filter, List<Integer> columns, ScanSpec.Aggregate aggregate) {
    return new ScanSpec(T, new ScanSpec.Access.Full(), filter, columns, Optional.ofNullable(aggregate));
  }

  @Test
  void filteredRowsAreProjected() {
    List<Object[]> out = run(scan(Optional.of(ID_ABOVE_1), List.of(4, 0), null), ROWS);
    assertThat(out).containsExactly(new Object[] {"a", 2}, new Object[] {null, 3}, new Object[] {"c", 4});
  }

  @Test
  void partialAggregatesPerGroupWithGroupsComparedByValue() {
    List<Call> calls = List.of(new Call(Kind.COUNT_STAR, -1), new Call(Kind.COUNT, 2), new Call(Kind.SUM, 2),
        new Call(Kind.SUM0, 2), new Call(Kind.MIN, 4), new Call(Kind.MAX, 3), new Call(Kind.SUM, 3),
        new Call(Kind.SUM, 1));
    List<Object[]> out = run(scan(Optional.empty(), List.of(), new ScanSpec.Aggregate(List.of(1), calls)), ROWS);
    assertThat(out).containsExactly(
        new Object[] {new BigDecimal("1.0"), 2L, 1L, 5L, 5L, "a", 1.5, 1.0, new BigDecimal("2.00")},
        new Object[] {null, 1L, 1L, 7L, 7L, null, null, null, null},
        new Object[] {new BigDecimal("2"), 1L, 1L, 1L, 1L, "c", 2.0, 2.0, new BigDecimal("2")});
  }

  @Test
  void noRowsGiveNoGroupEvenWithoutGroupBy() {
    ScanSpec spec = scan(Optional.of(new Expr.Literal(false, ColumnType.BOOLEAN)), List.of(),
        new ScanSpec.Aggregate(List.of(), List.of(new Call(Kind.COUNT_STAR, -1), new Call(Kind.SUM0, 2))));
    assertThat(run(spec, ROWS)).isEmpty();
    List<Object[]> all = run(scan(Optional.empty(), List.of(), spec.aggregate().get()), ROWS);
    assertThat(all).containsExactly(new Object[] {4L, 13L});
    List<Object[]> nullsOnly = run(scan(Optional.empty(), List.of(), new ScanSpec.Aggregate(List.of(),
        List.of(new Call(Kind.SUM0, 2), new Call(Kind.SUM, 2), new Call(Kind.SUM0, 3)))), ROWS[1]);
    assertThat(nullsOnly).containsExactly(new Object[] {0L, null, -0.5});
  }

  @Test
  void anIntegerSumThatOverflowsIsAnError() {
    ScanSpec spec = scan(Optional.empty(), List.of(),
        new ScanSpec.Aggregate(List.of(), List.of(new Call(Kind.SUM, 2))));
    Object[] big = {9, null, Long.MAX_VALUE, null, null};
    assertThatThrownBy(() -> run(spec, big, ROWS[0])).isInstanceOf(QueryException.class)
        .hasMessage("integer overflow in SUM(n)")
        .satisfies(e -> assertThat(((QueryException) e).reason()).isEqualTo(QueryException.Reason.INVALID));
  }

  @Test
  void aSpecThatDoesNotFitTheTableIsRefused() {
    assertThatThrownBy(() -> Fragment.of(scan(Optional.empty(), List.of(5), null)))
        .hasMessageContaining("has no column 5");
    assertThatThrownBy(() -> Fragment.of(scan(Optional.empty(), List.of(),
        new ScanSpec.Aggregate(List.of(), List.of(new Call(Kind.SUM, 4)))))).hasMessageContaining("SUM does not apply");
    assertThatThrownBy(() -> Fragment.of(scan(Optional.of(new Expr.Column(0, ColumnType.INTEGER)), List.of(0),
        null))).hasMessageContaining("must be BOOLEAN");
  }
}
