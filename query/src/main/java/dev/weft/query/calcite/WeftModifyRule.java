package dev.weft.query.calcite;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;

/**
 * Turns Calcite's table-modify of a weft table into {@link WeftTableModify}. A MERGE without update columns is how
 * {@link WeftPrepare} keeps an UPSERT (Calcite's converter would make it an INSERT); a real MERGE is not supported.
 */
final class WeftModifyRule extends RelRule<RuleConfig> {
  static final RelOptRule INSTANCE = RuleConfig.rule("WeftModifyRule",
      b -> b.operand(LogicalTableModify.class).anyInputs(), WeftModifyRule::new);

  private WeftModifyRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalTableModify modify = call.rel(0);
    WeftTable table = modify.getTable().unwrap(WeftTable.class);
    if (table == null) {
      return;
    }
    ModifyPlan.Kind kind = switch (modify.getOperation()) {
      case INSERT -> ModifyPlan.Kind.INSERT;
      case UPDATE -> ModifyPlan.Kind.UPDATE;
      case DELETE -> ModifyPlan.Kind.DELETE;
      case MERGE -> isUpsert(modify) ? ModifyPlan.Kind.UPSERT : null;
    };
    if (kind == null) {
      return;
    }
    List<String> names = kind == ModifyPlan.Kind.UPDATE ? modify.getUpdateColumnList() : List.of();
    List<Integer> columns = names.stream().map(n -> modify.getTable().getRowType().getFieldNames().indexOf(n))
        .toList();
    RelNode input = convert(modify.getInput(), modify.getInput().getTraitSet().replace(EnumerableConvention.INSTANCE));
    call.transformTo(new WeftTableModify(modify.getCluster(), modify.getTraitSet(), modify.getTable(),
        modify.getCatalogReader(), input, modify.getOperation(), modify.getUpdateColumnList(),
        modify.getSourceExpressionList(), modify.isFlattened(), new ModifyPlan(table.definition(), kind, columns)));
  }

  /** Whether {@code modify} keeps an UPSERT (see the class comment). */
  static boolean isUpsert(TableModify modify) {
    return modify.getOperation() == TableModify.Operation.MERGE && modify.getUpdateColumnList() != null
        && modify.getUpdateColumnList().isEmpty();
  }
}
