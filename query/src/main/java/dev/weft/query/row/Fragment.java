package dev.weft.query.row;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.ScanSpec.Call;
import dev.weft.query.expr.Evaluator;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.Exprs;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A scan's work on one node's rows ({@link ScanSpec}; docs/query.md, "Execution"): the filter, then either the
 * projection or the partial aggregation by group. Feed it every full row the node holds with {@link #add}, then call
 * {@link #finish}. One instance per scan, used by one thread at a time; not thread-safe.
 */
public final class Fragment {
  private final ScanSpec spec;
  private final Optional<Expr> filter;
  private final int[] columns;
  private final int[] groupBy;
  private final List<Call> calls;
  /** Groups by their canonical values (1.0 and 1.00 are one group), in the order first seen. */
  private final Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
  private long rowsRead;

  private Fragment(ScanSpec spec) {
    this.spec = spec;
    this.filter = spec.filter();
    this.columns = spec.columns().stream().mapToInt(Integer::intValue).toArray();
    this.groupBy = spec.aggregate().map(a -> a.groupBy().stream().mapToInt(Integer::intValue).toArray())
        .orElse(new int[0]);
    this.calls = spec.aggregate().map(ScanSpec.Aggregate::calls).orElse(List.of());
  }

  /**
   * A fragment for one scan.
   *
   * @throws IllegalArgumentException when the spec refers to columns the table lacks, its filter is not a well-typed
   *     BOOLEAN expression, or an aggregate does not apply to its column's type
   */
  public static Fragment of(ScanSpec spec) {
    int n = spec.table().columns().size();
    spec.filter().ifPresent(f -> {
      if (Exprs.typeOf(f) != ColumnType.BOOLEAN) {
        throw new IllegalArgumentException("the filter of a scan of " + spec.table().name() + " must be BOOLEAN");
      }
    });
    if (spec.aggregate().isEmpty()) {
      spec.columns().forEach(c -> column(spec, c, n));
    } else {
      spec.aggregate().get().groupBy().forEach(c -> column(spec, c, n));
      for (Call call : spec.aggregate().get().calls()) {
        if (call.kind() == Call.Kind.COUNT_STAR) {
          if (call.column() != -1) {
            throw new IllegalArgumentException("COUNT(*) reads no column, not " + call.column());
          }
          continue;
        }
        Column c = spec.table().columns().get(column(spec, call.column(), n));
        boolean sum = call.kind() == Call.Kind.SUM || call.kind() == Call.Kind.SUM0;
        if (sum && !List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.REAL, ColumnType.DOUBLE,
            ColumnType.DECIMAL).contains(c.type())) {
          throw new IllegalArgumentException(call.kind() + " does not apply to column " + c.name() + " (" + c.type()
              + ")");
        }
      }
    }
    return new Fragment(spec);
  }

  private static int column(ScanSpec spec, int c, int n) {
    if (c < 0 || c >= n) {
      throw new IllegalArgumentException("table " + spec.table().name() + " has no column " + c);
    }
    return c;
  }

  /**
   * Takes one full row of the table (checked by {@link RowCodec}): without aggregation, emits its projection if the
   * filter is TRUE for it; with aggregation, adds it to its group.
   *
   * @throws QueryException INVALID when the filter fails on the row (division by zero) or a SUM overflows
   */
  public void add(Object[] fullRow, Consumer<Object[]> out) {
    rowsRead++;
    if (filter.isPresent() && !Evaluator.test(filter.get(), fullRow)) {
      return;
    }
    if (spec.aggregate().isEmpty()) {
      Object[] projected = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        projected[i] = fullRow[columns[i]];
      }
      out.accept(projected);
      return;
    }
    List<Object> key = new ArrayList<>(groupBy.length);
    for (int c : groupBy) {
      key.add(RowKeys.canonical(fullRow[c]));
    }
    Object[] group = groups.computeIfAbsent(key, k -> start(fullRow));
    for (int i = 0; i < calls.size(); i++) {
      int slot = groupBy.length + i;
      group[slot] = Partials.add(calls.get(i), spec.table().columns(), group[slot], fullRow);
    }
  }

  /**
   * Merges a partial row another part of the table computed (a row of {@link #finish}'s form, from a node below this one
   * in the tree) into this fragment's groups, as the caller would merge the two: COUNT and SUM by adding, MIN and MAX by
   * comparing. With aggregation only.
   *
   * @throws QueryException INVALID when a SUM overflows
   * @throws IllegalArgumentException when the row is not of the partials' width
   */
  public void merge(Object[] partial) {
    if (spec.aggregate().isEmpty() || partial.length != groupBy.length + calls.size()) {
      throw new IllegalArgumentException("a partial aggregate row must hold " + (groupBy.length + calls.size())
          + " values");
    }
    List<Object> key = new ArrayList<>(groupBy.length);
    for (int i = 0; i < groupBy.length; i++) {
      key.add(RowKeys.canonical(partial[i]));
    }
    Object[] group = groups.get(key);
    if (group == null) {
      groups.put(key, partial.clone());
      return;
    }
    for (int i = 0; i < calls.size(); i++) {
      int slot = groupBy.length + i;
      group[slot] = Partials.merge(calls.get(i), spec.table().columns(), group[slot], partial[slot]);
    }
  }

  /** How many groups this fragment holds now (with aggregation). */
  public int groups() {
    return groups.size();
  }

  /** Without aggregation, nothing; with it, one row per group: the group's values, then one partial per call. */
  public void finish(Consumer<Object[]> out) {
    for (Object[] group : groups.values()) {
      out.accept(group.clone());
    }
    groups.clear();
  }

  /** How many rows {@link #add} was given. */
  public long rowsRead() {
    return rowsRead;
  }

  private Object[] start(Object[] fullRow) {
    Object[] group = new Object[groupBy.length + calls.size()];
    for (int i = 0; i < groupBy.length; i++) {
      group[i] = fullRow[groupBy[i]];
    }
    for (int i = 0; i < calls.size(); i++) {
      group[groupBy.length + i] = Partials.initial(calls.get(i), spec.table().columns());
    }
    return group;
  }

  /** The partial aggregates: their initial values and how a row adds to them, in ScanSpec.Call's value types. */
  private static final class Partials {
    private Partials() {}

    static Object initial(Call call, List<Column> columns) {
      return switch (call.kind()) {
        case COUNT_STAR, COUNT -> 0L;
        case SUM0 -> switch (columns.get(call.column()).type()) {
          case INTEGER, BIGINT -> 0L;
          case REAL, DOUBLE -> 0.0;
          default -> BigDecimal.ZERO;
        };
        case SUM, MIN, MAX -> null;
      };
    }

    static Object add(Call call, List<Column> columns, Object acc, Object[] row) {
      if (call.kind() == Call.Kind.COUNT_STAR) {
        return (Long) acc + 1;
      }
      Object v = row[call.column()];
      if (v == null) {
        return acc;
      }
      return switch (call.kind()) {
        case COUNT -> (Long) acc + 1;
        case SUM, SUM0 -> sum(columns.get(call.column()), acc, v);
        case MIN -> acc == null || compare(acc, v) > 0 ? v : acc;
        case MAX -> acc == null || compare(acc, v) < 0 ? v : acc;
        default -> throw new AssertionError(call.kind());
      };
    }

    /** Two partials of one call and group as one; null stands for "no value" in SUM, MIN and MAX. */
    static Object merge(Call call, List<Column> columns, Object a, Object b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      return switch (call.kind()) {
        case COUNT_STAR, COUNT -> {
          try {
            yield Math.addExact((Long) a, (Long) b);
          } catch (ArithmeticException e) {
            throw new QueryException(QueryException.Reason.INVALID, "integer overflow in COUNT");
          }
        }
        case SUM, SUM0 -> sum(columns.get(call.column()), a, b);
        case MIN -> compare(a, b) > 0 ? b : a;
        case MAX -> compare(a, b) < 0 ? b : a;
      };
    }

    private static Object sum(Column c, Object acc, Object v) {
      if (v instanceof BigDecimal d) {
        return acc == null ? d : ((BigDecimal) acc).add(d);
      }
      if (v instanceof Integer || v instanceof Long) {
        long x = ((Number) v).longValue();
        try {
          return acc == null ? x : Math.addExact((Long) acc, x);
        } catch (ArithmeticException e) {
          throw new QueryException(QueryException.Reason.INVALID, "integer overflow in SUM(" + c.name() + ")");
        }
      }
      double x = ((Number) v).doubleValue();
      return acc == null ? x : (Double) acc + x;
    }

    /** As Calcite's MIN and MAX compare ({@code SqlFunctions.lesser/greater}): primitive order for floating point. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
      if (a instanceof Double || a instanceof Float) {
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        return x > y ? 1 : x < y ? -1 : 0;
      }
      return ((Comparable) a).compareTo(b);
    }
  }
}
