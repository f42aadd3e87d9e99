package dev.weft.query.internal;

import dev.weft.query.SqlOptions;
import dev.weft.query.data.Tables;
import dev.weft.query.jdbc.WeftDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Idle {@code jdbc:weft:} connections of one node, by statement options (a connection carries its limits as
 * properties), each with its prepared statements by SQL text: opening a connection costs most of a second and planning
 * a statement tens of milliseconds, while a prepared one runs again in microseconds (docs/query.md). A connection
 * serves one statement at a time. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
  /** Idle connections kept per options. */
  private static final int IDLE = 8;
  /** Prepared statements kept per connection. */
  private static final int PREPARED = 256;

  private final Tables tables;
  private final SqlOptions defaults;
  private final long maxBytes;
  private final Map<SqlOptions, Deque<Pooled>> idle = new HashMap<>();
  private boolean closed;

  ConnectionPool(Tables tables, SqlOptions defaults, long maxBytes) {
    this.tables = tables;
    this.defaults = defaults;
    this.maxBytes = maxBytes;
  }

  /** A connection and its statements. */
  static final class Pooled {
    final SqlOptions options;
    final Connection connection;
    private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
        if (size() <= PREPARED) {
          return false;
        }
        try {
          eldest.getValue().close();
        } catch (SQLException e) {
          // dropping it anyway
        }
        return true;
      }
    };

    Pooled(SqlOptions options, Connection connection) {
      this.options = options;
      this.connection = connection;
    }

    /** The statement prepared for {@code sql} on this connection, prepared now if new. */
    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement p = prepared.get(sql);
      if (p == null || p.isClosed()) {
        p = connection.prepareStatement(sql);
        prepared.put(sql, p);
      }
      return p;
    }
  }

  /** An idle connection for {@code options}, or a new one. */
  Pooled take(SqlOptions options) throws SQLException {
    synchronized (this) {
      if (closed) {
        throw new SQLException("the node is closed");
      }
      Deque<Pooled> q = idle.get(options);
      if (q != null && !q.isEmpty()) {
        return q.pop();
      }
    }
    return new Pooled(options, WeftDriver.connect(tables, properties(options)));
  }

  /** Gives a connection back after a statement; {@code broken}: close it instead. */
  void give(Pooled p, boolean broken) {
    synchronized (this) {
      if (!broken && !closed) {
        Deque<Pooled> q = idle.computeIfAbsent(p.options, o -> new ArrayDeque<>());
        if (q.size() < IDLE) {
          q.push(p);
          return;
        }
      }
    }
    closeQuietly(p);
  }

  /** The connection properties of a statement with options {@code o}: its limits, or the node's where it has none. */
  Properties properties(SqlOptions o) {
    Properties p = new Properties();
    p.setProperty("timeout", Long.toString((o.timeout() != null ? o.timeout() : defaults.timeout()).toMillis()));
    p.setProperty("allowPartial", Boolean.toString(o.allowPartial()));
    p.setProperty("maxRows", Long.toString(o.maxRows() > 0 ? o.maxRows() : defaults.maxRows()));
    p.setProperty("maxBytes", Long.toString(maxBytes));
    return p;
  }

  @Override
  public void close() {
    Map<SqlOptions, Deque<Pooled>> all;
    synchronized (this) {
      closed = true;
      all = new HashMap<>(idle);
      idle.clear();
    }
    all.values().forEach(q -> q.forEach(ConnectionPool::closeQuietly));
  }

  private static void closeQuietly(Pooled p) {
    try {
      p.connection.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
