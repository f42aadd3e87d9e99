package dev.weft.query.catalog;

import java.util.Objects;

/**
 * One column of a table: its name (as the parser folded it), type, whether it may hold NULL, and for DECIMAL its
 * precision and scale, for VARCHAR its maximum length (0: none given).
 */
public record Column(String name, ColumnType type, boolean nullable, int precision, int scale) {
  /** The longest column name: names travel in every definition, which must fit a global. */
  static final int MAX_NAME = 128;

  /** @throws IllegalArgumentException naming the column when a part is out of range */
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException("column name must be 1 to " + MAX_NAME + " characters: '" + name + "'");
    }
    if (precision < 0 || scale < 0 || (!type.takesPrecision() && (precision != 0 || scale != 0))) {
      throw new IllegalArgumentException("column " + name + ": " + type + " takes no precision or scale");
    }
    if (type == ColumnType.VARCHAR && scale != 0) {
      throw new IllegalArgumentException("column " + name + ": VARCHAR takes a length, not a scale");
    }
    if (type == ColumnType.DECIMAL && precision > 0 && scale > precision) {
      throw new IllegalArgumentException("column " + name + ": DECIMAL(" + precision + ", " + scale
          + ") has a scale larger than its precision");
    }
  }
}
