package dev.weft.messaging;

import dev.weft.api.WeftException;

/** A message could not be delivered: no such node, or it did not acknowledge in time. The message says which. */
public final class UndeliverableException extends WeftException {
  private static final long serialVersionUID = 1L;

  public UndeliverableException(String message) {
    super(message);
  }

  public UndeliverableException(String message, Throwable cause) {
    super(message, cause);
  }
}
