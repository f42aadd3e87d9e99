package dev.weft.query.calcite;

import dev.weft.query.Coverage;
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
    return run(tables, context, bind(plan, params));
  }

  /** {@code plan} with the statement's parameters, an error of the statement when one does not fit. */
  static ScanSpec bind(ScanPlan plan, IntFunction<Object> params) {
    try {
      return plan.bind(params);
    } catch (IllegalArgumentException e) {
      throw new QueryException(QueryException.Reason.INVALID, e.getMessage(), e);
    }
  }

  /** Runs {@code spec}: its rows, read whole; a complete scan of every row also tells the table's size. */
  static List<Object[]> run(Tables tables, QueryContext context, ScanSpec spec) {
    context.check();
    List<Object[]> rows = new ArrayList<>();
    try (RowCursor cursor = tables.scan(spec, context)) {
      while (cursor.hasNext()) {
        rows.add(cursor.next());
        if (rows.size() > context.maxRows()) {
          throw new QueryException(QueryException.Reason.TOO_LARGE, "scan of table " + spec.table().name()
              + " brings more than " + context.maxRows() + " rows (maxRows)");
        }
      }
      Coverage coverage = cursor.coverage();
      context.record(coverage);
      if (coverage.complete() && spec.access() instanceof ScanSpec.Access.Full && spec.filter().isEmpty()
          && spec.aggregate().isEmpty() && spec.topK().isEmpty()) {
        tables.sizes().observed(spec.table(), rows.size());
      }
    }
    return rows;
  }
}
