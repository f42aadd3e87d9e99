package dev.weft.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on futures in tests. */
public final class Futures {
  private Futures() {}

  /**
   * Waits up to 30 s for {@code future} to fail and returns why.
   *
   * @throws AssertionError when it succeeds, or does not finish in time
   */
  public static Throwable failureOf(CompletableFuture<?> future) {
    Object result;
    try {
      result = future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("expected a failure; the future did not finish within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    throw new AssertionError("expected a failure, got " + result);
  }
}
