package dev.weft.query.calcite;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.tools.RelBuilder;

/**
 * Offers a {@link WeftRehashJoin} for an inner equi-join of two weft tables' full scans of rows, when both together
 * bring at least {@code weft.query.rehash-join-rows} (as estimated from the sizes this node saw): below that, shipping
 * both sides to the asking node is cheaper than three walks of the tree. The planner then weighs it by cost against
 * shipping both and against fetching the matches ({@link WeftJoinRule}). Conditions beyond the keys stay in a filter
 * above. Keys must be of one SQL type on both sides.
 */
final class WeftRehashJoinRule extends RelRule<RuleConfig> {
  // Matched on Enumerable joins, as WeftJoinRule is: their inputs are the subsets where the scans are.
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftRehashJoinRule",
      b0 -> b0.operand(Join.class).predicate(j -> j.getConvention() == EnumerableConvention.INSTANCE
          && j.getJoinType() == JoinRelType.INNER).inputs(
          b1 -> b1.operand(WeftScan.class).noInputs(), b2 -> b2.operand(WeftScan.class).noInputs()),
      WeftRehashJoinRule::new);

  private WeftRehashJoinRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    Join join = call.rel(0);
    WeftScan left = call.rel(1);
    WeftScan right = call.rel(2);
    if (!rows(left.plan) || !rows(right.plan)) {
      return;
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty() || info.nullExclusionFlags.contains(false)) {
      return;
    }
    RelDataType lt = left.getRowType();
    RelDataType rt = right.getRowType();
    for (int i = 0; i < info.leftKeys.size(); i++) {
      if (lt.getFieldList().get(info.leftKeys.get(i)).getType().getSqlTypeName()
          != rt.getFieldList().get(info.rightKeys.get(i)).getType().getSqlTypeName()) {
        return;
      }
    }
    WeftTable table = left.getTable().unwrap(WeftTable.class);
    RelMetadataQuery mq = call.getMetadataQuery();
    double leftRows = mq.getRowCount(left);
    double rightRows = mq.getRowCount(right);
    if (table == null || leftRows + rightRows < table.rehashJoinRows()) {
      return;
    }
    RehashPlan plan = new RehashPlan(left.plan, info.leftKeys, right.plan, info.rightKeys);
    // Calcite's guess for an equi-join of two large inputs (a share of their product) would price this join by rows it
    // will not make: a row of one side is taken to match about one of the other, as on a foreign key.
    double rows = Math.min(mq.getRowCount(join), Math.max(leftRows, rightRows));
    WeftRehashJoin rehash = new WeftRehashJoin(join.getCluster(), left.getTable(), right.getTable(), plan, rows,
        leftRows, rightRows);
    RelBuilder b = call.builder().push(rehash);
    if (!info.isEqui()) {
      b.filter(info.nonEquiConditions);
    }
    call.transformTo(b.build());
  }

  /** Whether a scan reads rows of the whole table: no keys, index range, aggregate or top-k cut. */
  private static boolean rows(ScanPlan p) {
    return p.keys().isEmpty() && p.index().isEmpty() && p.aggregate().isEmpty() && p.topK().isEmpty()
        && !p.columns().isEmpty();
  }
}
