package dev.weft.query.calcite;

import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.expr.Expr;
import java.util.Optional;

/**
 * A range of an index's first column as planned, its bounds literals or parameters (bound when the statement runs);
 * an empty bound is open. Immutable.
 */
record IndexRangePlan(IndexDefinition index, Optional<Expr> lower, boolean lowerInclusive, Optional<Expr> upper,
    boolean upperInclusive) {
  @Override
  public String toString() {
    return index.name() + (lower.isPresent() ? (lowerInclusive ? "[" : "(") + lower.get() : "(-inf") + ", "
        + (upper.isPresent() ? upper.get() + (upperInclusive ? "]" : ")") : "+inf)");
  }
}
