package dev.weft.query.calcite;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rex.RexNode;

/**
 * INSERT, UPSERT, UPDATE or DELETE of a weft table as an Enumerable operator: its generated code runs the input and
 * hands the rows to {@link WeftTable#modify}, which answers one row, the count written. Immutable.
 */
final class WeftTableModify extends TableModify implements EnumerableRel {
  final ModifyPlan plan;

  WeftTableModify(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, Prepare.CatalogReader catalogReader,
      RelNode input, Operation operation, List<String> updateColumnList, List<RexNode> sourceExpressionList,
      boolean flattened, ModifyPlan plan) {
    super(cluster, traits.replace(EnumerableConvention.INSTANCE), table, catalogReader, input, operation,
        updateColumnList, sourceExpressionList, flattened);
    this.plan = plan;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new WeftTableModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs), getOperation(),
        getUpdateColumnList(), getSourceExpressionList(), isFlattened(), plan);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    // As Enumerable: linq4j finds the method by the argument's static type, which is some Enumerable's class.
    Expression rows = Expressions.convert_(input.physType.convertTo(builder.append("input", input.block),
        JavaRowFormat.ARRAY), Enumerable.class);
    builder.add(Expressions.return_(null, Expressions.call(getTable().getExpression(WeftTable.class), "modify",
        implementor.getRootExpression(), Expressions.constant(PlanCodec.encode(plan)), rows)));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        pref.prefer(JavaRowFormat.SCALAR));
    return implementor.result(physType, builder.toBlock());
  }
}
