package dev.weft.pht.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Lets at most a fixed number of this node's inserts and removes run at a time; the others wait their turn, in order.
 * Without it a burst of writes (a bulk load keeping an index current) overloads the keepers: their reads time out, come
 * back empty or stale, operations retry, and the retries overload them more. Thread-safe.
 */
final class WriteGate {
  private final int limit;
  /** Where a waiting operation starts: not on the stack of the one that finished (a queue of quick failures). */
  private final Executor starter;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  WriteGate(int limit, Executor starter) {
    this.limit = limit;
    this.starter = starter;
  }

  /** Runs {@code op} once fewer than the limit run; its result, or its failure. */
  <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> op) {
    CompletableFuture<T> out = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<T> f;
      try {
        f = op.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        next();
        if (e != null) {
          out.completeExceptionally(e);
        } else {
          out.complete(r);
        }
      });
    };
    boolean now;
    synchronized (waiting) {
      now = running < limit;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return out;
  }

  private void next() {
    Runnable r;
    synchronized (waiting) {
      r = waiting.poll();
      if (r == null) {
        running--;
      }
    }
    if (r != null) {
      starter.execute(r);
    }
  }

  /** Operations waiting for their turn. */
  int waiting() {
    synchronized (waiting) {
      return waiting.size();
    }
  }
}
