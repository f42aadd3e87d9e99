package dev.weft.query.calcite;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Folds a projection into a {@link WeftScan}: the scan returns only the columns the projection reads, and the
 * projection stays above it (over the narrower rows) when it computes anything.
 */
final class WeftProjectRule extends RelRule<RuleConfig> {
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftProjectRule",
      b0 -> b0.operand(LogicalProject.class).oneInput(b1 -> b1.operand(WeftScan.class).noInputs()),
      WeftProjectRule::new);

  private WeftProjectRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalProject project = call.rel(0);
    WeftScan scan = call.rel(1);
    ScanPlan plan = scan.plan;
    if (plan.aggregate().isPresent() || plan.topK().isPresent()) {
      return;  // a cut's order names the scan's columns as they are
    }
    ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
    if (used.isEmpty()) {
      used = ImmutableBitSet.of(0); // a row needs a column; any will do for SELECT 1 FROM t
    }
    if (used.cardinality() == plan.columns().size()) {
      return;
    }
    List<Integer> columns = new ArrayList<>();
    int[] position = new int[plan.columns().size()];
    for (int i : used) {
      position[i] = columns.size();
      columns.add(plan.columns().get(i));
    }
    WeftScan narrow = new WeftScan(scan.getCluster(), scan.getTable(), plan.withColumns(columns));
    RexShuttle remap = new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        return new RexInputRef(position[ref.getIndex()], ref.getType());
      }
    };
    List<RexNode> projects = project.getProjects().stream().map(p -> p.accept(remap)).toList();
    call.transformTo(call.builder().push(narrow).project(projects, project.getRowType().getFieldNames()).build());
  }
}
