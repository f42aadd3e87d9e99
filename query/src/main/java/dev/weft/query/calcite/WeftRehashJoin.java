package dev.weft.query.calcite;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * An inner join of two weft tables' full scans that rehashes both sides across the nodes ({@link RehashPlan}): a leaf
 * of the plan, whose generated code calls {@link WeftTable#rehashJoin}. Its rows are the left scan's columns then the
 * right's. Made by {@link WeftRehashJoinRule}, which also gives it its row count. Immutable.
 */
final class WeftRehashJoin extends AbstractRelNode implements EnumerableRel {
  /**
   * What a row moved between two other nodes costs, as a share of one brought to the asking node: it crosses the
   * network (a hop or two) but no single node takes them all.
   */
  static final double MOVED = 0.5;

  final RelOptTable leftTable;
  final RelOptTable rightTable;
  final RehashPlan plan;
  private final double rows;
  private final double leftRows;
  private final double rightRows;

  WeftRehashJoin(RelOptCluster cluster, RelOptTable leftTable, RelOptTable rightTable, RehashPlan plan, double rows,
      double leftRows, double rightRows) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE));
    this.leftTable = leftTable;
    this.rightTable = rightTable;
    this.plan = plan;
    this.rows = rows;
    this.leftRows = leftRows;
    this.rightRows = rightRows;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  protected RelDataType deriveRowType() {
    return SqlValidatorUtil.deriveJoinRowType(plan.left().rowType(getCluster().getTypeFactory()),
        plan.right().rowType(getCluster().getTypeFactory()), JoinRelType.INNER, getCluster().getTypeFactory(), null,
        List.of());
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    List<String> on = new ArrayList<>();
    for (int i = 0; i < plan.leftKeys().size(); i++) {
      on.add(name(plan.left(), plan.leftKeys().get(i)) + " = " + name(plan.right(), plan.rightKeys().get(i)));
    }
    return super.explainTerms(pw)
        .item("left", leftTable.getQualifiedName())
        .item("right", rightTable.getQualifiedName())
        .item("on", on)
        .itemIf("leftFilter", plan.left().filter().map(Object::toString).orElse(""), plan.left().filter().isPresent())
        .itemIf("rightFilter", plan.right().filter().map(Object::toString).orElse(""),
            plan.right().filter().isPresent())
        .item("leftColumns", plan.left().columns())
        .item("rightColumns", plan.right().columns());
  }

  private static String name(ScanPlan scan, int output) {
    return scan.table().columns().get(scan.columns().get(output)).name();
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return rows;
  }

  /**
   * In the units of {@link WeftScan}'s cost (rows brought to the asking node): the joined rows, which come to the asking
   * node, plus both sides' rows at {@link #MOVED} each, which move between other nodes.
   */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double moved = MOVED * (leftRows * width(plan.left()) + rightRows * width(plan.right()));
    double cost = rows + moved;
    return planner.getCostFactory().makeCost(cost, cost, 0);
  }

  private static double width(ScanPlan scan) {
    return 0.5 + 0.5 * scan.columns().size() / Math.max(1, scan.table().columns().size());
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    Expression call = Expressions.call(leftTable.getExpression(WeftTable.class), "rehashJoin",
        implementor.getRootExpression(), Expressions.constant(PlanCodec.encode(plan)));
    return implementor.result(physType, Blocks.toBlock(call));
  }
}
