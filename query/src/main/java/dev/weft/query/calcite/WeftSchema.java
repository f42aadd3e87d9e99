package dev.weft.query.calcite;

import dev.weft.query.QueryException;
import dev.weft.query.data.Tables;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The tables of the network as one connection sees them: read from {@link Tables#catalog()} at each lookup (the
 * connection adds it with Calcite's schema cache off), so tables created or dropped anywhere appear and disappear
 * without reconnecting. Holds the connection's {@link StatementContexts}. Thread-safe.
 */
final class WeftSchema extends AbstractSchema {
  /** The schema's name in a connection's root schema, and the connection's default schema. */
  static final String NAME = "weft";

  final Tables tables;
  final StatementContexts contexts;

  WeftSchema(Tables tables, StatementContexts contexts) {
    this.tables = tables;
    this.contexts = contexts;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    Map<String, Table> out = new LinkedHashMap<>();
    tables.catalog().tables().forEach((name, definition) -> out.put(name, new WeftTable(definition, tables,
        contexts)));
    return out;
  }

  /** The weft schema of the connection whose root schema is {@code root}. */
  static WeftSchema of(CalciteSchema root) {
    CalciteSchema s = root.getSubSchema(NAME, true);
    if (s == null || !(s.schema instanceof WeftSchema w)) {
      throw new QueryException(QueryException.Reason.INVALID, "this connection has no weft schema: open it with"
          + " jdbc:weft:");
    }
    return w;
  }
}
