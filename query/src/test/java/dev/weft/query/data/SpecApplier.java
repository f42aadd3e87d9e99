package dev.weft.query.data;

import dev.weft.query.catalog.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a {@link ScanSpec}'s projection or partial aggregates to rows, for {@link MemoryTables}. Interim, until the
 * nodes' own {@code row.Fragment} is there; filters are not evaluated here yet. Stateless.
 */
final class SpecApplier {
  private SpecApplier() {}

  static List<Object[]> apply(ScanSpec spec, List<Object[]> rows) {
    if (spec.filter().isPresent()) {
      throw new UnsupportedOperationException("filters are evaluated by row.Fragment, not here yet");
    }
    if (spec.aggregate().isEmpty()) {
      List<Object[]> out = new ArrayList<>();
      for (Object[] r : rows) {
        Object[] o = new Object[spec.columns().size()];
        for (int i = 0; i < o.length; i++) {
          o[i] = r[spec.columns().get(i)];
        }
        out.add(o);
      }
      return out;
    }
    ScanSpec.Aggregate a = spec.aggregate().get();
    Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
    for (Object[] r : rows) {
      List<Object> key = new ArrayList<>();
      a.groupBy().forEach(g -> key.add(r[g]));
      Object[] acc = groups.computeIfAbsent(key, k -> initial(spec, a, k));
      for (int i = 0; i < a.calls().size(); i++) {
        acc[a.groupBy().size() + i] = step(spec, a.calls().get(i), acc[a.groupBy().size() + i], r);
      }
    }
    return new ArrayList<>(groups.values());
  }

  private static Object[] initial(ScanSpec spec, ScanSpec.Aggregate a, List<Object> key) {
    Object[] acc = new Object[key.size() + a.calls().size()];
    for (int i = 0; i < key.size(); i++) {
      acc[i] = key.get(i);
    }
    for (int i = 0; i < a.calls().size(); i++) {
      ScanSpec.Call c = a.calls().get(i);
      acc[key.size() + i] = switch (c.kind()) {
        case COUNT_STAR, COUNT -> 0L;
        case SUM0 -> zero(spec.table().columns().get(c.column()).type());
        default -> null;
      };
    }
    return acc;
  }

  private static Object zero(ColumnType t) {
    return switch (t) {
      case INTEGER, BIGINT -> 0L;
      case DECIMAL -> BigDecimal.ZERO;
      default -> 0.0;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object step(ScanSpec spec, ScanSpec.Call c, Object acc, Object[] row) {
    Object v = c.column() < 0 ? null : row[c.column()];
    switch (c.kind()) {
      case COUNT_STAR:
        return (Long) acc + 1;
      case COUNT:
        return v == null ? acc : (Long) acc + 1;
      case SUM:
      case SUM0: {
        if (v == null) {
          return acc;
        }
        ColumnType t = spec.table().columns().get(c.column()).type();
        Object base = acc == null ? zero(t) : acc;
        return switch (t) {
          case INTEGER, BIGINT -> Math.addExact((Long) base, ((Number) v).longValue());
          case DECIMAL -> ((BigDecimal) base).add((BigDecimal) v);
          default -> (Double) base + ((Number) v).doubleValue();
        };
      }
      case MIN:
        return v == null ? acc : acc == null || ((Comparable) v).compareTo(acc) < 0 ? v : acc;
      case MAX:
        return v == null ? acc : acc == null || ((Comparable) v).compareTo(acc) > 0 ? v : acc;
      default:
        throw new IllegalArgumentException(c.kind().toString());
    }
  }
}
