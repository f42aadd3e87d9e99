package dev.weft.query.data;

import dev.weft.query.catalog.TableDefinition;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many rows each table had when this node last read it whole: a scan of every row without a filter, complete. The
 * planner's size estimates (join order, and whether a join fetches its matches or ships both sides) start from these;
 * a table never read whole has none. Kept in memory per node, per incarnation of a table. Thread-safe.
 */
public final class TableSizes {
  /** Most tables remembered: dropped tables are forgotten when this many are known. */
  static final int MAX_TABLES = 4096;

  private final ConcurrentHashMap<String, Long> rows = new ConcurrentHashMap<>();

  /** The rows {@code table} had when last read whole here, if it was. */
  public OptionalLong rows(TableDefinition table) {
    Long n = rows.get(table.rowNamespace());
    return n == null ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /** Records that a complete scan of every row of {@code table}, unfiltered, brought {@code count} rows. */
  public void observed(TableDefinition table, long count) {
    if (rows.size() >= MAX_TABLES && !rows.containsKey(table.rowNamespace())) {
      rows.clear();
    }
    rows.put(table.rowNamespace(), count);
  }
}
