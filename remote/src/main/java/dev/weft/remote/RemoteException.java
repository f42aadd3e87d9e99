package dev.weft.remote;

import java.util.Objects;

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

  /** Which error it is; never null. */
  public RemoteError error() {
    return error;
  }
}
