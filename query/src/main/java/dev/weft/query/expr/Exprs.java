package dev.weft.query.expr;

import dev.weft.query.catalog.ColumnType;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Cast;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Op;
import dev.weft.query.expr.Expr.Param;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typing and parameter binding of {@link Expr}s. The typing rules are the ones the {@link Evaluator} implements; an
 * expression that passes {@link #typeOf} evaluates without a class cast. Stateless; any thread.
 */
public final class Exprs {
  private static final Set<ColumnType> NUMERIC = EnumSet.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.DECIMAL,
      ColumnType.REAL, ColumnType.DOUBLE);
  private static final Set<ColumnType> EXACT = EnumSet.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.DECIMAL);

  private Exprs() {}

  /**
   * {@code e} with every {@link Param} replaced by a {@link Literal} of its type holding {@code params.get(index)}.
   *
   * @param params the statement's parameters in the Enumerable representation (null for NULL)
   * @throws IllegalArgumentException when a parameter is missing or its Java type is not its type's
   */
  public static Expr bind(Expr e, List<Object> params) {
    if (e instanceof Param p) {
      if (p.index() < 0 || p.index() >= params.size()) {
        throw new IllegalArgumentException("parameter " + (p.index() + 1) + " is not given (" + params.size()
            + " given)");
      }
      Object v = params.get(p.index());
      if (!Values.isValue(p.type(), v)) {
        throw new IllegalArgumentException("parameter " + (p.index() + 1) + " must be a " + p.type() + " ("
            + Values.javaClass(p.type()).getSimpleName() + "), not " + describe(v));
      }
      return new Literal(v, p.type());
    }
    if (e instanceof Call c) {
      List<Expr> args = new ArrayList<>(c.args().size());
      c.args().forEach(a -> args.add(bind(a, params)));
      return new Call(c.op(), args);
    }
    if (e instanceof Cast c) {
      return new Cast(bind(c.arg(), params), c.type());
    }
    return e;
  }

  /**
   * The AND of {@code parts}, flattened (an AND among them gives its arguments), so that filters folded one after
   * another into a scan do not grow a level each against {@link ExprJson#MAX_DEPTH}; a single part is itself.
   *
   * @throws IllegalArgumentException for no parts
   */
  public static Expr and(List<Expr> parts) {
    List<Expr> args = new ArrayList<>();
    for (Expr p : parts) {
      if (p instanceof Call c && c.op() == Op.AND) {
        args.addAll(c.args());
      } else {
        args.add(p);
      }
    }
    if (args.isEmpty()) {
      throw new IllegalArgumentException("AND of nothing");
    }
    return args.size() == 1 ? args.get(0) : new Call(Op.AND, args);
  }

  /**
   * The type of {@code e}'s value, checking that every operator has its arity and argument types, every literal a
   * value of its type, and every cast is one the evaluator performs.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static ColumnType typeOf(Expr e) {
    if (e instanceof Column c) {
      return c.type();
    }
    if (e instanceof Literal l) {
      if (l.type() == null || !Values.isValue(l.type(), l.value())) {
        throw new IllegalArgumentException("literal " + describe(l.value()) + " is not a " + l.type() + " value");
      }
      return l.type();
    }
    if (e instanceof Param p) {
      return p.type();
    }
    if (e instanceof Expr.Among a) {
      if (a.columns().size() != a.keys().types().size()) {
        throw new IllegalArgumentException("a key of " + a.columns().size() + " columns against a key set of "
            + a.keys().types().size());
      }
      for (int i = 0; i < a.columns().size(); i++) {
        if (a.columns().get(i).type() != a.keys().types().get(i)) {
          throw new IllegalArgumentException("key column " + a.columns().get(i).index() + " is "
              + a.columns().get(i).type() + ", the key set's " + a.keys().types().get(i));
        }
      }
      return ColumnType.BOOLEAN;
    }
    if (e instanceof Cast c) {
      ColumnType from = typeOf(c.arg());
      if (!castable(from, c.type())) {
        throw new IllegalArgumentException("CAST from " + from + " to " + c.type() + " is not supported");
      }
      return c.type();
    }
    Call c = (Call) e;
    List<ColumnType> t = new ArrayList<>(c.args().size());
    c.args().forEach(a -> t.add(typeOf(a)));
    Op op = c.op();
    switch (op) {
      case AND, OR -> {
        arity(op, t, 2, Integer.MAX_VALUE);
        t.forEach(x -> want(op, x, ColumnType.BOOLEAN));
        return ColumnType.BOOLEAN;
      }
      case NOT, IS_TRUE, IS_FALSE -> {
        arity(op, t, 1, 1);
        want(op, t.get(0), ColumnType.BOOLEAN);
        return ColumnType.BOOLEAN;
      }
      case IS_NULL, IS_NOT_NULL -> {
        arity(op, t, 1, 1);
        return ColumnType.BOOLEAN;
      }
      case EQ, NE, LT, LE, GT, GE -> {
        arity(op, t, 2, 2);
        if (!(NUMERIC.contains(t.get(0)) && NUMERIC.contains(t.get(1))) && t.get(0) != t.get(1)) {
          throw new IllegalArgumentException(op + " cannot compare " + t.get(0) + " with " + t.get(1));
        }
        return ColumnType.BOOLEAN;
      }
      case PLUS, MINUS, TIMES, DIVIDE, MOD -> {
        arity(op, t, 2, 2);
        Set<ColumnType> allowed = op == Op.MOD ? EXACT : NUMERIC;
        if (!allowed.contains(t.get(0)) || !allowed.contains(t.get(1))) {
          throw new IllegalArgumentException(op + " does not apply to " + t.get(0) + " and " + t.get(1));
        }
        return promote(t.get(0), t.get(1));
      }
      case NEGATE -> {
        arity(op, t, 1, 1);
        if (!NUMERIC.contains(t.get(0))) {
          throw new IllegalArgumentException("NEGATE does not apply to " + t.get(0));
        }
        return t.get(0);
      }
      case LIKE -> {
        arity(op, t, 2, 3);
        t.forEach(x -> want(op, x, ColumnType.VARCHAR));
        return ColumnType.BOOLEAN;
      }
      default -> throw new AssertionError(op);
    }
  }

  /**
   * The type both operands of a numeric operator are converted to before it applies, as Calcite's code generator
   * harmonizes them (the least restrictive type): exact integers widen to BIGINT, to DECIMAL with a DECIMAL, to the
   * floating type with REAL or DOUBLE; DECIMAL with a floating type gives DOUBLE.
   */
  static ColumnType promote(ColumnType a, ColumnType b) {
    if (a == b) {
      return a;
    }
    if (a == ColumnType.DOUBLE || b == ColumnType.DOUBLE) {
      return ColumnType.DOUBLE;
    }
    if (a == ColumnType.REAL || b == ColumnType.REAL) {
      return a == ColumnType.DECIMAL || b == ColumnType.DECIMAL ? ColumnType.DOUBLE : ColumnType.REAL;
    }
    if (a == ColumnType.DECIMAL || b == ColumnType.DECIMAL) {
      return ColumnType.DECIMAL;
    }
    return ColumnType.BIGINT;
  }

  /** Whether the evaluator converts {@code from} to {@code to}: the widenings that lose nothing Calcite keeps. */
  static boolean castable(ColumnType from, ColumnType to) {
    if (from == to) {
      return true;
    }
    return switch (from) {
      case INTEGER, BIGINT -> NUMERIC.contains(to) && !(from == ColumnType.BIGINT && to == ColumnType.INTEGER);
      case REAL -> to == ColumnType.DOUBLE;
      case DECIMAL -> to == ColumnType.DOUBLE;
      default -> false;
    };
  }

  /** The number of levels of {@code e} (a leaf is 1). */
  static int depth(Expr e) {
    if (e instanceof Call c) {
      int max = 0;
      for (Expr a : c.args()) {
        max = Math.max(max, depth(a));
      }
      return max + 1;
    }
    return e instanceof Cast c ? depth(c.arg()) + 1 : 1;
  }

  /** The number of nodes of {@code e}. */
  static int nodes(Expr e) {
    if (e instanceof Call c) {
      int n = 1;
      for (Expr a : c.args()) {
        n += nodes(a);
      }
      return n;
    }
    if (e instanceof Expr.Among a) {
      return a.columns().size() + 1;
    }
    return e instanceof Cast c ? nodes(c.arg()) + 1 : 1;
  }

  /**
   * {@code filter} without the semi-join key sets ({@link Expr.Among}) among its top-level conjuncts; empty when nothing
   * else is left. A live query watches its tables through this: the keys a join found are those of one run only.
   */
  public static Optional<Expr> withoutKeySets(Expr filter) {
    List<Expr> kept = new ArrayList<>();
    for (Expr p : filter instanceof Call c && c.op() == Op.AND ? c.args() : List.of(filter)) {
      if (!(p instanceof Expr.Among)) {
        kept.add(p);
      }
    }
    return kept.isEmpty() ? Optional.empty() : Optional.of(and(kept));
  }

  private static void arity(Op op, List<ColumnType> t, int min, int max) {
    if (t.size() < min || t.size() > max) {
      throw new IllegalArgumentException(op + " takes " + (min == max ? String.valueOf(min) : max == Integer.MAX_VALUE
          ? "at least " + min : min + " to " + max) + " arguments, not " + t.size());
    }
  }

  private static void want(Op op, ColumnType got, ColumnType wanted) {
    if (got != wanted) {
      throw new IllegalArgumentException(op + " takes " + wanted + " arguments, not " + got);
    }
  }

  static String describe(Object v) {
    return v == null ? "NULL" : Values.abbreviate(v.toString()) + " (" + v.getClass().getSimpleName() + ")";
  }
}
