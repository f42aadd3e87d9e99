package dev.weft.messaging;

import dev.weft.api.WeftException;
import java.util.Objects;

/** A message could not be delivered; {@link #reason()} says why and the message gives the details. */
public final class UndeliverableException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** Why a message was not delivered. */
  public enum Reason {
    /** No live node has the addressed id: a lookup for it found only others. */
    NO_SUCH_NODE,
    /** The addressed node (or every node tried) did not acknowledge in time, or refused. */
    NO_ANSWER
  }

  private final Reason reason;

  public UndeliverableException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public UndeliverableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
