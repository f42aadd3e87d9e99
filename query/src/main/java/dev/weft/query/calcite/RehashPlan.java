package dev.weft.query.calcite;

import dev.weft.query.data.JoinSpec;
import java.util.List;
import java.util.function.IntFunction;

/**
 * An inner join of two weft tables' full scans that rehashes both sides across the nodes ({@link JoinSpec}, docs/
 * query.md "Joins that rehash"), as planned: the scans may still hold the statement's parameters. Immutable; travels
 * in generated code as {@link PlanCodec}'s JSON.
 *
 * @param left the left scan (rows: no keys, index range, aggregate or top-k cut)
 * @param leftKeys its output columns compared
 * @param right the right scan, as {@code left}
 * @param rightKeys its output columns compared, pairwise with {@code leftKeys}
 */
record RehashPlan(ScanPlan left, List<Integer> leftKeys, ScanPlan right, List<Integer> rightKeys) {
  RehashPlan {
    leftKeys = List.copyOf(leftKeys);
    rightKeys = List.copyOf(rightKeys);
  }

  /** The join with the statement's parameters; {@link IllegalArgumentException} when one does not fit. */
  JoinSpec bind(IntFunction<Object> params) {
    return new JoinSpec(left.bind(params), leftKeys, right.bind(params), rightKeys);
  }
}
