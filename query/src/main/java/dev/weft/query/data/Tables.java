package dev.weft.query.data;

import dev.weft.query.Coverage;
import dev.weft.query.catalog.TableDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the SQL layer needs from the network: the catalog, scans and writes. The query plugin implements it over the DHT
 * (row keepers, the scan tree); tests use an in-memory one. The SQL layer (Calcite's operators, on a JDBC caller's
 * thread) is its only caller.
 *
 * <p>Thread-safe. The methods block the calling thread (a statement's thread, never a node thread) for at most the
 * statement's time left ({@link QueryContext}), and fail with {@link dev.weft.query.QueryException}. No argument may
 * be null; no result is null.
 */
public interface Tables {
  /** The tables and indexes every node knows, and DDL. */
  Catalog catalog();

  /** The sizes of tables as this node last saw them, for the planner; the SQL layer records what its scans saw. */
  TableSizes sizes();

  /**
   * Runs {@code spec} over its table: the rows it selects, filtered, projected or partially aggregated as the spec says
   * ({@link ScanSpec}). Rows may arrive while the cursor is read; the cursor's coverage is final once it is exhausted.
   * The caller records that coverage in the context; the scan itself does not.
   */
  RowCursor scan(ScanSpec spec, QueryContext context);

  /**
   * Rows (as the planner estimates them) both sides of a join of two whole scans must bring together before it is
   * planned as a {@link #join} ({@code weft.query.rehash-join-rows}); this default never plans one.
   */
  default long rehashJoinRows() {
    return Long.MAX_VALUE;
  }

  /**
   * Runs an inner join of two full scans ({@link JoinSpec}) where both sides are large: over the DHT, each side's rows go
   * to the nodes their join keys hash to and are joined there, so that only the joined rows come to the asking node
   * (docs/query.md, "Joins that rehash"). The cursor's coverage is the join's: complete only when both sides' rows
   * all reached the nodes that joined them. This default reads both sides whole and joins them here.
   */
  default RowCursor join(JoinSpec join, QueryContext context) {
    List<Object[]> left = new ArrayList<>();
    List<Object[]> right = new ArrayList<>();
    Coverage coverage;
    try (RowCursor l = scan(join.left(), context); RowCursor r = scan(join.right(), context)) {
      l.forEachRemaining(left::add);
      r.forEachRemaining(right::add);
      coverage = l.coverage().plus(r.coverage());
    }
    return RowCursor.of(join.joinHere(left, right), coverage);
  }

  /**
   * Applies {@code ops} to {@code table}'s rows, each on its own (docs/query.md, "What a write means"), and reports
   * which were applied. Never throws for a failed row: the report names it.
   *
   * @throws dev.weft.query.QueryException when the statement as a whole cannot run (timeout, cancel, table gone)
   */
  WriteReport write(TableDefinition table, List<RowOp> ops, QueryContext context);
}
