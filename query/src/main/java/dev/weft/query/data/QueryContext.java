package dev.weft.query.data;

import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One statement's limits and what it learned about coverage: its deadline, its cancel flag (set by {@code
 * Statement.cancel()} or the API), whether partial answers are accepted, the result caps, and the coverage of every
 * scan it ran. Shared by the threads of one statement; thread-safe.
 */
public final class QueryContext {
  private final long deadlineNanos;
  private final AtomicBoolean cancelled;
  private final boolean allowPartial;
  private final long maxRows;
  private final long maxBytes;
  private Coverage coverage = Coverage.LOCAL;

  /**
   * @param timeout the statement's time from now
   * @param cancelled set when the statement is cancelled
   * @param allowPartial whether an incomplete scan returns what it has (with {@code complete: false}) instead of failing
   * @param maxRows most rows a scan may bring to this node
   * @param maxBytes most bytes of rows a scan may bring to this node
   */
  public QueryContext(Duration timeout, AtomicBoolean cancelled, boolean allowPartial, long maxRows, long maxBytes) {
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.cancelled = cancelled;
    this.allowPartial = allowPartial;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
  }

  /** Nanoseconds left before the deadline; 0 or less once it passed. */
  public long nanosLeft() {
    return deadlineNanos - System.nanoTime();
  }

  /** Whether the statement was cancelled. */
  public boolean isCancelled() {
    return cancelled.get();
  }

  /** @throws QueryException CANCELLED or TIMEOUT when the statement must stop */
  public void check() {
    if (cancelled.get()) {
      throw new QueryException(QueryException.Reason.CANCELLED, "statement cancelled");
    }
    if (nanosLeft() <= 0) {
      throw new QueryException(QueryException.Reason.TIMEOUT, "statement timed out");
    }
  }

  public boolean allowPartial() {
    return allowPartial;
  }

  public long maxRows() {
    return maxRows;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Adds the coverage of one scan or read of this statement. */
  public synchronized void record(Coverage part) {
    coverage = coverage.plus(part);
  }

  /** The coverage of everything this statement read so far. */
  public synchronized Coverage coverage() {
    return coverage;
  }
}
