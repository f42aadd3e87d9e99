package dev.weft.query.calcite;

import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds in a pushed filter a range of an index's first column: conjuncts {@code col = v}, {@code col < v}, {@code col
 * <= v}, {@code col > v}, {@code col >= v} (either side; BETWEEN arrives as two of them) with v a literal or a
 * parameter. The scan then reads that range of the index and gets the rows it names; the whole filter is still applied
 * to every row fetched, so the range only has to contain the answer. Stateless.
 */
final class IndexAccess {
  private IndexAccess() {}

  /**
   * The first of {@code indexes} (ready ones, in the catalog's order) whose first column {@code filter} bounds; an
   * equality beats a range with two bounds, which beats one with one bound.
   */
  static Optional<IndexRangePlan> of(TableDefinition table, List<IndexDefinition> indexes, Expr filter) {
    List<Expr> conjuncts = new ArrayList<>();
    flatten(filter, conjuncts);
    IndexRangePlan best = null;
    for (IndexDefinition index : indexes) {
      int column = table.columns().indexOf(table.column(index.columns().get(0)).orElseThrow());
      IndexRangePlan range = new IndexRangePlan(index, Optional.empty(), false, Optional.empty(), false);
      for (Expr c : conjuncts) {
        range = narrow(range, c, column);
      }
      if (range.lower().isPresent() || range.upper().isPresent()) {
        if (best == null || rank(range) > rank(best)) {
          best = range;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static int rank(IndexRangePlan r) {
    if (r.lower().isPresent() && r.lower().equals(r.upper())) {
      return 3;
    }
    return (r.lower().isPresent() ? 1 : 0) + (r.upper().isPresent() ? 1 : 0);
  }

  /** {@code range} also bounded by conjunct {@code c} if it compares {@code column} with a value; the first wins. */
  private static IndexRangePlan narrow(IndexRangePlan range, Expr c, int column) {
    if (!(c instanceof Expr.Call call) || call.args().size() != 2) {
      return range;
    }
    Expr l = call.args().get(0);
    Expr r = call.args().get(1);
    Expr.Op op = call.op();
    Expr value;
    if (isColumn(l, column) && isValue(r)) {
      value = r;
    } else if (isColumn(r, column) && isValue(l)) {
      value = l;
      op = flip(op);
    } else {
      return range;
    }
    boolean lower = op == Expr.Op.EQ || op == Expr.Op.GT || op == Expr.Op.GE;
    boolean upper = op == Expr.Op.EQ || op == Expr.Op.LT || op == Expr.Op.LE;
    IndexRangePlan out = range;
    if (lower && out.lower().isEmpty()) {
      out = new IndexRangePlan(out.index(), Optional.of(value), op != Expr.Op.GT, out.upper(), out.upperInclusive());
    }
    if (upper && out.upper().isEmpty()) {
      out = new IndexRangePlan(out.index(), out.lower(), out.lowerInclusive(), Optional.of(value), op != Expr.Op.LT);
    }
    return out;
  }

  private static Expr.Op flip(Expr.Op op) {
    return switch (op) {
      case LT -> Expr.Op.GT;
      case LE -> Expr.Op.GE;
      case GT -> Expr.Op.LT;
      case GE -> Expr.Op.LE;
      default -> op;
    };
  }

  private static boolean isColumn(Expr e, int column) {
    return e instanceof Expr.Column c && c.index() == column;
  }

  private static boolean isValue(Expr e) {
    return e instanceof Expr.Literal lit ? lit.value() != null : e instanceof Expr.Param;
  }

  private static void flatten(Expr e, List<Expr> out) {
    if (e instanceof Expr.Call c && c.op() == Expr.Op.AND) {
      c.args().forEach(a -> flatten(a, out));
    } else {
      out.add(e);
    }
  }
}
