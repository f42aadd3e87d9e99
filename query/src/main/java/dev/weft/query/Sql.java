package dev.weft.query;

import dev.weft.api.Node;
import dev.weft.api.WeftException;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * SQL on the tables spread over the network (docs/query.md). Get it with {@link #of(Node)} when {@code weft-query} is
 * on the classpath. Statements are PostgreSQL-flavoured SQL as Calcite reads it, plus weft's DDL; {@code ?} marks a
 * parameter, bound from {@code params} in order (Java values: Integer, Long, Double, BigDecimal, String, Boolean,
 * LocalDate, LocalDateTime, or null).
 *
 * <h2>Threads</h2>
 * Thread-safe; never blocks. A statement runs on a thread of the query module's own pool and its future completes
 * there; many run at once, each on its own connection.
 *
 * <h2>Errors</h2>
 * Futures fail with {@link QueryException}; its {@link QueryException#reason()} says why (a syntax error names line and
 * column).
 */
public interface Sql {
  /**
   * The SQL service of {@code node}.
   *
   * @throws WeftException when the query plugin is not present or disabled
   */
  static Sql of(Node node) {
    return node.service(Sql.class).orElseThrow(() -> new WeftException(
        "this node has no query plugin: add weft-query to the classpath (and do not list it, messaging, schema or pht"
            + " in weft.plugins.disabled)"));
  }

  /** Runs any one statement: a query answers rows, other statements the count of rows they changed. */
  CompletableFuture<SqlResult> execute(String sql, Object... params);

  /** As {@link #execute}, with options for this statement (timeout, partial answers, caps). */
  CompletableFuture<SqlResult> execute(SqlOptions options, String sql, Object... params);

  /** As {@link #execute}, for a query only: anything else fails with {@code INVALID} before it runs. */
  CompletableFuture<SqlResult> query(String sql, Object... params);

  /**
   * Runs a query and keeps its answer current (docs/query.md, "Live queries"): {@code listener} gets the answer, then
   * every change to it as rows that entered and rows that left, until the watch is closed or an error ends it. The nodes
   * that keep the rows of each table the query reads test every write against the filter pushed to that table and
   * tell this node when a row passing it changed; this node then runs the query again (coalescing bursts) and sends
   * the difference. It also runs it again every third of {@link QuerySettings#WATCH_LEASE}, when it renews the watches,
   * so that a missed notice delays a change by at most that long. Any query can be watched: joins, aggregates, ORDER
   * BY; each run costs what the query costs.
   *
   * <p>{@code listener} is called on a thread of the query module's pool, one event at a time and in order; it should
   * return quickly (a slow listener delays the next run, not the notices).
   *
   * @throws QueryException UNAVAILABLE when this node runs its most live queries already (64)
   */
  SqlWatch watch(String sql, Consumer<WatchEvent> listener, Object... params);

  /** As {@link #watch(String, Consumer, Object...)}, with options for each run (timeout, partial answers, caps). */
  SqlWatch watch(SqlOptions options, String sql, Consumer<WatchEvent> listener, Object... params);

  /** The tables this node knows, by name. */
  SortedMap<String, TableDefinition> tables();

  /** The indexes on {@code table}; empty for a table that does not exist. */
  List<IndexDefinition> indexes(String table);

  /** This node's query counters since it started (also {@code GET /v1/sql/stats}). */
  QueryStats stats();
}
