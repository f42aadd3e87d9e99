package dev.weft.query.calcite;

import dev.weft.query.data.ScanSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;

/**
 * Pushes an {@code ORDER BY ... LIMIT} into a distributed {@link WeftScan}: each node keeps only the first {@code
 * offset + fetch} rows of its part in the sort's order, and so does each merge up the tree (a top-k cut); the sort stays
 * above the scan and orders, skips and cuts the few rows that arrive. Only literal limits (a parameter's value is not
 * known when the plan is made) and only scans that are not aggregated.
 */
final class WeftSortRule extends RelRule<RuleConfig> {
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftSortRule",
      b0 -> b0.operand(LogicalSort.class).oneInput(b1 -> b1.operand(WeftScan.class).noInputs()),
      WeftSortRule::new);

  private WeftSortRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSort sort = call.rel(0);
    WeftScan scan = call.rel(1);
    ScanPlan plan = scan.plan;
    if (plan.aggregate().isPresent() || plan.topK().isPresent() || plan.keys().isPresent()
        || sort.getCollation().getFieldCollations().isEmpty()) {
      return;
    }
    long fetch = literal(sort.fetch);
    long offset = sort.offset == null ? 0 : literal(sort.offset);
    if (fetch < 0 || offset < 0 || fetch + offset > ScanSpec.TopK.MAX_LIMIT || fetch + offset < 1) {
      return;
    }
    List<ScanSpec.SortKey> keys = new ArrayList<>();
    for (RelFieldCollation c : sort.getCollation().getFieldCollations()) {
      RelFieldCollation.NullDirection nulls = c.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
          ? c.direction.defaultNullDirection() : c.nullDirection;
      keys.add(new ScanSpec.SortKey(c.getFieldIndex(), c.direction.isDescending(),
          nulls == RelFieldCollation.NullDirection.FIRST));
    }
    WeftScan cut = new WeftScan(scan.getCluster(), scan.getTable(),
        plan.withTopK(new ScanSpec.TopK(keys, (int) (fetch + offset))));
    call.transformTo(sort.copy(sort.getTraitSet(), List.of(cut)));
  }

  /** A non-negative integer literal's value; -1 for anything else (absent, a parameter, an expression). */
  private static long literal(RexNode n) {
    if (n instanceof RexLiteral l && l.getValue() instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return -1;
  }
}
