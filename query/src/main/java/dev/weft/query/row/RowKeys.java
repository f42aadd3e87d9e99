package dev.weft.query.row;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Values;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Storage keys of rows: the canonical text of a row's primary-key values — a compact JSON array in key order, with
 * numbers canonical (a DECIMAL 1.50 and 1.5 give one key, -0.0 and 0.0 one key) so that equal keys always give equal
 * text — or, for a table without a primary key, a random 128-bit row id. Called by the write path, by scans and by
 * primary-key gets, on the caller's thread; stateless and thread-safe.
 */
public final class RowKeys {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** Keys travel as DHT keys: a bound keeps a hostile key from costing much to parse. */
  static final int MAX_KEY = 4096;

  private RowKeys() {}

  /**
   * The storage key of {@code row}, of a table with a primary key.
   *
   * @throws IllegalArgumentException when the table has no primary key or a key value is null or mistyped
   */
  public static String key(TableDefinition t, Object[] row) {
    if (row.length != t.columns().size()) {
      throw new IllegalArgumentException("table " + t.name() + " has " + t.columns().size() + " columns, the row "
          + row.length + " values");
    }
    List<Object> values = new ArrayList<>(t.primaryKey().size());
    for (String k : t.primaryKey()) {
      values.add(row[index(t, k)]);
    }
    return keyOf(t, values);
  }

  /**
   * The storage key of the row whose primary-key values are {@code keyValues}, in key order.
   *
   * @throws IllegalArgumentException when the table has no primary key, the count is wrong, or a value is null or
   *     mistyped
   */
  public static String keyOf(TableDefinition t, List<Object> keyValues) {
    List<Column> key = keyColumns(t);
    if (keyValues.size() != key.size()) {
      throw new IllegalArgumentException("table " + t.name() + " has " + key.size() + " primary-key columns, not "
          + keyValues.size() + " values");
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode(key.size());
    for (int i = 0; i < key.size(); i++) {
      Column c = key.get(i);
      Object v = keyValues.get(i);
      if (v == null || !Values.isValue(c.type(), v)) {
        throw new IllegalArgumentException("table " + t.name() + ": primary-key column " + c.name() + " ("
            + c.type() + ") cannot be " + (v == null ? "NULL" : v + " (" + v.getClass().getSimpleName() + ")"));
      }
      out.add(Values.toJson(c.type(), canonical(v)));
    }
    return out.toString();
  }

  /** A random row id for a table without a primary key: 128 bits as 32 lower-case hex digits. */
  public static String rowId(RandomGenerator r) {
    return String.format("%016x%016x", r.nextLong(), r.nextLong());
  }

  /**
   * The primary-key values a key stands for, in key order; only a canonical key (as {@link #keyOf} writes it) is
   * accepted.
   *
   * @throws IllegalArgumentException saying what is wrong with the key
   */
  public static List<Object> keyValues(TableDefinition t, String key) {
    List<Column> columns = keyColumns(t);
    if (key.length() > MAX_KEY) {
      throw new IllegalArgumentException("key of table " + t.name() + " longer than " + MAX_KEY + " characters");
    }
    JsonNode json;
    try {
      json = JSON.readTree(key);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("key of table " + t.name() + " is not JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isArray() || json.size() != columns.size()) {
      throw new IllegalArgumentException("key of table " + t.name() + " must be a JSON array of " + columns.size()
          + " values");
    }
    List<Object> values = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      Object v = Values.fromJson(c.type(), json.get(i), "key of table " + t.name() + ", column " + c.name());
      if (v == null || !Values.isValue(c.type(), v)) {
        throw new IllegalArgumentException("key of table " + t.name() + ": column " + c.name() + " out of range");
      }
      if (c.type() == ColumnType.DECIMAL && c.precision() > 0) {
        try {
          v = ((BigDecimal) v).setScale(c.scale(), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("key of table " + t.name() + ": column " + c.name() + " has more than "
              + c.scale() + " digits after the point");
        }
      }
      values.add(v);
    }
    if (!keyOf(t, values).equals(key)) {
      throw new IllegalArgumentException("key of table " + t.name() + " is not in canonical form: "
          + (key.length() <= 80 ? key : key.substring(0, 77) + "..."));
    }
    return values;
  }

  /**
   * One representative of the values a comparison finds equal: DECIMAL without trailing zeros (and no negative scale),
   * 0.0 for -0.0. Used for keys and for grouping.
   */
  static Object canonical(Object v) {
    if (v instanceof BigDecimal d) {
      BigDecimal s = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
      return s.scale() < 0 ? s.setScale(0) : s;
    }
    if (v instanceof Double d && d == 0.0) {
      return 0.0;
    }
    if (v instanceof Float f && f == 0.0f) {
      return 0.0f;
    }
    return v;
  }

  private static List<Column> keyColumns(TableDefinition t) {
    if (t.primaryKey().isEmpty()) {
      throw new IllegalArgumentException("table " + t.name() + " has no primary key: its rows have row ids");
    }
    List<Column> out = new ArrayList<>(t.primaryKey().size());
    for (String k : t.primaryKey()) {
      out.add(t.columns().get(index(t, k)));
    }
    return out;
  }

  private static int index(TableDefinition t, String column) {
    for (int i = 0; i < t.columns().size(); i++) {
      if (t.columns().get(i).name().equals(column)) {
        return i;
      }
    }
    throw new IllegalStateException("table " + t.name() + " has no column " + column);
  }
}
