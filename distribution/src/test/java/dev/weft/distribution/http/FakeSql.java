package dev.weft.distribution.http;

import dev.weft.api.CoreSettings;
import dev.weft.api.Node;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryStats;
import dev.weft.query.Sql;
import dev.weft.query.SqlOptions;
import dev.weft.query.SqlResult;
import dev.weft.query.SqlWatch;
import dev.weft.query.WatchEvent;
import java.util.function.Consumer;
import dev.weft.query.SqlResult.ColumnInfo;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link Sql} that answers fixed shapes by the statement's first word, to pin the HTTP forms and the CLI without
 * the query plugin: {@code SHAPES} (one row of every type), {@code ECHO} (each parameter and its Java class),
 * {@code OPTIONS} (the options it was given), {@code ROWS n} (n rows), {@code PARTIAL} (2 of 3 nodes answered),
 * {@code INSERT} (a count of its parameters) and {@code FAIL <REASON>} (a {@link QueryException} of that reason);
 * anything else is {@code INVALID} with line and column, as a syntax error is. Public: the CLI's tests use it.
 */
public final class FakeSql implements Sql, Plugin {
  /** What a syntax error says; the real layer's messages name line and column too. */
  public static final String SYNTAX_ERROR = "line 1, column 1: unknown statement";

  /** A node alone with this fake as its query plugin (replacing the real one, when present, by name). */
  public static Node start(long seed) {
    return TestNodes.start(seed, Map.of(), b -> b.addPlugin(new Provider()));
  }

  /**
   * A node alone without any query plugin: the real one, once on the class path, is disabled (naming a plugin that is
   * absent there would be refused).
   */
  public static Node startBare(long seed) {
    boolean present = ServiceLoader.load(PluginProvider.class).stream().anyMatch(p -> p.type().getName()
        .startsWith("dev.weft.query."));
    return TestNodes.start(seed, present ? Map.of(CoreSettings.PLUGINS_DISABLED.key(), "query") : Map.of());
  }

  @Override
  public CompletableFuture<SqlResult> execute(String sql, Object... params) {
    return execute(SqlOptions.DEFAULTS, sql, params);
  }

  @Override
  public CompletableFuture<SqlResult> query(String sql, Object... params) {
    return execute(SqlOptions.DEFAULTS, sql, params);
  }

  @Override
  public CompletableFuture<SqlResult> execute(SqlOptions options, String sql, Object... params) {
    try {
      return CompletableFuture.completedFuture(answer(options, sql.strip(), params));
    } catch (QueryException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static SqlResult answer(SqlOptions options, String sql, Object... params) {
    String[] words = sql.split("\\s+");
    Coverage all = new Coverage(3, 3, true);
    switch (words[0].toUpperCase(Locale.ROOT)) {
      case "SHAPES" -> {
        return new SqlResult(List.of(col("i", "INTEGER"), col("b", "BIGINT"), col("d", "DECIMAL(10, 2)"),
            col("f", "DOUBLE"), col("s", "VARCHAR"), col("t", "BOOLEAN"), col("day", "DATE"), col("at", "TIMESTAMP"),
            col("n", "INTEGER")), List.of(Arrays.asList(7, 1L << 40, new BigDecimal("12.50"), 0.25,
            "a \"quoted\", text", true, LocalDate.of(2024, 2, 29),
            LocalDateTime.of(2024, 2, 29, 13, 5, 9, 123_000_000), null)), -1, all);
      }
      case "ECHO" -> {
        List<List<Object>> rows = new ArrayList<>();
        for (Object p : params) {
          rows.add(Arrays.asList(p, p == null ? null : p.getClass().getSimpleName()));
        }
        return new SqlResult(List.of(col("value", "VARCHAR"), col("class", "VARCHAR")), rows, -1, all);
      }
      case "OPTIONS" -> {
        List<Object> row = Arrays.asList(options.timeout() == null ? null : options.timeout().toMillis(),
            options.allowPartial(), options.maxRows());
        return new SqlResult(List.of(col("timeoutMs", "BIGINT"), col("allowPartial", "BOOLEAN"),
            col("maxRows", "BIGINT")), List.of(row), -1, all);
      }
      case "ROWS" -> {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(words[1]); i++) {
          rows.add(List.of(i, "row " + i));
        }
        return new SqlResult(List.of(col("id", "INTEGER"), col("name", "VARCHAR")), rows, -1, all);
      }
      case "PARTIAL" -> {
        return new SqlResult(List.of(col("id", "INTEGER")), List.of(List.of(1)), -1, new Coverage(3, 2, false));
      }
      case "INSERT", "CREATE" -> {
        return new SqlResult(List.of(), List.of(), params.length, Coverage.LOCAL);
      }
      case "FAIL" -> throw new QueryException(QueryException.Reason.valueOf(words[1]), "failed as asked: " + words[1]);
      default -> throw new QueryException(QueryException.Reason.INVALID, SYNTAX_ERROR);
    }
  }

  private static ColumnInfo col(String name, String type) {
    return new ColumnInfo(name, type, true);
  }

  /**
   * Live queries: the answer once, as {@link #execute} gives it (or its error, which ends the watch); {@code ENDING
   * ...} answers as {@code ...} does, then ends with an {@code UNAVAILABLE} error.
   */
  @Override
  public SqlWatch watch(String sql, Consumer<WatchEvent> listener, Object... params) {
    return watch(SqlOptions.DEFAULTS, sql, listener, params);
  }

  @Override
  public SqlWatch watch(SqlOptions options, String sql, Consumer<WatchEvent> listener, Object... params) {
    boolean ending = sql.strip().startsWith("ENDING ");
    try {
      SqlResult r = answer(options, ending ? sql.strip().substring(7) : sql.strip(), params);
      listener.accept(new WatchEvent(WatchEvent.Kind.ANSWER, r.columns(), r.rows(), List.of(), List.of(),
          r.coverage(), null, false));
      if (ending) {
        listener.accept(new WatchEvent(WatchEvent.Kind.ERROR, List.of(), List.of(), List.of(), List.of(),
            Coverage.LOCAL, new QueryException(QueryException.Reason.UNAVAILABLE, "ended as asked"), true));
      }
    } catch (QueryException e) {
      listener.accept(new WatchEvent(WatchEvent.Kind.ERROR, List.of(), List.of(), List.of(), List.of(),
          Coverage.LOCAL, e, true));
    }
    return new SqlWatch() {
      @Override
      public boolean isOpen() {
        return false;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SortedMap<String, TableDefinition> tables() {
    SortedMap<String, TableDefinition> tables = new TreeMap<>();
    tables.put("orders", new TableDefinition("orders", List.of(new Column("id", ColumnType.BIGINT, false, 0, 0),
        new Column("customer", ColumnType.VARCHAR, true, 40, 0), new Column("total", ColumnType.DECIMAL, true, 10, 2)),
        List.of("id"), "0123456789abcdef0123456789abcdef"));
    tables.put("notes", new TableDefinition("notes", List.of(new Column("text", ColumnType.VARCHAR, true, 0, 0)),
        List.of(), "fedcba9876543210fedcba9876543210"));
    return tables;
  }

  @Override
  public List<IndexDefinition> indexes(String table) {
    TableDefinition t = tables().get(table);
    return t == null || !table.equals("orders") ? List.of()
        : List.of(IndexDefinition.on("orders_by_customer", t, List.of("customer"), false,
            "00112233445566778899aabbccddeeff"));
  }

  /** Counters 1, 2, 3, ... in declaration order, so a test sees each field under its name. */
  @Override
  public QueryStats stats() {
    return new QueryStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21);
  }

  @Override
  public void close() {}

  /** Adds the fake by hand, under the real plugin's name. */
  static final class Provider implements PluginProvider {
    @Override
    public String name() {
      return "query";
    }

    @Override
    public Plugin create(PluginContext context) {
      return new FakeSql();
    }
  }
}
