package dev.weft.query.calcite;

import dev.weft.query.expr.Expr;
import dev.weft.query.expr.RexTranslator;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.tools.RelBuilder;

/**
 * Folds a filter into a {@link WeftScan} of whole rows: the conjuncts weft evaluates on the nodes go into the scan
 * (with the primary keys they pin, if they pin all key columns), the rest stays in a filter above it.
 */
final class WeftFilterRule extends RelRule<RuleConfig> {
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftFilterRule",
      b0 -> b0.operand(LogicalFilter.class).oneInput(b1 -> b1.operand(WeftScan.class).noInputs()),
      WeftFilterRule::new);

  private WeftFilterRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalFilter filter = call.rel(0);
    WeftScan scan = call.rel(1);
    ScanPlan plan = scan.plan;
    if (!plan.wholeRows()) {
      return; // the filter's column numbers are the table's only over whole rows
    }
    RexTranslator.Split split = RexTranslator.split(filter.getCondition(), filter.getCluster().getRexBuilder(),
        plan.table());
    if (split.pushed().isEmpty()) {
      return;
    }
    Expr pushed = plan.filter().<Expr>map(old -> new Expr.Call(Expr.Op.AND, List.of(old, split.pushed().get())))
        .orElse(split.pushed().get());
    Optional<List<List<Expr>>> keys = KeyAccess.of(plan.table(), pushed);
    Optional<IndexRangePlan> index = Optional.empty();
    if (keys.isEmpty()) {
      WeftTable table = scan.getTable().unwrap(WeftTable.class);
      index = IndexAccess.of(plan.table(), table == null ? List.of() : table.readyIndexes(), pushed);
    }
    WeftScan narrower = new WeftScan(scan.getCluster(), scan.getTable(), plan.withFilter(Optional.of(pushed), keys,
        index));
    RelBuilder b = call.builder().push(narrower);
    if (!split.residual().isEmpty()) {
      b.filter(split.residual());
    }
    call.transformTo(b.build());
  }
}
