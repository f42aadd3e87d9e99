package dev.weft.api;

/** Base of the errors weft reports through futures and from its builders. */
public class WeftException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WeftException(String message) {
    super(message);
  }

  public WeftException(String message, Throwable cause) {
    super(message, cause);
  }
}
