package dev.weft.query.expr;

import dev.weft.query.catalog.ColumnType;
import java.util.List;

/**
 * A scalar expression over one table row, as it travels in a scan to the nodes: weft's own small language (not
 * Calcite's), so that a node evaluates it without Calcite and without compiling anything received from the network.
 * Values are in the representation {@link dev.weft.query.data.ScanSpec} describes. Immutable.
 */
public sealed interface Expr {
  /** The value of the row's column {@code index}, of type {@code type}. */
  record Column(int index, ColumnType type) implements Expr {}

  /** A constant; {@code value} null for NULL. */
  record Literal(Object value, ColumnType type) implements Expr {}

  /** The statement's parameter {@code index} (0-based), bound at the asking node before the scan leaves it. */
  record Param(int index, ColumnType type) implements Expr {}

  /** An operator applied to arguments. */
  record Call(Op op, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** {@code arg} converted to {@code type}. */
  record Cast(Expr arg, ColumnType type) implements Expr {}

  /**
   * Whether the values of {@code columns} (a key) may be in {@code keys}: TRUE or FALSE, NULL when one is NULL. Made
   * only at the asking node, for the semi-join a join's scan of its inner side carries (docs/query.md, "Joins").
   */
  record Among(List<Column> columns, KeySet keys) implements Expr {
    public Among {
      columns = List.copyOf(columns);
    }
  }

  /** The operators a node evaluates. */
  enum Op { AND, OR, NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_FALSE, EQ, NE, LT, LE, GT, GE, PLUS, MINUS, TIMES, DIVIDE,
    MOD, NEGATE, LIKE }
}
