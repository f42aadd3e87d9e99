package dev.weft.query.internal;

import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryStats;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.Sql;
import dev.weft.query.SqlOptions;
import dev.weft.query.SqlResult;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Tables;
import dev.weft.query.jdbc.WeftDriver;
import dev.weft.query.sql.parser.WeftSqlParserImpl;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import dev.weft.query.SqlWatch;
import dev.weft.query.WatchEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * {@link Sql} on this node: each statement on a thread of the plugin's statement pool, through a pooled {@code
 * jdbc:weft:} connection (the same path as JDBC users take), its rows read whole and its errors turned into {@link
 * QueryException}s with a reason.
 */
final class SqlService implements Sql, AutoCloseable {
  private final Tables tables;
  private final ConnectionPool pool;
  private final Counters counters;
  private final SqlOptions defaults;
  private final ExecutorService statements = Executors.newCachedThreadPool(QueryPlugin.daemons("weft-sql-"));
  private final LiveQueries live;

  /**
   * @param live makes the service's live queries, given the pool they run on and how they run a statement
   */
  SqlService(Tables tables, SqlOptions defaults, long maxBytes, Counters counters,
      BiFunction<Executor, LiveQueries.Runner, LiveQueries> live) {
    this.tables = tables;
    this.defaults = defaults;
    this.counters = counters;
    this.pool = new ConnectionPool(tables, defaults, maxBytes);
    this.live = live.apply(statements, (options, sql, params, scans) -> {
      counters.statements.incrementAndGet();
      try {
        return ScanLog.recording(scans, () -> run(options, sql, params, true));
      } catch (RuntimeException e) {
        counters.failedStatements.incrementAndGet();
        throw e;
      }
    });
  }

  @Override
  public SqlWatch watch(String sql, Consumer<WatchEvent> listener, Object... params) {
    return watch(SqlOptions.DEFAULTS, sql, listener, params);
  }

  @Override
  public SqlWatch watch(SqlOptions options, String sql, Consumer<WatchEvent> listener, Object... params) {
    return live.watch(options, sql, params, listener);
  }

  /** The properties a JDBC connection to this node starts from: the node's limits, as this service's statements have. */
  Properties connectionDefaults() {
    return pool.properties(SqlOptions.DEFAULTS);
  }

  @Override
  public CompletableFuture<SqlResult> execute(String sql, Object... params) {
    return execute(SqlOptions.DEFAULTS, sql, params);
  }

  @Override
  public CompletableFuture<SqlResult> query(String sql, Object... params) {
    return submit(SqlOptions.DEFAULTS, sql, params, true);
  }

  @Override
  public CompletableFuture<SqlResult> execute(SqlOptions options, String sql, Object... params) {
    return submit(options, sql, params, false);
  }

  private CompletableFuture<SqlResult> submit(SqlOptions options, String sql, Object[] params, boolean queryOnly) {
    if (sql == null || options == null || params == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("sql, options and params must not be null"));
    }
    Object[] copy = params.clone();
    return CompletableFuture.supplyAsync(() -> {
      counters.statements.incrementAndGet();
      try {
        return run(options, sql, copy, queryOnly);
      } catch (RuntimeException e) {
        counters.failedStatements.incrementAndGet();
        throw e;
      }
    }, statements);
  }

  private SqlResult run(SqlOptions options, String sql, Object[] params, boolean queryOnly) {
    SqlKind kind = kind(sql);
    if (queryOnly && !kind.belongsTo(SqlKind.QUERY)) {
      throw new QueryException(Reason.INVALID, "not a query: " + kind.sql + " (use execute)");
    }
    ConnectionPool.Pooled c;
    try {
      c = pool.take(options);
    } catch (SQLException e) {
      throw translate(e);
    }
    boolean broken = true;
    try {
      SqlResult r = kind.belongsTo(SqlKind.DDL) ? ddl(c, sql, params) : prepared(c, sql, params, options);
      broken = false;
      return r;
    } catch (SQLException e) {
      broken = false;  // a failed statement leaves its connection usable
      throw translate(e);
    } catch (RuntimeException | ExceptionInInitializerError e) {
      // Calcite folds constant expressions into static fields of the plan's generated class: 1 / 0 fails while the
      // class initialises, as an error whose cause is the ArithmeticException.
      throw translate(e);
    } finally {
      pool.give(c, broken);
    }
  }

  /** DDL runs while a statement is prepared (Calcite), so it is never prepared ahead or kept. */
  private static SqlResult ddl(ConnectionPool.Pooled c, String sql, Object[] params) throws SQLException {
    if (params.length > 0) {
      throw new QueryException(Reason.INVALID, "DDL takes no parameters");
    }
    try (Statement s = c.connection.createStatement()) {
      s.execute(sql);
      return new SqlResult(List.of(), List.of(), 0, Coverage.LOCAL);
    }
  }

  private SqlResult prepared(ConnectionPool.Pooled c, String sql, Object[] params, SqlOptions options)
      throws SQLException {
    PreparedStatement p = c.prepare(sql);
    p.clearParameters();
    for (int i = 0; i < params.length; i++) {
      p.setObject(i + 1, jdbcValue(params[i]));
    }
    long maxRows = options.maxRows() > 0 ? options.maxRows() : defaults.maxRows();
    if (!p.execute()) {
      long updated = p.getLargeUpdateCount();
      return new SqlResult(List.of(), List.of(), Math.max(0, updated), coverage(p));
    }
    try (ResultSet rs = p.getResultSet()) {
      ResultSetMetaData md = rs.getMetaData();
      List<SqlResult.ColumnInfo> columns = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(new SqlResult.ColumnInfo(md.getColumnLabel(i), typeName(md, i),
            md.isNullable(i) != ResultSetMetaData.columnNoNulls));
      }
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        if (rows.size() >= maxRows) {
          throw new QueryException(Reason.TOO_LARGE, "the answer has more than " + maxRows + " rows (weft.query"
              + ".max-rows, or the statement's maxRows); add a LIMIT or a narrower WHERE");
        }
        List<Object> row = new ArrayList<>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          row.add(apiValue(rs.getObject(i)));
        }
        rows.add(row);
      }
      return new SqlResult(columns, rows, -1, coverage(p));
    }
  }

  private static Coverage coverage(Statement s) throws SQLException {
    Coverage c = WeftDriver.coverage(s);
    return c == null ? Coverage.LOCAL : c;
  }

  private static String typeName(ResultSetMetaData md, int i) throws SQLException {
    String name = md.getColumnTypeName(i);
    int precision = md.getPrecision(i);
    int scale = md.getScale(i);
    if ("DECIMAL".equals(name) && precision > 0) {
      return "DECIMAL(" + precision + ", " + scale + ")";
    }
    return name;
  }

  private static Object jdbcValue(Object v) {
    if (v instanceof LocalDate d) {
      return Date.valueOf(d);
    }
    if (v instanceof LocalDateTime t) {
      return Timestamp.valueOf(t);
    }
    if (v == null || v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Float
        || v instanceof BigDecimal || v instanceof String || v instanceof Boolean || v instanceof Short) {
      return v;
    }
    throw new QueryException(Reason.INVALID, "a parameter of type " + v.getClass().getName() + " is not supported;"
        + " use Integer, Long, Double, BigDecimal, String, Boolean, LocalDate, LocalDateTime or null");
  }

  private static Object apiValue(Object v) {
    if (v instanceof Date d) {
      return d.toLocalDate();
    }
    if (v instanceof Timestamp t) {
      return t.toLocalDateTime();
    }
    return v;
  }

  /** The statement's kind, from weft's parser; a syntax error fails here with its line and column. */
  private static SqlKind kind(String sql) {
    try {
      SqlNode node = SqlParser.create(sql, SqlParser.config().withParserFactory(WeftSqlParserImpl.FACTORY)
          .withConformance(SqlConformanceEnum.LENIENT))
          .parseStmt();
      return node.getKind();
    } catch (SqlParseException e) {
      throw syntax(e);
    }
  }

  private static QueryException syntax(SqlParseException e) {
    String where = e.getPos() == null ? "" : " at line " + e.getPos().getLineNum() + ", column "
        + e.getPos().getColumnNum();
    String first = e.getMessage() == null ? "syntax error" : e.getMessage().lines().findFirst().orElse("");
    return new QueryException(Reason.INVALID, "syntax error" + where + ": " + first, e);
  }

  /** The reason-carrying exception of a failed statement, from whatever Calcite or the driver threw. */
  static QueryException translate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof QueryException q) {
        return q;
      }
      if (t instanceof SqlParseException p) {
        return syntax(p);
      }
      if (t instanceof CalciteContextException v) {
        return new QueryException(Reason.INVALID, v.getMessage(), e);
      }
      if (t instanceof ArithmeticException a) {
        String m = a.getMessage() == null ? "arithmetic error" : a.getMessage().toLowerCase(Locale.ROOT);
        m = m.contains("by zero") ? "division by zero" : m;
        return new QueryException(Reason.INVALID, m, e);
      }
    }
    return new QueryException(Reason.INVALID, e.getMessage() == null ? e.toString() : e.getMessage(), e);
  }

  @Override
  public QueryStats stats() {
    return counters.snapshot();
  }

  @Override
  public SortedMap<String, TableDefinition> tables() {
    return tables.catalog().tables();
  }

  @Override
  public List<IndexDefinition> indexes(String table) {
    return tables.catalog().table(table).map(t -> tables.catalog().indexesOf(t)).orElse(List.of());
  }

  @Override
  public void close() {
    live.closeAll();
    statements.shutdownNow();
    pool.close();
  }
}
