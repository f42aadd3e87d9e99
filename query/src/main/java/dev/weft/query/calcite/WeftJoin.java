package dev.weft.query.calcite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.util.Util;

/**
 * A join whose inner side is a weft table read for the outer side's keys only ({@link JoinPlan}, run by {@link
 * JoinRunner}): its one input is the outer side; the inner scan is part of it, so its cost is what the fetch brings,
 * not the whole table. Its rows are the outer row's columns then the inner scan's. Made by {@link WeftJoinRule}, which
 * also gives it its row count: the replaced join's, bounded where a side's keys are unique. Immutable.
 */
final class WeftJoin extends SingleRel implements EnumerableRel {
  /** What a fetched key costs beside its row, in rows: a get (or a lookup) is several messages, a row one. */
  private static final double PER_KEY = 1.0;
  /** What a scan that carries keys costs beside the rows it brings, as a share of the table's rows. */
  private static final double PER_SCAN = 0.1;

  final RelOptTable innerTable;
  final JoinPlan plan;
  private final double rows;

  WeftJoin(RelOptCluster cluster, RelNode outer, RelOptTable innerTable, JoinPlan plan, double rows) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), outer);
    this.innerTable = innerTable;
    this.plan = plan;
    this.rows = rows;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new WeftJoin(getCluster(), sole(inputs), innerTable, plan, rows);
  }

  @Override
  protected RelDataType deriveRowType() {
    return SqlValidatorUtil.deriveJoinRowType(getInput().getRowType(),
        plan.inner().rowType(getCluster().getTypeFactory()), plan.left() ? JoinRelType.LEFT : JoinRelType.INNER,
        getCluster().getTypeFactory(), null, List.of());
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    List<String> on = new ArrayList<>();
    for (int i = 0; i < plan.outerKeys().size(); i++) {
      on.add("$" + plan.outerKeys().get(i) + " = "
          + plan.inner().table().columns().get(plan.innerColumn(i)).name());
    }
    ScanPlan inner = plan.inner();
    return super.explainTerms(pw)
        .item("table", innerTable.getQualifiedName())
        .item("joinType", plan.left() ? "left" : "inner")
        .item("on", on)
        .item("fetch", plan.fetch().name().toLowerCase(Locale.ROOT)
            + plan.index().map(ix -> " " + ix.name()).orElse(""))
        .itemIf("filter", inner.filter().map(Object::toString).orElse(""), inner.filter().isPresent())
        .itemIf("index", inner.index().map(Object::toString).orElse(""), inner.index().isPresent())
        .item("columns", inner.columns());
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return rows;
  }

  /**
   * Priced against a hash join of the outer side and a scan of the inner table, in the same units (rows brought to the
   * asking node, and Calcite's hash join's own work): it wins where it fetches fewer rows than the whole scan would
   * bring, its own cost per key or per scan included.
   */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double outer = mq.getRowCount(getInput());
    double table = innerTable.getRowCount();
    double inner = table * (plan.inner().filter().isPresent() ? WeftScan.FILTER_SELECTIVITY : 1);
    double width = 0.5 + 0.5 * plan.inner().columns().size() / Math.max(1, plan.inner().table().columns().size());
    double fetched;
    double overhead;
    if (plan.fetch() == JoinPlan.Fetch.FILTER) {
      fetched = inner * Math.min(1, outer / Math.max(1, table));
      overhead = PER_SCAN * table;
    } else {
      fetched = plan.fetch() == JoinPlan.Fetch.KEYS ? Math.min(inner, outer)
          : inner * Math.min(1, outer / Math.max(1, table));
      overhead = PER_KEY * outer;
    }
    double cost = rows + Util.nLogN(outer) + 2 * fetched * width + overhead;
    return planner.getCostFactory().makeCost(cost, cost, 0);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result outer = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    Expression rows = builder.append("outer", outer.block);
    // One column comes as bare values (Calcite's optimized row format), more as arrays.
    boolean scalar = getInput().getRowType().getFieldCount() == 1;
    JavaRowFormat format = scalar ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY;
    if (outer.physType.getFormat() != format) {
      rows = builder.append("outerRows", outer.physType.convertTo(rows, format));
    }
    builder.add(Expressions.return_(null, Expressions.call(innerTable.getExpression(WeftTable.class), "join",
        implementor.getRootExpression(), Expressions.constant(PlanCodec.encode(plan)),
        Expressions.convert_(rows, Enumerable.class), Expressions.constant(scalar))));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    return implementor.result(physType, builder.toBlock());
  }
}
