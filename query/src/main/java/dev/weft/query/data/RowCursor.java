package dev.weft.query.data;

import dev.weft.query.Coverage;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The rows of a scan as they arrive. Read on one thread; {@link #hasNext()} blocks until a row arrives, the scan ends,
 * or the statement's time runs out (then it throws {@link dev.weft.query.QueryException}).
 */
public interface RowCursor extends Iterator<Object[]>, AutoCloseable {
  /** How complete the scan was; final once {@link #hasNext()} returned false. */
  Coverage coverage();

  /** Rows already gathered, with their coverage. */
  static RowCursor of(List<Object[]> rows, Coverage coverage) {
    Iterator<Object[]> it = rows.iterator();
    return new RowCursor() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Object[] next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        return it.next();
      }

      @Override
      public Coverage coverage() {
        return coverage;
      }

      @Override
      public void close() {}
    };
  }

  /** Stops the scan (the nodes still working are told) and releases it. Idempotent. */
  @Override
  void close();
}
