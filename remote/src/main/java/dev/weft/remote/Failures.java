package dev.weft.remote;

import dev.weft.api.ConfigException;
import dev.weft.api.LookupFailedException;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Which {@link RemoteError} a failure of the node's API stands for, for the HTTP API and the gateway alike: the
 * caller's fault is a 4xx ({@link ValueTooLargeException} {@link RemoteError#TOO_LARGE}, {@link RateLimitedException}
 * {@link RemoteError#RATE_LIMITED}, a bad argument {@link RemoteError#BAD_REQUEST}), the network's {@link
 * RemoteError#UNAVAILABLE}, anything else {@link RemoteError#INTERNAL} (a bug, which the caller logs).
 *
 * <p>The exceptions of the feature modules (messaging, schema, pht) are mapped by those modules' own refinement
 * before this runs, so that this class knows the API module alone.
 *
 * @since 0.1.0
 */
public final class Failures {
  private Failures() {}

  /**
   * The answer to {@code failure}.
   *
   * @param failure any throwable, wrapped in {@link CompletionException}s or not; never null
   * @param timeout the time limit the face put on the operation, for the message of a {@link TimeoutException}
   * @return never null; {@code failure} itself when it is a {@link RemoteException}
   */
  public static RemoteException of(Throwable failure, Duration timeout) {
    Throwable e = unwrap(failure);
    if (e instanceof RemoteException r) {
      return r;
    }
    if (e instanceof ValueTooLargeException) {
      return new RemoteException(RemoteError.TOO_LARGE, e.getMessage());
    }
    if (e instanceof RateLimitedException) {
      return new RemoteException(RemoteError.RATE_LIMITED, e.getMessage());
    }
    if (e instanceof IllegalArgumentException || e instanceof ConfigException) {
      return RemoteException.badRequest(String.valueOf(e.getMessage()));
    }
    if (e instanceof TimeoutException) {
      return new RemoteException(RemoteError.UNAVAILABLE, "the node did not answer within " + timeout.toMillis()
          + " ms");
    }
    if (e instanceof LookupFailedException) {
      return new RemoteException(RemoteError.UNAVAILABLE, "lookup failed: " + e.getMessage());
    }
    if (e instanceof WeftException) {
      return new RemoteException(RemoteError.UNAVAILABLE, String.valueOf(e.getMessage()));
    }
    return new RemoteException(RemoteError.INTERNAL, "internal error: " + e);
  }

  /** The cause inside {@link CompletionException}s and {@link ExecutionException}s. */
  public static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
