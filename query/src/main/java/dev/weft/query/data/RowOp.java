package dev.weft.query.data;

/**
 * One row of a write, with the whole row in the table's column order (values as {@link dev.weft.query.data.ScanSpec}
 * describes them).
 */
public sealed interface RowOp {
  /** A new row; fails when a row with its primary key exists. */
  record Insert(Object[] row) implements RowOp {}

  /** A row written whether or not its primary key exists. */
  record Upsert(Object[] row) implements RowOp {}

  /** {@code before} (as a scan returned it) replaced by {@code after}. */
  record Update(Object[] before, Object[] after) implements RowOp {}

  /** {@code row} (as a scan returned it) removed. */
  record Delete(Object[] row) implements RowOp {}
}
