package dev.weft.query.calcite;

import dev.weft.query.catalog.Column;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;

/**
 * A value from Calcite (a row to write, a bound parameter) in the representation of a column's type (see {@link
 * dev.weft.query.data.ScanSpec}), converted as SQL's CAST converts: an INTEGER into a DOUBLE column becomes a
 * {@code Double}, a DOUBLE into an INTEGER column is truncated. What cannot be converted fails with an
 * {@link IllegalArgumentException} that names the column. Stateless.
 */
final class ColumnValues {
  private ColumnValues() {}

  /** {@code value} as {@code column} holds it; null stays null unless the column is NOT NULL. */
  static Object coerce(Object value, Column column) {
    if (value == null) {
      if (!column.nullable()) {
        throw new IllegalArgumentException("NULL in NOT NULL column " + column.name());
      }
      return null;
    }
    return switch (column.type()) {
      case INTEGER -> {
        long v = integral(value, column);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw outOfRange(value, column);
        }
        yield (int) v;
      }
      case BIGINT -> integral(value, column);
      case DOUBLE -> number(value, column).doubleValue();
      case REAL -> number(value, column).floatValue();
      case DECIMAL -> decimal(value, column);
      case VARCHAR -> text(value, column);
      case BOOLEAN -> {
        if (value instanceof Boolean b) {
          yield b;
        }
        throw mismatch(value, column);
      }
      case DATE -> date(value, column);
      case TIMESTAMP -> timestamp(value, column);
    };
  }

  private static Number number(Object value, Column column) {
    if (value instanceof Number n) {
      return n;
    }
    if (value instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw mismatch(value, column);
      }
    }
    throw mismatch(value, column);
  }

  private static long integral(Object value, Column column) {
    Number n = number(value, column);
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    BigDecimal d = n instanceof BigDecimal b ? b : toDecimal(n, value, column);
    try {
      return d.setScale(0, RoundingMode.DOWN).longValueExact();
    } catch (ArithmeticException e) {
      throw outOfRange(value, column);
    }
  }

  private static BigDecimal toDecimal(Number n, Object value, Column column) {
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw outOfRange(value, column);
    }
    return BigDecimal.valueOf(d);
  }

  private static BigDecimal decimal(Object value, Column column) {
    Number n = number(value, column);
    BigDecimal d = n instanceof BigDecimal b ? b
        : n instanceof Integer || n instanceof Long ? BigDecimal.valueOf(n.longValue()) : toDecimal(n, value, column);
    if (column.precision() > 0) {
      d = d.setScale(column.scale(), RoundingMode.HALF_UP);
      if (d.precision() - d.scale() > column.precision() - column.scale()) {
        throw outOfRange(value, column);
      }
    }
    return d;
  }

  private static String text(Object value, Column column) {
    String s = value instanceof String t ? t : value.toString();
    if (column.precision() > 0 && s.codePointCount(0, s.length()) > column.precision()) {
      throw new IllegalArgumentException("value too long for column " + column.name() + " (VARCHAR("
          + column.precision() + ")): " + s.length() + " characters");
    }
    return s;
  }

  private static Integer date(Object value, Column column) {
    if (value instanceof Integer days) {
      return days;
    }
    if (value instanceof LocalDate d) {
      return Math.toIntExact(d.toEpochDay());
    }
    if (value instanceof java.sql.Date d) {
      return Math.toIntExact(d.toLocalDate().toEpochDay());
    }
    if (value instanceof Calendar c) {
      return Math.toIntExact(Math.floorDiv(c.getTimeInMillis() + c.get(Calendar.ZONE_OFFSET)
          + c.get(Calendar.DST_OFFSET), 86_400_000L));
    }
    if (value instanceof String s) {
      try {
        return Math.toIntExact(LocalDate.parse(s.trim()).toEpochDay());
      } catch (java.time.format.DateTimeParseException e) {
        throw mismatch(value, column);
      }
    }
    throw mismatch(value, column);
  }

  private static Long timestamp(Object value, Column column) {
    if (value instanceof Long millis) {
      return millis;
    }
    if (value instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (value instanceof String s) {
      try {
        return LocalDateTime.parse(s.trim().replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e) {
        throw mismatch(value, column);
      }
    }
    throw mismatch(value, column);
  }

  private static IllegalArgumentException mismatch(Object value, Column column) {
    return new IllegalArgumentException("column " + column.name() + " is " + column.type() + ": cannot hold "
        + value.getClass().getSimpleName() + " " + value);
  }

  private static IllegalArgumentException outOfRange(Object value, Column column) {
    return new IllegalArgumentException("value " + value + " out of range for column " + column.name() + " ("
        + column.type() + ")");
  }
}
