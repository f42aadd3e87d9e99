package dev.weft.query.calcite;

import java.util.Properties;

/**
 * The Calcite connection properties every weft connection runs with: weft's parser (Calcite's grammar plus weft's DDL),
 * PostgreSQL's identifiers (unquoted folded to lower case, double-quoted kept exactly, compared case-sensitively), the
 * lenient conformance (PostgreSQL's {@code %} and {@code !=}) and {@link WeftTypeSystem}. A caller's own value for one of these is overridden: the catalog stores names folded this
 * way, so another casing would not find them.
 */
final class ConnectionSettings {
  private ConnectionSettings() {}

  /** {@code info} (not changed) plus weft's settings. */
  static Properties withDefaults(Properties info) {
    Properties p = new Properties();
    p.putAll(info);
    p.setProperty("parserFactory", "dev.weft.query.sql.parser.WeftSqlParserImpl#FACTORY");
    p.setProperty("typeSystem", WeftTypeSystem.class.getName() + "#INSTANCE");
    p.setProperty("quoting", "DOUBLE_QUOTE");
    p.setProperty("unquotedCasing", "TO_LOWER");
    p.setProperty("quotedCasing", "UNCHANGED");
    p.setProperty("caseSensitive", "true");
    // PostgreSQL's operators and forms that Calcite's default conformance refuses: a % b, a != b, GROUP BY 1 or an
    // output alias, and branches of CASE/UNION of different lengths typed VARCHAR rather than blank-padded CHAR.
    p.setProperty("conformance", "LENIENT");
    return p;
  }
}
