package dev.weft.remote;

import dev.weft.api.WeftException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request the remote face refuses or failed to serve, with the {@link RemoteError} to answer. Thrown by the checks
 * of a request and by {@link Failures#of}; each face turns it into its own answer (an HTTP status and {@code
 * {"error"}}, a gateway {@code {"code", "message"}}). Carries no stack trace: it is an answer, not a bug.
 *
 * @since 0.1.0
 */
public final class RemoteException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final RemoteError error;

  /**
   * @param error never null
   * @param message what the caller reads, never null
   */
  public RemoteException(RemoteError error, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.error = Objects.requireNonNull(error, "error");
  }

  /** A {@link RemoteError#BAD_REQUEST}. */
  public static RemoteException badRequest(String message) {
    return new RemoteException(RemoteError.BAD_REQUEST, message);
  }

  /** A {@link RemoteError#NOT_FOUND}. */
  public static RemoteException notFound(String message) {
    return new RemoteException(RemoteError.NOT_FOUND, message);
  }

  /**
   * The API of a plugin, from its {@code of(node)} ({@code Pht.of(node)}): a {@link RemoteError#UNSUPPORTED} when the
   * node runs without the plugin ({@code weft.plugins.disabled}, or an embedder left it out), nothing a retry fixes.
   */
  public static <T> T unsupportedWithout(Supplier<T> of) {
    try {
      return of.get();
    } catch (WeftException e) {
      throw new RemoteException(RemoteError.UNSUPPORTED, String.valueOf(e.getMessage()));
    }
  }

  /** Which error it is; never null. */
  public RemoteError error() {
    return error;
  }
}
