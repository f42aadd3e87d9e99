package dev.weft.query.calcite;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.Exprs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A scan as the planner folded it, before the statement's parameters are known: a {@link ScanSpec} whose filter and
 * primary keys may still hold parameters ({@link Expr.Param}), bound by {@link #bind} when the statement runs.
 * Immutable; travels in generated code as {@link PlanCodec}'s JSON.
 *
 * @param table the table as the statement was planned against
 * @param filter a predicate on the table's full row
 * @param keys the primary keys to get (each a literal or parameter per key column, in key order); empty: every row
 * @param columns the table columns returned, without {@code aggregate}
 * @param aggregate partial aggregation, if folded in
 * @param index without {@code keys}: the range of an index that holds every row the filter can pass; empty: every row
 * @param topK without {@code aggregate}: only the first rows in this order are wanted (a sort with a limit above)
 */
record ScanPlan(TableDefinition table, Optional<Expr> filter, Optional<List<List<Expr>>> keys, List<Integer> columns,
    Optional<ScanSpec.Aggregate> aggregate, Optional<IndexRangePlan> index, Optional<ScanSpec.TopK> topK) {
  ScanPlan {
    columns = List.copyOf(columns);
    keys = keys.map(k -> k.stream().map(List::copyOf).toList());
    if (keys.isPresent()) {
      index = Optional.empty();
    }
  }

  /** Every row and column of {@code table}. */
  static ScanPlan full(TableDefinition table) {
    return new ScanPlan(table, Optional.empty(), Optional.empty(),
        IntStream.range(0, table.columns().size()).boxed().toList(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  ScanPlan withFilter(Optional<Expr> f, Optional<List<List<Expr>>> k, Optional<IndexRangePlan> i) {
    return new ScanPlan(table, f, k, columns, aggregate, i, topK);
  }

  ScanPlan withColumns(List<Integer> c) {
    return new ScanPlan(table, filter, keys, c, aggregate, index, topK);
  }

  ScanPlan withAggregate(ScanSpec.Aggregate a) {
    return new ScanPlan(table, filter, keys, columns, Optional.of(a), index, topK);
  }

  ScanPlan withTopK(ScanSpec.TopK t) {
    return new ScanPlan(table, filter, keys, columns, aggregate, index, Optional.of(t));
  }

  /** Whether the scan returns the table's rows whole: nothing projected away, aggregated or cut. */
  boolean wholeRows() {
    return aggregate.isEmpty() && topK.isEmpty() && columns.equals(full(table).columns());
  }

  /**
   * The spec to run, with parameter {@code i} (0-based) replaced by {@code params.apply(i)}.
   *
   * @throws IllegalArgumentException when a parameter cannot be a value of the column it is compared to
   */
  ScanSpec bind(IntFunction<Object> params) {
    ScanSpec.Access access = keys.<ScanSpec.Access>map(k -> new ScanSpec.Access.Keys(boundKeys(k, params)))
        .or(() -> index.flatMap(i -> boundRange(i, params)))
        .orElseGet(ScanSpec.Access.Full::new);
    return new ScanSpec(table, access, filter.map(f -> Exprs.bind(f, boundParams(f, params))), columns, aggregate,
        topK);
  }

  /** The parameters {@code filter} uses, each converted to the type it has there; null where it uses none. */
  private static List<Object> boundParams(Expr filter, IntFunction<Object> params) {
    List<Object> out = new ArrayList<>();
    collectParams(filter, params, out);
    return out;
  }

  private static void collectParams(Expr e, IntFunction<Object> params, List<Object> out) {
    if (e instanceof Expr.Param p) {
      while (out.size() <= p.index()) {
        out.add(null);
      }
      out.set(p.index(), ColumnValues.coerce(params.apply(p.index()), new Column("?" + (p.index() + 1), p.type(),
          true, 0, 0)));
    } else if (e instanceof Expr.Call c) {
      c.args().forEach(a -> collectParams(a, params, out));
    } else if (e instanceof Expr.Cast c) {
      collectParams(c.arg(), params, out);
    }
  }

  /**
   * The index range with its bounds as values of the column. A bound that is no value of the column (a NULL, 2.5 for an
   * INTEGER) is left open: the filter, applied to every row fetched, still decides. Empty when both end up open.
   */
  private Optional<ScanSpec.Access> boundRange(IndexRangePlan range, IntFunction<Object> params) {
    Column column = table.column(range.index().columns().get(0)).orElseThrow();
    Object lower = range.lower().map(e -> boundValue(e, column, params)).orElse(null);
    Object upper = range.upper().map(e -> boundValue(e, column, params)).orElse(null);
    if (lower == null && upper == null) {
      return Optional.empty();
    }
    return Optional.of(new ScanSpec.Access.IndexRange(range.index(), lower, range.lowerInclusive(), upper,
        range.upperInclusive()));
  }

  private static Object boundValue(Expr e, Column column, IntFunction<Object> params) {
    Object v = e instanceof Expr.Param p ? params.apply(p.index()) : ((Expr.Literal) e).value();
    try {
      return v == null ? null : ColumnValues.coerce(v, column);
    } catch (IllegalArgumentException notOfTheColumn) {
      return null;
    }
  }

  private List<List<Object>> boundKeys(List<List<Expr>> unbound, IntFunction<Object> params) {
    List<List<Object>> out = new ArrayList<>();
    next:
    for (List<Expr> key : unbound) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        Column column = table.column(table.primaryKey().get(i)).orElseThrow();
        Object v = key.get(i) instanceof Expr.Param p ? params.apply(p.index()) : ((Expr.Literal) key.get(i)).value();
        try {
          values.add(ColumnValues.coerce(v, column));
        } catch (IllegalArgumentException e) {
          continue next; // no row has such a key (a NULL, or 2.5 for an INTEGER key): the filter would drop it too
        }
      }
      out.add(values);
    }
    return out;
  }

  /** The rows this scan returns: the columns, or the group columns then one value per partial aggregate. */
  RelDataType rowType(RelDataTypeFactory factory) {
    RelDataTypeFactory.Builder b = factory.builder();
    if (aggregate.isEmpty()) {
      for (int c : columns) {
        Column col = table.columns().get(c);
        b.add(col.name(), RowTypes.column(factory, col));
      }
      return b.build();
    }
    ScanSpec.Aggregate a = aggregate.get();
    for (int g : a.groupBy()) {
      Column col = table.columns().get(g);
      b.add(col.name(), RowTypes.column(factory, col));
    }
    int i = 0;
    for (ScanSpec.Call call : a.calls()) {
      b.add("p" + i++, partialType(factory, call));
    }
    return b.build();
  }

  private RelDataType partialType(RelDataTypeFactory factory, ScanSpec.Call call) {
    Column col = call.column() < 0 ? null : table.columns().get(call.column());
    return switch (call.kind()) {
      case COUNT_STAR, COUNT -> factory.createSqlType(SqlTypeName.BIGINT);
      case MIN, MAX -> factory.createTypeWithNullability(RowTypes.column(factory, col), true);
      case SUM, SUM0 -> factory.createTypeWithNullability(sumType(factory, col), call.kind() == ScanSpec.Call.Kind.SUM);
    };
  }

  private static RelDataType sumType(RelDataTypeFactory factory, Column col) {
    return switch (col.type()) {
      case INTEGER, BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
      case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, factory.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL),
          col.scale());
      default -> factory.createSqlType(SqlTypeName.DOUBLE);
    };
  }
}
