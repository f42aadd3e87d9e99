package dev.weft.query.calcite;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.RowOp;
import dev.weft.query.data.Tables;
import dev.weft.query.data.WriteReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs one write of a statement: turns the input rows into {@link RowOp}s with every value converted to its column's
 * type, hands them to {@link Tables#write}, and fails the statement when any row was not written, saying how many
 * were and why the first few were not. A row whose values cannot be converted is not sent and counts as failed.
 * Stateless.
 */
final class ModifyRunner {
  /** Failures named in a statement's error; the rest are counted. */
  private static final int FAILURES_SHOWN = 5;

  private ModifyRunner() {}

  static long run(Tables tables, QueryContext context, ModifyPlan plan, Iterable<Object[]> input) {
    TableDefinition table = plan.table();
    List<RowOp> ops = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    List<WriteReport.Failure> failures = new ArrayList<>();
    int total = 0;
    for (Object[] row : input) {
      int position = total++;
      try {
        ops.add(op(plan, row));
        positions.add(position);
      } catch (IllegalArgumentException e) {
        failures.add(new WriteReport.Failure(position, key(table, row), e.getMessage()));
      }
    }
    context.check();
    long applied = 0;
    if (!ops.isEmpty()) {
      WriteReport report = tables.write(table, ops, context);
      applied = report.applied();
      for (WriteReport.Failure f : report.failures()) {
        failures.add(new WriteReport.Failure(positions.get(f.op()), f.key(), f.reason()));
      }
    }
    if (!failures.isEmpty()) {
      failures.sort(Comparator.comparingInt(WriteReport.Failure::op));
      String shown = failures.stream().limit(FAILURES_SHOWN).map(f -> "row " + (f.op() + 1)
          + (f.key().isEmpty() ? "" : " (key " + f.key() + ")") + ": " + f.reason()).collect(Collectors.joining("; "));
      throw new QueryException(QueryException.Reason.ROWS_FAILED, applied + " of " + total + " rows written to "
          + table.name() + "; " + failures.size() + " failed: " + shown
          + (failures.size() > FAILURES_SHOWN ? "; ..." : ""));
    }
    return applied;
  }

  private static RowOp op(ModifyPlan plan, Object[] row) {
    TableDefinition table = plan.table();
    int n = table.columns().size();
    return switch (plan.kind()) {
      case INSERT -> new RowOp.Insert(coerce(table, row, n));
      case UPSERT -> new RowOp.Upsert(coerce(table, row, n));
      case DELETE -> new RowOp.Delete(Arrays.copyOf(row, n));
      case UPDATE -> {
        Object[] after = Arrays.copyOf(row, n);
        for (int i = 0; i < plan.updateColumns().size(); i++) {
          int c = plan.updateColumns().get(i);
          after[c] = ColumnValues.coerce(row[n + i], table.columns().get(c));
        }
        yield new RowOp.Update(Arrays.copyOf(row, n), after);
      }
    };
  }

  private static Object[] coerce(TableDefinition table, Object[] row, int n) {
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = ColumnValues.coerce(row[i], table.columns().get(i));
    }
    return out;
  }

  /** The row's primary key for people, or "" for a table without one. */
  private static String key(TableDefinition table, Object[] row) {
    List<String> parts = new ArrayList<>();
    for (String k : table.primaryKey()) {
      Column c = table.column(k).orElseThrow();
      int i = table.columns().indexOf(c);
      parts.add(i < row.length ? String.valueOf(row[i]) : "?");
    }
    return String.join(", ", parts);
  }
}
