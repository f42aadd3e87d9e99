package dev.weft.query.expr;

import dev.weft.query.catalog.ColumnType;
import java.math.BigDecimal;

/**
 * Numeric conversions and comparisons as Calcite's generated code performs them ({@code EnumUtils.convert}, Java's
 * primitive operators, {@code BigDecimal.compareTo}). Values are Integer, Long, BigDecimal, Float or Double.
 */
final class Numbers {
  private Numbers() {}

  /** The class both operands are converted to: the Java class of {@link Exprs#promote} of their types. */
  static Class<?> common(Class<?> a, Class<?> b) {
    if (a == b) {
      return a;
    }
    return Values.javaClass(Exprs.promote(typeOf(a), typeOf(b)));
  }

  private static ColumnType typeOf(Class<?> c) {
    if (c == Integer.class) {
      return ColumnType.INTEGER;
    }
    if (c == Long.class) {
      return ColumnType.BIGINT;
    }
    if (c == BigDecimal.class) {
      return ColumnType.DECIMAL;
    }
    if (c == Float.class) {
      return ColumnType.REAL;
    }
    if (c == Double.class) {
      return ColumnType.DOUBLE;
    }
    throw new IllegalStateException("not a number: " + c.getSimpleName());
  }

  /** {@code n} as an instance of {@code target} (a widening: Java's casts, {@code BigDecimal.valueOf}). */
  static Number to(Class<?> target, Number n) {
    if (target.isInstance(n)) {
      return n;
    }
    if (target == Long.class) {
      return n.longValue();
    }
    if (target == Float.class) {
      return n.floatValue();
    }
    if (target == Double.class) {
      return n.doubleValue();
    }
    if (target == BigDecimal.class) {
      return BigDecimal.valueOf(n.longValue());
    }
    throw new IllegalStateException("cannot widen " + n.getClass().getSimpleName() + " to " + target.getSimpleName());
  }

  /** CAST of a value to {@code type}, for the casts {@link Exprs#castable} allows. */
  static Object convert(Object v, ColumnType type) {
    if (v == null || Values.javaClass(type).isInstance(v)) {
      return v;
    }
    return to(Values.javaClass(type), (Number) v);
  }

  static boolean isZero(Number n) {
    return n instanceof BigDecimal d ? d.signum() == 0 : n.longValue() == 0;
  }

  /** A comparison of two numbers of one class: primitive operators for binary floating point (NaN equals nothing). */
  static boolean compare(Expr.Op op, Number x, Number y) {
    if (x instanceof Double || x instanceof Float) {
      double a = x.doubleValue();
      double b = y.doubleValue();
      return switch (op) {
        case EQ -> a == b;
        case NE -> a != b;
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        default -> throw new AssertionError(op);
      };
    }
    return holds(op, x instanceof BigDecimal d ? d.compareTo((BigDecimal) y)
        : Long.compare(x.longValue(), y.longValue()));
  }

  /** Whether comparison {@code op} holds for a {@code compareTo} result. */
  static boolean holds(Expr.Op op, int cmp) {
    return switch (op) {
      case EQ -> cmp == 0;
      case NE -> cmp != 0;
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      case GE -> cmp >= 0;
      default -> throw new IllegalStateException(op + " is no comparison");
    };
  }

  static Object negate(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Integer i) {
      return -i;
    }
    if (v instanceof Long l) {
      return -l;
    }
    if (v instanceof BigDecimal d) {
      return d.negate();
    }
    if (v instanceof Float f) {
      return -f;
    }
    return -(Double) v;
  }
}
