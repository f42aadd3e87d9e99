package dev.weft.query.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.weft.query.data.Tables;
import dev.weft.query.jdbc.WeftDriver;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.JsonHandler;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service;

/**
 * This node's tables for JDBC clients elsewhere: Avatica's JSON protocol ({@code POST /v1/jdbc}), served by Avatica's
 * {@link JdbcMeta} over {@code jdbc:weft:} connections to this node — one per client connection, at most {@code
 * weft.query.jdbc-connections}, the least recently used closed past that and idle ones after ten minutes. Clients use
 * Avatica's remote driver ({@code jdbc:avatica:remote:url=http://HOST:PORT/v1/jdbc;serialization=JSON}).
 *
 * <p>The query plugin makes one per node, as the service {@code JdbcEndpoint.class}; {@link JdbcRoutes} calls it from
 * server threads. Statements run on threads of its own, since Avatica's handler blocks until a statement is done: at
 * most one per connection it may hold, further requests queued.
 *
 * <p>Public for the plugin's wiring; not API.
 */
public final class JdbcEndpoint implements AutoCloseable {
  /** Idle client connections are closed after this. */
  static final Duration IDLE = Duration.ofMinutes(10);

  private final Tables tables;
  private final Properties defaults;
  private final int maxConnections;
  private final ExecutorService threads;
  private NodeMeta meta;
  private JsonHandler handler;
  private boolean closed;

  /**
   * @param defaults the properties a client's connection starts from (the node's limits); the client's own override
   *     them
   */
  public JdbcEndpoint(Tables tables, Properties defaults, int maxConnections) {
    this.tables = tables;
    this.defaults = new Properties();
    this.defaults.putAll(defaults);
    this.maxConnections = maxConnections;
    AtomicInteger n = new AtomicInteger();
    // As many threads as connections may run statements at once; more requests wait their turn.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConnections, maxConnections, 1, TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "weft-jdbc-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.threads = pool;
  }

  /**
   * Answers one Avatica request (JSON text) with Avatica's response, an error response included, never a failed
   * future: an answer later than {@code within} is an error response saying so (the statement may still finish).
   */
  CompletableFuture<String> handle(String request, Duration within) {
    CompletableFuture<String> answer;
    try {
      JsonHandler h = handler();
      answer = CompletableFuture.supplyAsync(() -> h.apply(request).getResponse(), threads);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(error("weft: " + e.getMessage()));
    }
    return answer.completeOnTimeout(error("weft: no answer within " + within.toMillis() + " ms, the node's API time"
        + " limit; the statement may still finish (weft.api.request-timeout)"), within.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Avatica's handler, made on the first request: most nodes never serve JDBC. */
  private synchronized JsonHandler handler() {
    if (closed) {
      throw new IllegalStateException("the node is closing");
    }
    if (handler == null) {
      Properties caches = new Properties();
      caches.setProperty(JdbcMeta.ConnectionCacheSettings.MAX_CAPACITY.key(), Integer.toString(maxConnections));
      caches.setProperty(JdbcMeta.ConnectionCacheSettings.EXPIRY_DURATION.key(), Long.toString(IDLE.toMinutes()));
      caches.setProperty(JdbcMeta.ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.MINUTES.name());
      caches.setProperty(JdbcMeta.StatementCacheSettings.MAX_CAPACITY.key(), Integer.toString(maxConnections * 32));
      caches.setProperty(JdbcMeta.StatementCacheSettings.EXPIRY_DURATION.key(), Long.toString(IDLE.toMinutes()));
      caches.setProperty(JdbcMeta.StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.MINUTES.name());
      try {
        meta = new NodeMeta(tables, defaults, caches);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot serve JDBC: " + e.getMessage(), e);
      }
      handler = new JsonHandler(new LocalService(meta), NoopMetricsSystem.getInstance());
    }
    return handler;
  }

  private static String error(String message) {
    Service.ErrorResponse e = new Service.ErrorResponse(List.of(), message, Service.ErrorResponse.UNKNOWN_ERROR_CODE,
        Service.ErrorResponse.UNKNOWN_SQL_STATE, AvaticaSeverity.ERROR, null);
    try {
      return JsonService.MAPPER.writeValueAsString(e);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }

  @Override
  public void close() {
    NodeMeta m;
    synchronized (this) {
      closed = true;
      m = meta;
    }
    if (m != null) {
      m.closeAll();
    }
    threads.shutdownNow();
  }

  /** Avatica's JDBC bridge, with connections to this node's tables whatever a client asks for. */
  private static final class NodeMeta extends JdbcMeta {
    private final Tables tables;
    private final Properties defaults;

    NodeMeta(Tables tables, Properties defaults, Properties caches) throws SQLException {
      super(WeftDriver.PREFIX, caches);
      this.tables = tables;
      this.defaults = defaults;
    }

    @Override
    protected Connection createConnection(String url, Properties info) throws SQLException {
      // The cache settings are the meta's, not a connection's.
      Properties own = new Properties();
      own.putAll(defaults);
      info.stringPropertyNames().stream().filter(k -> !k.startsWith("avatica."))
          .forEach(k -> own.setProperty(k, info.getProperty(k)));
      return WeftDriver.connect(tables, own);
    }

    void closeAll() {
      getStatementCache().invalidateAll();
      getConnectionCache().invalidateAll();
    }
  }
}
