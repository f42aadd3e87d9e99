package dev.weft.query.calcite;

import dev.weft.query.expr.Expr;
import java.util.function.IntFunction;

/** Binds a statement's parameters into a pushed filter, at the asking node, before the scan leaves it. Stateless. */
final class ExprBinding {
  private ExprBinding() {}

  /** {@code e} with each parameter replaced by a literal of its value. */
  static Expr bind(Expr e, IntFunction<Object> params) {
    if (e instanceof Expr.Param p) {
      return new Expr.Literal(params.apply(p.index()), p.type());
    }
    if (e instanceof Expr.Call c) {
      return new Expr.Call(c.op(), c.args().stream().map(a -> bind(a, params)).toList());
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(bind(c.arg(), params), c.type());
    }
    return e;
  }
}
