package dev.weft.query.row;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Values;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A table row as the DHT stores it (docs/query.md, "Rows"): a JSON array in the definition's column order, each value in
 * its column type's JSON form ({@link Values#toJson}). Rows in memory are {@code Object[]} in the Enumerable
 * representation. Called by the write path before a row leaves the node and by scans for every stored row, on the
 * caller's thread; stateless.
 */
public final class RowCodec {
  private RowCodec() {}

  /**
   * The stored form of a row.
   *
   * @throws IllegalArgumentException naming the column when a value is not of its column's type
   */
  public static ArrayNode toJson(TableDefinition t, Object[] row) {
    arity(t, row.length);
    ArrayNode out = JsonNodeFactory.instance.arrayNode(row.length);
    for (int i = 0; i < row.length; i++) {
      Column c = t.columns().get(i);
      if (!Values.isValue(c.type(), row[i])) {
        throw wrongType(t, c, row[i]);
      }
      out.add(Values.toJson(c.type(), row[i]));
    }
    return out;
  }

  /**
   * Reads a stored row, checked as {@link #check} checks a row to be written (a stored row comes from another node).
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  public static Object[] fromJson(TableDefinition t, JsonNode json) {
    if (json == null || !json.isArray()) {
      throw new IllegalArgumentException("row of table " + t.name() + " must be a JSON array");
    }
    arity(t, json.size());
    Object[] row = new Object[json.size()];
    for (int i = 0; i < row.length; i++) {
      Column c = t.columns().get(i);
      row[i] = Values.fromJson(c.type(), json.get(i), "table " + t.name() + ", column " + c.name());
    }
    return check(t, row);
  }

  /**
   * Checks a row about to be written: its arity, each value's Java type for its column, NOT NULL, a VARCHAR's maximum
   * length (in characters), a DECIMAL's precision and scale, and no NaN (Calcite's planner takes comparisons of DOUBLE
   * as a total order, which NaN breaks). A DECIMAL with fewer fraction digits than its column's scale is returned
   * with that scale (1.5 in a DECIMAL(10, 2) is stored as 1.50); nothing is ever rounded.
   *
   * @return the row, or a copy with its DECIMAL values brought to their column's scale
   * @throws IllegalArgumentException naming the column and the value
   */
  public static Object[] check(TableDefinition t, Object[] row) {
    arity(t, row.length);
    Object[] out = row;
    for (int i = 0; i < row.length; i++) {
      Column c = t.columns().get(i);
      Object v = row[i];
      if (v == null) {
        if (!c.nullable()) {
          throw new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " is NOT NULL");
        }
        continue;
      }
      if (!Values.isValue(c.type(), v)) {
        throw wrongType(t, c, v);
      }
      Object checked = checkValue(t, c, v);
      if (checked != v) {
        out = out == row ? row.clone() : out;
        out[i] = checked;
      }
    }
    return out;
  }

  private static Object checkValue(TableDefinition t, Column c, Object v) {
    if (c.type() == ColumnType.VARCHAR && c.precision() > 0) {
      String s = (String) v;
      int length = s.codePointCount(0, s.length());
      if (length > c.precision()) {
        throw new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " is VARCHAR("
            + c.precision() + "), too short for a value of " + length + " characters ('" + abbreviate(s) + "')");
      }
    } else if ((c.type() == ColumnType.DOUBLE && ((Double) v).isNaN())
        || (c.type() == ColumnType.REAL && ((Float) v).isNaN())) {
      throw new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " cannot hold NaN");
    } else if (c.type() == ColumnType.DECIMAL && c.precision() > 0) {
      BigDecimal d = (BigDecimal) v;
      BigDecimal scaled;
      try {
        scaled = d.setScale(c.scale(), RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " is DECIMAL("
            + c.precision() + ", " + c.scale() + "), " + d.toPlainString() + " has more than " + c.scale()
            + " digits after the point");
      }
      if (scaled.precision() > c.precision()) {
        throw new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " is DECIMAL("
            + c.precision() + ", " + c.scale() + "), " + d.toPlainString() + " has too many digits");
      }
      return scaled.equals(d) ? v : scaled;
    }
    return v;
  }

  private static void arity(TableDefinition t, int length) {
    if (length != t.columns().size()) {
      throw new IllegalArgumentException("table " + t.name() + " has " + t.columns().size() + " columns, the row "
          + length + " values");
    }
  }

  private static IllegalArgumentException wrongType(TableDefinition t, Column c, Object v) {
    return new IllegalArgumentException("table " + t.name() + ": column " + c.name() + " (" + c.type()
        + ") cannot hold " + (v instanceof String s ? "'" + abbreviate(s) + "'" : String.valueOf(v)) + " ("
        + v.getClass().getSimpleName() + ")");
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
