package dev.weft.query.jdbc;

import dev.weft.query.Coverage;
import dev.weft.query.calcite.WeftCalcite;
import dev.weft.query.data.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.Driver;

/**
 * weft's JDBC driver, {@code jdbc:weft:node=<name>}: SQL over the tables of a node running in this JVM, as the query
 * plugin {@linkplain #register registers} it. Calcite's driver underneath, with weft's parser (PostgreSQL's identifiers,
 * weft's DDL), planner rules and type system.
 *
 * <p>Connection properties (also in the URL, {@code ;}-separated): {@code node}; per statement {@code timeout}
 * (milliseconds, default 30000; {@code Statement.setQueryTimeout} overrides it), {@code allowPartial} (default false),
 * {@code maxRows} and {@code maxBytes} (most rows and bytes one scan may bring to the node). {@link #coverage} tells
 * how complete a statement's answer was.
 *
 * <p>Errors: an {@link java.sql.SQLException} whose cause chain holds the {@link dev.weft.query.QueryException} (its
 * reason) or Calcite's parse or validation error (its line and column).
 *
 * <p>A connection serves one thread at a time; use one connection per running statement.
 */
public final class WeftDriver extends Driver {
  /** The prefix of weft's JDBC URLs. */
  public static final String PREFIX = "jdbc:weft:";

  private static final WeftDriver INSTANCE = new WeftDriver();

  static {
    INSTANCE.register();
  }

  /** Called by {@link java.sql.DriverManager} through {@code META-INF/services/java.sql.Driver}. */
  public WeftDriver() {
    super(WeftCalcite.prepareFactory());
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  /**
   * Makes {@code tables} reachable as {@code jdbc:weft:node=<name>} until the returned handle is closed.
   *
   * @throws IllegalStateException when another node has that name
   */
  public static AutoCloseable register(String name, Tables tables) {
    return EmbeddedNodes.register(name, tables);
  }

  /** A connection over {@code tables}, for callers in this JVM that hold them; {@code info} as for a URL. */
  public static Connection connect(Tables tables, Properties info) throws SQLException {
    Objects.requireNonNull(tables, "tables");
    return INSTANCE.open(PREFIX, info, tables);
  }

  /**
   * How complete the answer of {@code statement}'s latest execution was (final once it finished or its result set was
   * read to the end); {@link Coverage#LOCAL} for a statement that read no table.
   */
  public static Coverage coverage(Statement statement) throws SQLException {
    return WeftCalcite.coverage(statement);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties props = info == null ? new Properties() : info;
    return open(url, props, null);
  }

  private Connection open(String url, Properties info, Tables given) throws SQLException {
    Tables tables = given;
    Properties props = new Properties();
    if (tables == null) {
      Properties asked = new Properties();
      if (info != null) {
        asked.putAll(info);
      }
      String node = ConnectStringParser.parse(url.substring(PREFIX.length()), asked).getProperty("node");
      if (node == null) {
        throw new SQLException("the URL names no node: use jdbc:weft:node=<name>", "08001");
      }
      EmbeddedNodes.Registered registered = EmbeddedNodes.get(node);
      if (registered == null) {
        throw new SQLException("no weft node named " + node + " runs in this JVM (known: " + EmbeddedNodes.names() + ")",
            "08001");
      }
      tables = registered.tables();
      props.putAll(registered.defaults());  // the node's limits, under what the caller and the URL say
    }
    if (info != null) {
      props.putAll(info);
    }
    Connection c = super.connect(url, WeftCalcite.connectionProperties(props));
    try {
      WeftCalcite.attach(c.unwrap(CalciteConnection.class), tables);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }
}
