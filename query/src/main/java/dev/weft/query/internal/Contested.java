package dev.weft.query.internal;

import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.Fragment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Rows of an aggregating scan that two holders may both report, because a node still settling is closer to them than
 * the holder (docs/query.md, "A node that has just joined"): they travel with their key and version, as rows of {@link
 * #projection} (the filter applied, the columns the aggregate reads), and the asking node keeps each key once before it
 * aggregates them ({@link #partials}). Rows outside a settling node's neighbourhood stay in the holders' partials.
 */
final class Contested {
  private Contested() {}

  /** The scan a contested row is a row of: {@code spec}'s filter, and the table columns its aggregate reads. */
  static ScanSpec projection(ScanSpec spec) {
    ScanSpec.Aggregate a = spec.aggregate().orElseThrow();
    TreeSet<Integer> columns = new TreeSet<>(a.groupBy());
    a.calls().forEach(c -> {
      if (c.column() >= 0) {
        columns.add(c.column());
      }
    });
    return new ScanSpec(spec.table(), spec.access(), spec.filter(), List.copyOf(columns), Optional.empty());
  }

  /** {@code spec}'s partial aggregates of {@code rows}, rows of {@link #projection}{@code (spec)} taken once each. */
  static List<Object[]> partials(ScanSpec spec, Collection<Object[]> rows) {
    List<Integer> columns = projection(spec).columns();
    // The rows passed the filter on their holders: aggregate them as they are.
    Fragment f = Fragment.of(new ScanSpec(spec.table(), spec.access(), Optional.empty(), List.of(), spec.aggregate()));
    int width = spec.table().columns().size();
    for (Object[] r : rows) {
      Object[] full = new Object[width];
      for (int i = 0; i < columns.size(); i++) {
        full[columns.get(i)] = r[i];
      }
      f.add(full, out -> {});
    }
    List<Object[]> out = new ArrayList<>();
    f.finish(out::add);
    return out;
  }
}
