package dev.weft.query.data;

import dev.weft.query.Coverage;
import java.util.Iterator;

/**
 * The rows of a scan as they arrive. Read on one thread; {@link #hasNext()} blocks until a row arrives, the scan ends,
 * or the statement's time runs out (then it throws {@link dev.weft.query.QueryException}).
 */
public interface RowCursor extends Iterator<Object[]>, AutoCloseable {
  /** How complete the scan was; final once {@link #hasNext()} returned false. */
  Coverage coverage();

  /** Stops the scan (the nodes still working are told) and releases it. Idempotent. */
  @Override
  void close();
}
