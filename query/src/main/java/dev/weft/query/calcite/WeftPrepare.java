package dev.weft.query.calcite;

import java.lang.reflect.Type;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.interpreter.BindableConvention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * weft's way through Calcite's prepare step: its planner rules in every planner, its DDL executor, a program that
 * orders joins of many tables heuristically (Calcite's default exhaustive search does not finish sqllogictest's
 * select5), and a converter that keeps UPSERT. Calcite makes one per statement prepared.
 */
final class WeftPrepare extends CalcitePrepareImpl {
  /**
   * IN lists up to this many values stay a condition, so that one on a primary key becomes gets (and one on another
   * column a filter the nodes run); Calcite turns longer ones (by default, over 20) into a join with a list of values,
   * which reads the whole table.
   */
  static final int IN_LIST_LIMIT = 1000;

  /** From this many joins on, a query's joins are ordered by Calcite's heuristic (MultiJoin, LoptOptimizeJoinRule). */
  private static final int HEURISTIC_JOINS = 6;

  @Override
  protected RelOptPlanner createPlanner(Context prepareContext, org.apache.calcite.plan.Context externalContext,
      RelOptCostFactory costFactory) {
    RelOptPlanner planner = super.createPlanner(prepareContext, externalContext, costFactory);
    WeftRules.ALL.forEach(planner::addRule);
    return planner;
  }

  @Override
  public void executeDdl(Context context, SqlNode node) {
    new WeftDdlExecutor().executeDdl(context, node);
  }

  @Override
  protected CalcitePreparingStmt getPreparingStmt(Context context, Type elementType,
      CalciteCatalogReader catalogReader, RelOptPlanner planner) {
    EnumerableRel.Prefer prefer = elementType == Object[].class ? EnumerableRel.Prefer.ARRAY
        : EnumerableRel.Prefer.CUSTOM;
    RelOptCluster cluster = createCluster(planner, new RexBuilder(context.getTypeFactory()));
    return new CalcitePreparingStmt(this, context, catalogReader, context.getTypeFactory(), context.getRootSchema(),
        prefer, cluster, enableBindable ? BindableConvention.INSTANCE : EnumerableConvention.INSTANCE,
        createConvertletTable()) {
      @Override
      protected Program getProgram() {
        Program joins = (p, rel, traits, materializations, lattices) -> Programs.heuristicJoinOrder(p.getRules(),
            false, HEURISTIC_JOINS).run(p, rel, traits, materializations, lattices);
        return Programs.sequence(Programs.subQuery(DefaultRelMetadataProvider.INSTANCE), Programs.decorrelate(),
            Programs.trim(), joins, Programs.calc(DefaultRelMetadataProvider.INSTANCE));
      }

      @Override
      protected SqlToRelConverter getSqlToRelConverter(SqlValidator validator, Prepare.CatalogReader reader,
          SqlToRelConverter.Config config) {
        return new WeftSqlToRelConverter(this, validator, reader, cluster, convertletTable,
            config.withInSubQueryThreshold(IN_LIST_LIMIT));
      }
    };
  }
}
