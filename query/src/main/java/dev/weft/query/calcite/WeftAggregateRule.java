package dev.weft.query.calcite;

import dev.weft.query.data.ScanSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Splits an aggregate over a {@link WeftScan}: the nodes compute partial aggregates per group (the scan's output), and
 * an aggregate above merges them — COUNT by summing ($SUM0), SUM and $SUM0 by summing, MIN and MAX by themselves.
 * Only plain GROUP BY with COUNT, SUM, $SUM0, MIN and MAX, without DISTINCT or FILTER, splits; AVG arrives here
 * already rewritten to SUM and COUNT by Calcite's own rule, COUNT(DISTINCT) as a GROUP BY below a COUNT.
 */
final class WeftAggregateRule extends RelRule<RuleConfig> {
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftAggregateRule",
      b0 -> b0.operand(LogicalAggregate.class).oneInput(b1 -> b1.operand(WeftScan.class).noInputs()),
      WeftAggregateRule::new);

  private WeftAggregateRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    WeftScan scan = call.rel(1);
    ScanPlan plan = scan.plan;
    if (plan.aggregate().isPresent() || plan.topK().isPresent() || aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return;
    }
    List<Integer> groupBy = aggregate.getGroupSet().asList().stream().map(plan.columns()::get).toList();
    List<ScanSpec.Call> partials = new ArrayList<>();
    List<SqlAggFunction> merges = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      if (c.isDistinct() || c.filterArg >= 0 || c.isApproximate() || !c.collation.getFieldCollations().isEmpty()
          || c.getArgList().size() > 1) {
        return;
      }
      int column = c.getArgList().isEmpty() ? -1 : plan.columns().get(c.getArgList().get(0));
      ScanSpec.Call.Kind kind = switch (c.getAggregation().getKind()) {
        case COUNT -> column < 0 ? ScanSpec.Call.Kind.COUNT_STAR : ScanSpec.Call.Kind.COUNT;
        case SUM -> ScanSpec.Call.Kind.SUM;
        case SUM0 -> ScanSpec.Call.Kind.SUM0;
        case MIN -> ScanSpec.Call.Kind.MIN;
        case MAX -> ScanSpec.Call.Kind.MAX;
        default -> null;
      };
      if (kind == null || (column < 0 && kind != ScanSpec.Call.Kind.COUNT_STAR)) {
        return;
      }
      partials.add(new ScanSpec.Call(kind, column));
      merges.add(switch (kind) {
        case COUNT_STAR, COUNT, SUM0 -> SqlStdOperatorTable.SUM0;
        case SUM -> SqlStdOperatorTable.SUM;
        case MIN -> SqlStdOperatorTable.MIN;
        case MAX -> SqlStdOperatorTable.MAX;
      });
    }
    WeftScan partial = new WeftScan(scan.getCluster(), scan.getTable(),
        plan.withAggregate(new ScanSpec.Aggregate(groupBy, partials)));
    RelBuilder b = call.builder().push(partial);
    List<RelBuilder.AggCall> calls = new ArrayList<>();
    for (int i = 0; i < merges.size(); i++) {
      calls.add(b.aggregateCall(merges.get(i), b.field(groupBy.size() + i)));
    }
    b.aggregate(b.groupKey(ImmutableBitSet.range(groupBy.size())), calls);
    b.convert(aggregate.getRowType(), true);
    call.transformTo(b.build());
  }
}
