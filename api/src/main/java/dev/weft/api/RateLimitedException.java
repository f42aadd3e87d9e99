package dev.weft.api;

/** An operation was refused because its caller went over a configured rate; nothing was done. Retry later. */
public final class RateLimitedException extends WeftException {
  private static final long serialVersionUID = 1L;

  public RateLimitedException(String message) {
    super(message);
  }
}
