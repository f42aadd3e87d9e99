package dev.weft.query.calcite;

import dev.weft.query.Coverage;
import dev.weft.query.data.Tables;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.schema.SchemaPlus;

/**
 * What weft's JDBC driver needs from its Calcite layer: the prepare step, the connection properties, attaching a
 * node's tables to a new connection, and a statement's coverage. Everything else in this package is package-private.
 * Stateless and thread-safe.
 */
public final class WeftCalcite {
  private WeftCalcite() {}

  /** Makes weft's prepare step, one per statement prepared (Calcite's driver takes it at construction). */
  public static Supplier<CalcitePrepare> prepareFactory() {
    return WeftPrepare::new;
  }

  /** {@code info} plus the settings every weft connection runs with (parser, identifiers, type system). */
  public static Properties connectionProperties(Properties info) {
    return ConnectionSettings.withDefaults(info);
  }

  /**
   * Gives {@code connection} the tables of {@code tables} as its default schema, with the statement limits of its
   * properties ({@code timeout}, {@code allowPartial}, {@code maxRows}, {@code maxBytes}).
   *
   * @throws SQLException when a limit's property is not a valid value
   */
  public static void attach(CalciteConnection connection, Tables tables) throws SQLException {
    StatementLimits limits;
    try {
      limits = StatementLimits.from(connection.getProperties());
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), "08001", e);
    }
    SchemaPlus schema = connection.getRootSchema().add(WeftSchema.NAME,
        new WeftSchema(tables, new StatementContexts(limits)));
    schema.setCacheEnabled(false);
    connection.setSchema(WeftSchema.NAME);
  }

  /**
   * The coverage of the latest execution of {@code statement} (a statement of a connection {@link #attach} prepared):
   * final once the statement finished or its result set was read to the end; LOCAL when it read no table.
   */
  public static Coverage coverage(Statement statement) throws SQLException {
    CalciteConnection c = statement.getConnection().unwrap(CalciteConnection.class);
    SchemaPlus s = c.getRootSchema().subSchemas().get(WeftSchema.NAME);
    WeftSchema weft = s == null ? null : s.unwrap(WeftSchema.class);
    if (weft == null) {
      throw new SQLException("not a statement of a weft connection");
    }
    return weft.contexts.coverage(CancelFlags.of(statement));
  }
}
