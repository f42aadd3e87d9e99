package dev.weft.query.expr;

import dev.weft.query.QueryException;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Cast;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Param;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates an {@link Expr} over one row exactly as Calcite's Enumerable code evaluates the RexNode it came from
 * (RexImpTable and SqlFunctions, 1.42.0): SQL's three-valued logic, operands of numeric operators harmonized to their
 * least restrictive type, INTEGER and BIGINT arithmetic wrapping on overflow as Java's does (Calcite's default
 * conformance has no checked arithmetic), integer division truncating, DECIMAL division to 16 digits
 * ({@code MathContext.DECIMAL64}), floating-point comparisons as Java's primitive operators (NaN equal to nothing),
 * strings by {@code String.compareTo}. AND and OR evaluate every argument, as the generated code does, so an error in
 * one argument fails the row even when another decides the result.
 *
 * <p>Called by scans on the nodes, on the scanning thread; stateless. Expressions come from {@link ExprJson#fromJson}
 * or {@link RexTranslator} and are well typed; rows hold the Enumerable representation of the table's column types.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * The value of {@code e} for {@code row}: null for NULL.
   *
   * @throws QueryException INVALID for division by zero or a malformed LIKE pattern
   * @throws IllegalStateException for an unbound parameter
   */
  public static Object eval(Expr e, Object[] row) {
    if (e instanceof Column c) {
      return row[c.index()];
    }
    if (e instanceof Literal l) {
      return l.value();
    }
    if (e instanceof Param p) {
      throw new IllegalStateException("parameter " + (p.index() + 1) + " is not bound");
    }
    if (e instanceof Cast c) {
      return Numbers.convert(eval(c.arg(), row), c.type());
    }
    if (e instanceof Expr.Among a) {
      List<Object> key = new ArrayList<>(a.columns().size());
      for (Column k : a.columns()) {
        Object v = row[k.index()];
        if (v == null) {
          return null;
        }
        key.add(v);
      }
      return a.keys().mightContain(key);
    }
    Call c = (Call) e;
    List<Expr> args = c.args();
    switch (c.op()) {
      case AND -> {
        return connective(args, row, Boolean.FALSE);
      }
      case OR -> {
        return connective(args, row, Boolean.TRUE);
      }
      case NOT -> {
        Object v = eval(args.get(0), row);
        return v == null ? null : !(Boolean) v;
      }
      case IS_NULL -> {
        return eval(args.get(0), row) == null;
      }
      case IS_NOT_NULL -> {
        return eval(args.get(0), row) != null;
      }
      case IS_TRUE -> {
        return Boolean.TRUE.equals(eval(args.get(0), row));
      }
      case IS_FALSE -> {
        return Boolean.FALSE.equals(eval(args.get(0), row));
      }
      case NEGATE -> {
        return Numbers.negate(eval(args.get(0), row));
      }
      case LIKE -> {
        Object s = eval(args.get(0), row);
        Object pattern = eval(args.get(1), row);
        Object escape = args.size() > 2 ? eval(args.get(2), row) : "";
        if (s == null || pattern == null || escape == null) {
          return null;
        }
        return LikePatterns.matches((String) s, (String) pattern, args.size() > 2 ? (String) escape : null);
      }
      default -> {
        Object a = eval(args.get(0), row);
        Object b = eval(args.get(1), row);
        if (a == null || b == null) {
          return null;
        }
        return binary(c.op(), a, b);
      }
    }
  }

  /** Whether {@code e} is TRUE for {@code row} (FALSE and NULL are not). */
  public static boolean test(Expr e, Object[] row) {
    return Boolean.TRUE.equals(eval(e, row));
  }

  /** AND (decisive FALSE) or OR (decisive TRUE), every argument evaluated. */
  private static Boolean connective(List<Expr> args, Object[] row, Boolean decisive) {
    boolean unknown = false;
    boolean decided = false;
    for (Expr a : args) {
      Object v = eval(a, row);
      unknown |= v == null;
      decided |= decisive.equals(v);
    }
    return decided ? decisive : unknown ? null : !decisive;
  }

  private static Object binary(Expr.Op op, Object a, Object b) {
    if (a instanceof Number && b instanceof Number) {
      Class<?> common = Numbers.common(a.getClass(), b.getClass());
      Number x = Numbers.to(common, (Number) a);
      Number y = Numbers.to(common, (Number) b);
      return switch (op) {
        case EQ, NE, LT, LE, GT, GE -> Numbers.compare(op, x, y);
        default -> arithmetic(op, x, y);
      };
    }
    int cmp;
    if (a instanceof String s) {
      cmp = s.compareTo((String) b);
    } else if (a instanceof Boolean t) {
      cmp = Boolean.compare(t, (Boolean) b);
    } else {
      throw new IllegalStateException(op + " applied to " + a.getClass().getSimpleName() + " and "
          + b.getClass().getSimpleName());
    }
    return Numbers.holds(op, cmp);
  }

  private static Number arithmetic(Expr.Op op, Number x, Number y) {
    boolean exact = !(x instanceof Float || x instanceof Double);
    if (exact && (op == Expr.Op.DIVIDE || op == Expr.Op.MOD) && Numbers.isZero(y)) {
      // Calcite's generated code throws ArithmeticException here: the row fails, so the statement does.
      throw new QueryException(QueryException.Reason.INVALID, "division by zero");
    }
    if (x instanceof BigDecimal i) {
      BigDecimal j = (BigDecimal) y;
      return switch (op) {
        case PLUS -> i.add(j);
        case MINUS -> i.subtract(j);
        case TIMES -> i.multiply(j);
        case DIVIDE -> i.divide(j, MathContext.DECIMAL64);
        case MOD -> i.divideAndRemainder(j)[1];
        default -> throw new AssertionError(op);
      };
    }
    if (exact) {
      // int arithmetic is the low 32 bits of long arithmetic, wrap-around and truncating division included.
      long i = x.longValue();
      long j = y.longValue();
      long r = switch (op) {
        case PLUS -> i + j;
        case MINUS -> i - j;
        case TIMES -> i * j;
        case DIVIDE -> i / j;
        case MOD -> i % j;
        default -> throw new AssertionError(op);
      };
      return x instanceof Integer ? (Number) (int) r : (Number) r;
    }
    // float arithmetic is double arithmetic rounded once to float: a double holds every exact float result to
    // more than twice float's precision, so no double rounding can differ.
    double i = x.doubleValue();
    double j = y.doubleValue();
    double r = switch (op) {
      case PLUS -> i + j;
      case MINUS -> i - j;
      case TIMES -> i * j;
      case DIVIDE -> i / j;
      default -> throw new AssertionError(op);
    };
    return x instanceof Float ? (Number) (float) r : (Number) r;
  }
}
