package dev.weft.query.calcite;

import dev.weft.query.QueryException;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowCursor;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs one scan of a statement: binds its parameters, reads the cursor whole, checks the row cap and records the
 * coverage. Reading it whole while the statement starts puts every failure of the network (timeout, incomplete,
 * too large) where JDBC reports it as an {@code SQLException}; the operators above the scan would hold the rows in
 * memory anyway, and the cap bounds them. Stateless.
 */
final class ScanRunner {
  private ScanRunner() {}

  static List<Object[]> run(Tables tables, QueryContext context, ScanPlan plan, IntFunction<Object> params) {
    context.check();
    ScanSpec spec;
    try {
      spec = plan.bind(params);
    } catch (IllegalArgumentException e) {
      throw new QueryException(QueryException.Reason.INVALID, e.getMessage(), e);
    }
    List<Object[]> rows = new ArrayList<>();
    try (RowCursor cursor = tables.scan(spec, context)) {
      while (cursor.hasNext()) {
        rows.add(cursor.next());
        if (rows.size() > context.maxRows()) {
          throw new QueryException(QueryException.Reason.TOO_LARGE, "scan of table " + plan.table().name()
              + " brings more than " + context.maxRows() + " rows (maxRows)");
        }
      }
      context.record(cursor.coverage());
    }
    return rows;
  }
}
