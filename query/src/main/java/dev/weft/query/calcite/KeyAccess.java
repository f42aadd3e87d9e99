package dev.weft.query.calcite;

import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds in a pushed filter the primary keys it pins: each key column equal to a literal or parameter, or to one of an
 * OR of them (an IN list), conjoined with the rest. Then the scan reads those keys (DHT gets) instead of every row;
 * the filter is still applied to what the gets return. Stateless.
 */
final class KeyAccess {
  /** More keys than this are read by a scan: a get per key stops paying off. */
  static final int MAX_KEYS = 1000;

  private KeyAccess() {}

  /** The keys {@code filter} pins on {@code table}'s primary key, each in key order; empty if it pins none. */
  static Optional<List<List<Expr>>> of(TableDefinition table, Expr filter) {
    if (table.primaryKey().isEmpty()) {
      return Optional.empty();
    }
    List<Expr> conjuncts = new ArrayList<>();
    flatten(filter, Expr.Op.AND, conjuncts);
    List<List<Expr>> keys = List.of(List.of());
    for (String k : table.primaryKey()) {
      int column = table.columns().indexOf(table.column(k).orElseThrow());
      Optional<List<Expr>> values = conjuncts.stream().map(c -> valuesOf(c, column)).flatMap(Optional::stream)
          .findFirst();
      if (values.isEmpty() || (long) keys.size() * values.get().size() > MAX_KEYS) {
        return Optional.empty();
      }
      List<List<Expr>> longer = new ArrayList<>();
      for (List<Expr> prefix : keys) {
        for (Expr v : values.get()) {
          List<Expr> key = new ArrayList<>(prefix);
          key.add(v);
          longer.add(key);
        }
      }
      keys = longer;
    }
    return Optional.of(keys);
  }

  /** The values {@code e} allows for column {@code column}: {@code col = v} or an OR of such; else empty. */
  private static Optional<List<Expr>> valuesOf(Expr e, int column) {
    List<Expr> alternatives = new ArrayList<>();
    flatten(e, Expr.Op.OR, alternatives);
    List<Expr> values = new ArrayList<>();
    for (Expr a : alternatives) {
      if (!(a instanceof Expr.Call c) || c.op() != Expr.Op.EQ) {
        return Optional.empty();
      }
      Expr l = c.args().get(0);
      Expr r = c.args().get(1);
      if (isColumn(l, column) && isValue(r)) {
        values.add(r);
      } else if (isColumn(r, column) && isValue(l)) {
        values.add(l);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(values);
  }

  private static boolean isColumn(Expr e, int column) {
    return e instanceof Expr.Column c && c.index() == column;
  }

  private static boolean isValue(Expr e) {
    return e instanceof Expr.Literal || e instanceof Expr.Param;
  }

  private static void flatten(Expr e, Expr.Op op, List<Expr> out) {
    if (e instanceof Expr.Call c && c.op() == op) {
      c.args().forEach(a -> flatten(a, op, out));
    } else {
      out.add(e);
    }
  }
}
