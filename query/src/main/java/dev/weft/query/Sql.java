package dev.weft.query;

import dev.weft.api.Node;
import dev.weft.api.WeftException;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

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

  /** The tables this node knows, by name. */
  SortedMap<String, TableDefinition> tables();

  /** The indexes on {@code table}; empty for a table that does not exist. */
  List<IndexDefinition> indexes(String table);

  /** This node's query counters since it started (also {@code GET /v1/sql/stats}). */
  QueryStats stats();
}
