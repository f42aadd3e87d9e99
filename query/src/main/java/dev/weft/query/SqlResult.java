package dev.weft.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The answer to one statement: for a query its columns and rows, for other statements the count of rows changed;
 * for both, how complete it is.
 *
 * @param columns the columns of a query's rows, in order; empty for other statements
 * @param rows the rows, each a list in column order (values as {@link Sql} lists them; DATE as {@code LocalDate},
 *     TIMESTAMP as {@code LocalDateTime}); empty for other statements
 * @param updated rows changed by a statement other than a query; -1 for a query
 * @param coverage how complete the answer is
 */
public record SqlResult(List<ColumnInfo> columns, List<List<Object>> rows, long updated, Coverage coverage) {
  public SqlResult {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(r)));  // values may be null
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** Whether this answers a query (rows) rather than a change (a count). */
  public boolean isQuery() {
    return updated < 0;
  }

  /**
   * One column of a query's answer.
   *
   * @param name its label
   * @param type its SQL type as Calcite names it ({@code INTEGER}, {@code VARCHAR}, {@code DECIMAL(10, 2)}, ...)
   * @param nullable whether it may hold NULL
   */
  public record ColumnInfo(String name, String type, boolean nullable) {}
}
