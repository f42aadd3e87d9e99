package dev.weft.query.data;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.KeySet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An inner join of two tables' full scans on equal keys, as the planner hands it over when both sides are large
 * (docs/query.md, "Joins that rehash"): each output row is a row of {@code left}'s output, then a row of {@code
 * right}'s, whose values at {@code leftKeys} and {@code rightKeys} are pairwise equal (compared as {@link
 * KeySet#canonical} does; a NULL matches nothing). Immutable.
 *
 * @param left the left side: a full scan of rows (no aggregate, no top-k cut)
 * @param leftKeys output columns of {@code left} compared
 * @param right the right side, as {@code left}
 * @param rightKeys output columns of {@code right}, pairwise of the same SQL type as {@code leftKeys}'
 */
public record JoinSpec(ScanSpec left, List<Integer> leftKeys, ScanSpec right, List<Integer> rightKeys) {
  public JoinSpec {
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    leftKeys = List.copyOf(leftKeys);
    rightKeys = List.copyOf(rightKeys);
    if (leftKeys.isEmpty() || leftKeys.size() != rightKeys.size()) {
      throw new IllegalArgumentException("a join needs as many left as right keys, at least one");
    }
    check(left, leftKeys);
    check(right, rightKeys);
    for (int i = 0; i < leftKeys.size(); i++) {
      if (column(left, leftKeys.get(i)).type() != column(right, rightKeys.get(i)).type()) {
        throw new IllegalArgumentException("join key " + i + " is of two types: "
            + column(left, leftKeys.get(i)).type() + " and " + column(right, rightKeys.get(i)).type());
      }
    }
  }

  private static void check(ScanSpec side, List<Integer> keys) {
    if (!(side.access() instanceof ScanSpec.Access.Full) || side.aggregate().isPresent() || side.topK().isPresent()) {
      throw new IllegalArgumentException("each side of a join that rehashes is a full scan of rows");
    }
    for (int k : keys) {
      if (k < 0 || k >= side.columns().size()) {
        throw new IllegalArgumentException("join key column " + k + " is not one of the scan's "
            + side.columns().size() + " output columns");
      }
    }
  }

  private static Column column(ScanSpec side, int output) {
    return side.table().columns().get(side.columns().get(output));
  }

  /**
   * The output rows as a table (left columns then right, nullable), for decoding them as they travel: its full scan of
   * every column is the shape of the join's rows.
   */
  public ScanSpec output() {
    List<Column> out = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < left.columns().size(); i++) {
      Column c = column(left, i);
      out.add(new Column("l" + i, c.type(), true, c.precision(), c.scale()));
      all.add(all.size());
    }
    for (int i = 0; i < right.columns().size(); i++) {
      Column c = column(right, i);
      out.add(new Column("r" + i, c.type(), true, c.precision(), c.scale()));
      all.add(all.size());
    }
    TableDefinition joined = new TableDefinition("joined", out, List.of(), "0".repeat(32));
    return new ScanSpec(joined, new ScanSpec.Access.Full(), Optional.empty(), all, Optional.empty());
  }

  /** The join of both sides' rows done here: what a join that rehashes computes across the nodes. */
  public List<Object[]> joinHere(List<Object[]> leftRows, List<Object[]> rightRows) {
    Map<List<Object>, List<Object[]>> byKey = new HashMap<>();
    for (Object[] r : rightRows) {
      key(r, rightKeys).ifPresent(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(r));
    }
    List<Object[]> out = new ArrayList<>();
    for (Object[] l : leftRows) {
      key(l, leftKeys).ifPresent(k -> byKey.getOrDefault(k, List.of()).forEach(r -> {
        Object[] row = new Object[l.length + r.length];
        System.arraycopy(l, 0, row, 0, l.length);
        System.arraycopy(r, 0, row, l.length, r.length);
        out.add(row);
      }));
    }
    return out;
  }

  private static Optional<List<Object>> key(Object[] row, List<Integer> keys) {
    List<Object> key = new ArrayList<>(keys.size());
    keys.forEach(k -> key.add(row[k]));
    return KeySet.canonical(key);
  }
}
