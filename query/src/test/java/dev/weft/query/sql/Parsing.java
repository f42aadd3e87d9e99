package dev.weft.query.sql;

import dev.weft.query.sql.parser.WeftSqlParserImpl;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/** weft's parser as the query layer configures it: PostgreSQL's identifiers (unquoted folded to lower case). */
public final class Parsing {
  private Parsing() {}

  /** One statement. */
  public static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, SqlParser.config()
        .withParserFactory(WeftSqlParserImpl.FACTORY)
        .withQuoting(Quoting.DOUBLE_QUOTE)
        .withUnquotedCasing(Casing.TO_LOWER)
        .withQuotedCasing(Casing.UNCHANGED)
        .withCaseSensitive(true)).parseStmt();
  }
}
