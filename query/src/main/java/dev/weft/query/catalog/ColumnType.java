package dev.weft.query.catalog;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The column types a weft table holds, and how a value of each travels in a row's JSON (docs/query.md, "Rows"). SQL
 * type names that mean the same are read as one type: {@code INT} is INTEGER, {@code TEXT} and {@code CHAR} are VARCHAR,
 * {@code FLOAT} is DOUBLE (as PostgreSQL and SQLite take it), {@code NUMERIC} is DECIMAL.
 */
public enum ColumnType {
  /** 32-bit integer; a JSON integer. */
  INTEGER,
  /** 64-bit integer; a JSON integer. */
  BIGINT,
  /** 64-bit binary floating point; a JSON number. */
  DOUBLE,
  /** 32-bit binary floating point; a JSON number. */
  REAL,
  /** Exact decimal with a precision and scale; a JSON number kept exact. */
  DECIMAL,
  /** Text, with an optional maximum length; a JSON string. */
  VARCHAR,
  /** TRUE or FALSE; a JSON boolean. */
  BOOLEAN,
  /** A calendar date; a JSON string {@code YYYY-MM-DD}. */
  DATE,
  /** A date and time of day without zone, to the millisecond; a JSON string in ISO-8601. */
  TIMESTAMP;

  private static final Map<String, ColumnType> NAMES = Map.ofEntries(
      Map.entry("integer", INTEGER), Map.entry("int", INTEGER), Map.entry("smallint", INTEGER),
      Map.entry("tinyint", INTEGER), Map.entry("bigint", BIGINT),
      Map.entry("double", DOUBLE), Map.entry("float", DOUBLE), Map.entry("real", REAL),
      Map.entry("decimal", DECIMAL), Map.entry("numeric", DECIMAL), Map.entry("dec", DECIMAL),
      Map.entry("varchar", VARCHAR), Map.entry("char", VARCHAR), Map.entry("character", VARCHAR),
      Map.entry("text", VARCHAR), Map.entry("boolean", BOOLEAN), Map.entry("date", DATE),
      Map.entry("timestamp", TIMESTAMP));

  /** The type a SQL type name stands for, in any case; empty for a name weft does not hold. */
  public static Optional<ColumnType> named(String sqlName) {
    return Optional.ofNullable(NAMES.get(sqlName.toLowerCase(Locale.ROOT)));
  }

  /** Whether a declaration of this type may carry a precision (a length, for VARCHAR) and a scale. */
  boolean takesPrecision() {
    return this == DECIMAL || this == VARCHAR;
  }
}
