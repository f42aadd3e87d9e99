package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.CoreSettings;
import dev.weft.api.WeftException;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.pht.Pht;
import dev.weft.query.QuerySettings;
import dev.weft.query.Sql;
import dev.weft.query.SqlOptions;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.Tables;
import dev.weft.query.jdbc.EmbeddedNodes;
import dev.weft.query.remote.JdbcEndpoint;
import dev.weft.schema.Schema;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code query} plugin: the DHT channel {@code sql} (scans handed down the tree, their pages, writes to row
 * keepers) and the data layer ({@link DhtTables}) the SQL layer runs on.
 */
final class QueryPlugin implements Plugin {
  private final Dht.Registration registration;
  /** The scans' worker threads; null when the plugin works on the node's scheduler (QueryProvider#onScheduler). */
  private final ExecutorService pool;
  private final boolean onScheduler;
  private final Counters counters = new Counters();
  private final Settling settling;
  private final ScanServer server;
  private final ScanOrigin origin;
  private final RowKeeper keeper;
  private final DhtTables tables;
  private final RowWriter writer;
  private final Dht dht;
  private final SqlService sql;
  private final AutoCloseable driverName;
  private final JdbcEndpoint jdbc;
  private final Reclaimer reclaimer;
  private final Watches watches;
  private final LiveQueries live;
  private final Rehashing rehashing;
  private final RehashJoins joins;

  QueryPlugin(PluginContext ctx, boolean onScheduler) {
    Schema schema = ctx.service(Schema.class).orElseThrow(
        () -> new WeftException("the query plugin needs the schema plugin"));
    Dht dht = ctx.dht();
    this.dht = dht;
    this.onScheduler = onScheduler;
    this.settling = new Settling(ctx.scheduler(), dht.handOffInterval());
    this.pool = onScheduler ? null : Executors.newCachedThreadPool(daemons("weft-query-"));
    Executor workers = onScheduler ? ctx.scheduler()::execute : pool;
    ScanOrigin[] self = new ScanOrigin[1];
    ScanServer.Pages pages = (to, page, part) -> !part && to.id().equals(dht.self().id()) ? self[0].onRows(page)
        : dht.request(to, Wire.CHANNEL, page.toJson(part ? "part" : "rows"))
            .thenApply(a -> a.path("more").asBoolean(false));
    int pageBytes = (int) (long) ctx.config().get(QuerySettings.PAGE_BYTES);
    JoinBuffers joinRows = new JoinBuffers(ctx.scheduler(), ctx.config().get(QuerySettings.JOIN_BUFFER_BYTES), counters);
    this.rehashing = new Rehashing(dht, joinRows, (to, batch) -> dht.request(to, Wire.CHANNEL, batch),
        ctx.scheduler(), workers, counters, pageBytes);
    this.server = new ScanServer(dht, ctx.node().storage(), ctx.scheduler(), workers, pages, counters, settling,
        pageBytes, ctx.config().get(QuerySettings.SCANS_PER_ORIGIN), joinRows, rehashing);
    this.origin = new ScanOrigin(dht, server, counters, workers, ctx.scheduler());
    self[0] = origin;
    Pht pht = ctx.service(Pht.class).orElseThrow(() -> new WeftException("the query plugin needs the pht plugin"));
    IndexEntries indexes = new IndexEntries(pht, ctx.node().storage());
    DhtTables[] built = new DhtTables[1];
    DhtCatalog catalog = new DhtCatalog(schema, ctx.config().get(QuerySettings.DDL_SETTLE),
        (index, context) -> built[0].build(index, context));
    LiveQueries[] live = new LiveQueries[1];
    // A keeper that is itself the watching node tells its own live queries: the channel does not carry requests to
    // the node that sends them.
    Watches watches = new Watches(dht, ctx.scheduler(), counters, (to, notice) -> to.id().equals(dht.self().id())
        ? live[0].onChanged(notice) : dht.request(to, Wire.CHANNEL, notice));
    this.watches = watches;
    this.keeper = new RowKeeper(ctx.node().storage(), counters, catalog, indexes, watches);
    this.writer = new RowWriter(dht, keeper, origin, ctx.config().get(QuerySettings.WRITE_WINDOW),
        ctx.config().get(CoreSettings.MAX_VALUE_BYTES));
    this.joins = new RehashJoins(origin, ctx.scheduler());
    this.tables = new DhtTables(catalog, ctx.node().storage(), origin, writer, indexes, joins,
        ctx.config().get(QuerySettings.REHASH_JOIN_ROWS));
    built[0] = tables;
    this.sql = new SqlService(tables, new SqlOptions(ctx.config().get(QuerySettings.TIMEOUT), false,
        ctx.config().get(QuerySettings.MAX_ROWS)), ctx.config().get(QuerySettings.MAX_BYTES), counters,
        (pool, runner) -> live[0] = new LiveQueries(dht, watches, ctx.scheduler(), pool, runner, counters,
            ctx.config().get(QuerySettings.WATCH_LEASE)));
    this.live = live[0];
    this.registration = dht.handle(Wire.CHANNEL, this::onRequest);
    // jdbc:weft:node=<this node's id in hex> reaches this node's tables from JDBC code in the same process.
    // Connections of this node start from its limits, as Sql.of's statements do.
    Properties limits = sql.connectionDefaults();
    this.driverName = EmbeddedNodes.register(dht.self().id().toHex(), tables, limits);
    this.jdbc = new JdbcEndpoint(tables, limits, ctx.config().get(QuerySettings.JDBC_CONNECTIONS));
    this.reclaimer = new Reclaimer(schema, dht, pht, ctx.node().storage(), ctx.scheduler(), counters,
        ctx.config().get(QuerySettings.RECLAIM_INTERVAL));
  }

  @Override
  public <T> Optional<T> service(Class<T> type) {
    if (type == Sql.class) {
      return Optional.of(type.cast(sql));
    }
    if (type == JdbcEndpoint.class) {
      return Optional.of(type.cast(jdbc));
    }
    if (type == Scans.class && onScheduler) {
      return Optional.of(type.cast(new Scans() {
        @Override
        public CompletableFuture<Result> scan(ScanSpec spec, Duration timeout) {
          return origin.scanAsync(spec, timeout);
        }

        @Override
        public CompletableFuture<Result> join(JoinSpec join, Duration timeout) {
          return joins.run(join, timeout.toNanos(), Long.MAX_VALUE, Long.MAX_VALUE);
        }
      }));
    }
    return type == Tables.class ? Optional.of(type.cast(tables)) : Optional.empty();
  }

  @Override
  public void onJoined() {
    settling.joined();
  }

  private CompletableFuture<JsonNode> onRequest(Contact from, JsonNode body) {
    try {
      return switch (Wire.type(body)) {
        case "scan" -> server.onScan(from, Wire.Scan.fromJson(body));
        case "rows" -> origin.onRowsMessage(body);
        case "part" -> server.onPart(body);
        case "rehash" -> rehashing.onBatch(body);
        case "watch" -> watches.onWatch(body);
        case "unwatch" -> watches.onUnwatch(body);
        case "changed" -> live.onChanged(body);
        case "write" -> keeper.onWrite(body, (to, m) -> dht.request(to, Wire.CHANNEL, m));
        case "written" -> writer.onWritten(body);
        default -> throw new IllegalArgumentException("unknown message type " + Wire.type(body));
      };
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The data layer of this node. */
  Tables tables() {
    return tables;
  }

  Counters counters() {
    return counters;
  }

  @Override
  public void close() {
    reclaimer.close();
    registration.close();
    try {
      driverName.close();
    } catch (Exception e) {
      // the name goes with the node either way
    }
    jdbc.close();
    sql.close();
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
