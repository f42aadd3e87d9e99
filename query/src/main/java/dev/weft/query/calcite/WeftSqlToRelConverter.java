package dev.weft.query.calcite;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.SqlToRelConverter;

/**
 * Calcite's SQL-to-relational converter, keeping UPSERT: Calcite parses {@code UPSERT INTO} but converts it as an
 * INSERT. weft marks it as a MERGE without update columns, which {@link WeftModifyRule} reads as an upsert.
 */
final class WeftSqlToRelConverter extends SqlToRelConverter {
  WeftSqlToRelConverter(RelOptTable.ViewExpander viewExpander, SqlValidator validator, Prepare.CatalogReader reader,
      RelOptCluster cluster, SqlRexConvertletTable convertletTable, Config config) {
    super(viewExpander, validator, reader, cluster, convertletTable, config);
  }

  @Override
  protected RelNode convertInsert(SqlInsert call) {
    RelNode rel = super.convertInsert(call);
    if (!call.isUpsert() || !(rel instanceof LogicalTableModify m)) {
      return rel;
    }
    return LogicalTableModify.create(m.getTable(), m.getCatalogReader(), m.getInput(), TableModify.Operation.MERGE,
        List.of(), null, m.isFlattened());
  }
}
