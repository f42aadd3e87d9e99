package dev.weft.query.calcite;

import dev.weft.query.data.ScanSpec;
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
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A scan of a weft table with what the planner folded into it ({@link ScanPlan}: filter, primary keys, columns,
 * partial aggregates); itself an Enumerable operator, whose generated code calls {@link WeftTable#scan}. Its cost
 * follows the rows it brings to the asking node, so that a pushed filter, a primary-key get, a projection and partial
 * aggregates each win over doing the same work above the scan. Immutable.
 */
final class WeftScan extends TableScan implements EnumerableRel {
  /** Share of a table's rows a pushed filter is assumed to keep. */
  static final double FILTER_SELECTIVITY = 0.25;
  /** Share of the filtered rows guessed for a range of an index (no statistics yet): it reads only those. */
  private static final double INDEX_SHARE = 0.2;
  /** Share of the rows a GROUP BY is assumed to leave, as groups. */
  private static final double GROUP_SHARE = 0.1;

  final ScanPlan plan;

  WeftScan(RelOptCluster cluster, RelOptTable table, ScanPlan plan) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), List.of(), table);
    this.plan = plan;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public RelDataType deriveRowType() {
    return plan.rowType(getCluster().getTypeFactory());
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .itemIf("keys", plan.keys().map(Object::toString).orElse(""), plan.keys().isPresent())
        .itemIf("index", plan.index().map(Object::toString).orElse(""), plan.index().isPresent())
        .itemIf("filter", plan.filter().map(Object::toString).orElse(""), plan.filter().isPresent())
        .itemIf("columns", plan.columns(), plan.aggregate().isEmpty() && !plan.wholeRows())
        .itemIf("partial", plan.aggregate().map(Object::toString).orElse(""), plan.aggregate().isPresent())
        .itemIf("top", plan.topK().map(WeftScan::describe).orElse(""), plan.topK().isPresent());
  }

  /** A top-k cut as EXPLAIN shows it: {@code 10 by [1 DESC NULLS FIRST, 0]}. */
  private static String describe(ScanSpec.TopK t) {
    return t.limit() + " by " + t.keys().stream().map(k -> k.column() + (k.descending() ? " DESC" : "")
        + (k.nullsFirst() ? " NULLS FIRST" : " NULLS LAST")).toList();
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    double rows = plan.keys().map(k -> (double) k.size()).orElseGet(() -> table.getRowCount()
        * (plan.filter().isPresent() ? FILTER_SELECTIVITY : 1) * (plan.index().isPresent() ? INDEX_SHARE : 1));
    if (plan.aggregate().isPresent()) {
      rows = plan.aggregate().get().groupBy().isEmpty() ? 1 : Math.max(1, rows * GROUP_SHARE);
    }
    if (plan.topK().isPresent()) {
      rows = Math.min(rows, plan.topK().get().limit());
    }
    return Math.max(1, rows);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = estimateRowCount(mq);
    // Narrower rows cost less to ship: a projection is worth folding in even when it keeps every row.
    double width = plan.aggregate().isPresent() ? 1
        : 0.5 + 0.5 * plan.columns().size() / Math.max(1, plan.table().columns().size());
    double shipped = rows * width;
    return planner.getCostFactory().makeCost(shipped, shipped, 0);
  }

  @Override
  public void register(RelOptPlanner planner) {
    WeftRules.ALL.forEach(planner::addRule);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    // Calcite treats a one-column row as the bare value (JavaRowFormat.optimize), also where operators above derive
    // their own view of this scan's rows: such a scan answers bare values.
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    String method = getRowType().getFieldCount() == 1 ? "scanValues" : "scan";
    Expression call = Expressions.call(table.getExpression(WeftTable.class), method, implementor.getRootExpression(),
        Expressions.constant(PlanCodec.encode(plan)));
    return implementor.result(physType, Blocks.toBlock(call));
  }
}
