package dev.weft.query.calcite;

import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Offers a {@link WeftJoin} for an equi-join with a weft table on one side: that table becomes the inner side, read
 * for the other side's keys only. The planner then weighs it against a join of two whole scans by cost (the fetch
 * against the scan). The table on the right serves INNER and LEFT joins; on the left, INNER joins, its columns put
 * back first by a projection. Conditions beyond the keys stay in a filter above (INNER only). Keys must be of one SQL
 * type on both sides, so that equal values are equal in the rows.
 */
final class WeftJoinRule extends RelRule<RuleConfig> {
  // Matched on Enumerable joins: their inputs are Enumerable subsets, where the scans (Enumerable themselves) are.
  static final RelOptRule RIGHT = RuleConfig.rule("WeftJoinRule:right",
      b0 -> b0.operand(Join.class).predicate(WeftJoinRule::enumerable).inputs(
          b1 -> b1.operand(RelNode.class).anyInputs(), b2 -> b2.operand(WeftScan.class).noInputs()),
      c -> new WeftJoinRule(c, true));
  static final RelOptRule LEFT = RuleConfig.rule("WeftJoinRule:left",
      b0 -> b0.operand(Join.class).predicate(WeftJoinRule::enumerable).inputs(
          b1 -> b1.operand(WeftScan.class).noInputs(), b2 -> b2.operand(RelNode.class).anyInputs()),
      c -> new WeftJoinRule(c, false));

  private final boolean innerOnRight;

  private WeftJoinRule(RuleConfig config, boolean innerOnRight) {
    super(config);
    this.innerOnRight = innerOnRight;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    Join join = call.rel(0);
    WeftScan scan = call.rel(innerOnRight ? 2 : 1);
    RelNode outer = innerOnRight ? join.getLeft() : join.getRight();
    boolean leftJoin = join.getJoinType() == JoinRelType.LEFT;
    if (!(join.getJoinType() == JoinRelType.INNER || leftJoin && innerOnRight)) {
      return;
    }
    ScanPlan inner = scan.plan;
    if (inner.keys().isPresent() || inner.aggregate().isPresent() || inner.topK().isPresent()) {
      return; // already a few gets, or not rows of the table
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty() || info.nullExclusionFlags.contains(false) || leftJoin && !info.isEqui()) {
      return;
    }
    List<Integer> outerKeys = innerOnRight ? info.leftKeys : info.rightKeys;
    List<Integer> innerKeys = innerOnRight ? info.rightKeys : info.leftKeys;
    RelDataType outerType = outer.getRowType();
    RelDataType innerType = scan.getRowType();
    for (int i = 0; i < outerKeys.size(); i++) {
      if (outerType.getFieldList().get(outerKeys.get(i)).getType().getSqlTypeName()
          != innerType.getFieldList().get(innerKeys.get(i)).getType().getSqlTypeName()) {
        return;
      }
    }
    JoinPlan plan = plan(scan, inner, leftJoin, outerKeys, innerKeys);
    RelNode input = convert(outer, outer.getTraitSet().replace(EnumerableConvention.INSTANCE));
    // Calcite's guess for an equi-join ignores keys: on a side's unique key, a row of the other side matches one at
    // most. Both orientations of one join get the same figure, so that only what they fetch tells them apart.
    RelMetadataQuery mq = call.getMetadataQuery();
    double rows = mq.getRowCount(join);
    if (plan.fetch() == JoinPlan.Fetch.KEYS) {
      rows = Math.min(rows, mq.getRowCount(outer));
    }
    if (Boolean.TRUE.equals(mq.areColumnsUnique(outer, ImmutableBitSet.of(outerKeys)))) {
      rows = Math.min(rows, mq.getRowCount(scan));
    }
    WeftJoin weftJoin = new WeftJoin(join.getCluster(), input, scan.getTable(), plan, rows);
    RelBuilder b = call.builder().push(weftJoin);
    if (!innerOnRight) {
      int innerWidth = innerType.getFieldCount();
      int outerWidth = outerType.getFieldCount();
      List<RexNode> reordered = new ArrayList<>();
      for (int i = 0; i < innerWidth; i++) {
        reordered.add(b.field(outerWidth + i));
      }
      for (int i = 0; i < outerWidth; i++) {
        reordered.add(b.field(i));
      }
      b.project(reordered, join.getRowType().getFieldNames(), true);
    }
    if (!info.isEqui()) {
      b.filter(info.nonEquiConditions);
    }
    call.transformTo(b.build());
  }

  private static boolean enumerable(Join join) {
    return join.getConvention() == EnumerableConvention.INSTANCE;
  }

  /** Keys when the inner keys are the table's primary key, an index lookup when one starts with one of them. */
  private static JoinPlan plan(WeftScan scan, ScanPlan inner, boolean left, List<Integer> outerKeys,
      List<Integer> innerKeys) {
    TableDefinition table = inner.table();
    Set<String> keyColumns = new HashSet<>();
    innerKeys.forEach(k -> keyColumns.add(table.columns().get(inner.columns().get(k)).name()));
    if (!table.primaryKey().isEmpty() && keyColumns.equals(new HashSet<>(table.primaryKey()))) {
      return new JoinPlan(inner, left, outerKeys, innerKeys, JoinPlan.Fetch.KEYS, Optional.empty());
    }
    WeftTable weftTable = scan.getTable().unwrap(WeftTable.class);
    if (inner.index().isEmpty() && weftTable != null) {
      for (IndexDefinition ix : weftTable.readyIndexes()) {
        if (keyColumns.contains(ix.columns().get(0))) {
          return new JoinPlan(inner, left, outerKeys, innerKeys, JoinPlan.Fetch.INDEX, Optional.of(ix));
        }
      }
    }
    return new JoinPlan(inner, left, outerKeys, innerKeys, JoinPlan.Fetch.FILTER, Optional.empty());
  }
}
