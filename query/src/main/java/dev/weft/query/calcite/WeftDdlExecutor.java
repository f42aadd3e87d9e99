package dev.weft.query.calcite;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.Ddl;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Catalog;
import dev.weft.query.data.QueryContext;
import dev.weft.query.sql.SqlCreateIndex;
import dev.weft.query.sql.SqlDropIndex;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlDropTable;

/**
 * Runs weft's DDL against the catalog of the connection's {@link WeftSchema}: CREATE TABLE (with a fresh random
 * incarnation), DROP TABLE [IF EXISTS] [CASCADE] (indexes go with the table), CREATE [UNIQUE] INDEX [IF NOT EXISTS],
 * DROP INDEX [IF EXISTS]. Calcite calls it while the statement is prepared, on the statement's thread. What the
 * catalog refuses fails with its {@link QueryException}; a declaration weft does not hold with {@code INVALID}.
 */
final class WeftDdlExecutor implements DdlExecutor {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void executeDdl(CalcitePrepare.Context context, SqlNode node) {
    WeftSchema schema = WeftSchema.of(context.getRootSchema());
    Catalog catalog = schema.tables.catalog();
    QueryContext query = schema.contexts.forDdl();
    try {
      if (node instanceof SqlCreateTable c) {
        if (c.getReplace()) {
          throw new IllegalArgumentException("CREATE OR REPLACE TABLE is not supported: DROP the table first");
        }
        catalog.createTable(Ddl.createTable(c, incarnation()), c.ifNotExists, query);
      } else if (node instanceof SqlDropTable d) {
        catalog.dropTable(simple(d.name), d.ifExists, query);
      } else if (node instanceof SqlCreateIndex c) {
        String on = simple(c.table());
        TableDefinition table = catalog.table(on).orElseThrow(() -> new QueryException(
            QueryException.Reason.INVALID, "cannot create index " + c.name() + ": no table " + on));
        IndexDefinition index = Ddl.createIndex(c, table, incarnation());
        catalog.createIndex(index, c.ifNotExists, query);
      } else if (node instanceof SqlDropIndex d) {
        catalog.dropIndex(simple(d.name()), d.ifExists, query);
      } else {
        throw new QueryException(QueryException.Reason.INVALID, node.getKind() + " is not supported");
      }
    } catch (IllegalArgumentException e) {
      throw new QueryException(QueryException.Reason.INVALID, e.getMessage(), e);
    }
  }

  private static String simple(SqlIdentifier id) {
    if (!id.isSimple()) {
      throw new IllegalArgumentException(id + ": qualified names are not supported");
    }
    return id.getSimple();
  }

  /** A new table incarnation or index id: 128 random bits, as TableDefinition and IndexDefinition want them. */
  private static String incarnation() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }
}
