package dev.weft.query.data;

import dev.weft.query.catalog.TableDefinition;
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
   * Applies {@code ops} to {@code table}'s rows, each on its own (docs/query.md, "What a write means"), and reports
   * which were applied. Never throws for a failed row: the report names it.
   *
   * @throws dev.weft.query.QueryException when the statement as a whole cannot run (timeout, cancel, table gone)
   */
  WriteReport write(TableDefinition table, List<RowOp> ops, QueryContext context);
}
