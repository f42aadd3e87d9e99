package dev.weft.query.internal;

import dev.weft.api.WeftException;
import dev.weft.query.QueryException;
import dev.weft.query.data.QueryContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits on the node's futures from a statement's thread (the data layer's methods block; the node's never do), within
 * the statement's time and cancel flag.
 */
final class Blocking {
  /** How often a wait wakes to look at the cancel flag. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Blocking() {}

  /**
   * The future's value.
   *
   * @param what what is being waited for, for the error ("reading the row", "writing the catalog")
   * @throws QueryException TIMEOUT, CANCELLED, or UNAVAILABLE with the node's error as cause (a QueryException from
   *     the future is rethrown as it is)
   */
  static <T> T await(CompletableFuture<T> future, QueryContext context, String what) {
    while (true) {
      context.check();
      try {
        return future.get(Math.min(POLL_NANOS, Math.max(1, context.nanosLeft())), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // look at the deadline and the flag again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QueryException(QueryException.Reason.CANCELLED, "interrupted while " + what, e);
      } catch (ExecutionException | CancellationException e) {
        throw failure(e, what);
      }
    }
  }

  /** The cause inside the wrappers futures add. */
  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The exception a statement reports for a failed step of it. */
  static QueryException failure(Throwable error, String what) {
    Throwable e = unwrap(error);
    if (e instanceof QueryException q) {
      return q;
    }
    if (e instanceof IllegalArgumentException) {
      return new QueryException(QueryException.Reason.INVALID, what + ": " + e.getMessage(), e);
    }
    String detail = e instanceof WeftException || e instanceof TimeoutException ? e.getMessage() : e.toString();
    return new QueryException(QueryException.Reason.UNAVAILABLE, what + " failed: " + detail, e);
  }
}
