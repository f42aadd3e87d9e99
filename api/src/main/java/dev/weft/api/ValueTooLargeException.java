package dev.weft.api;

/** A value or message is larger than the configured limit; nothing was sent. */
public final class ValueTooLargeException extends WeftException {
  private static final long serialVersionUID = 1L;
  private final int size;
  private final int limit;

  public ValueTooLargeException(String what, int size, int limit) {
    super(what + " is " + size + " bytes, over the limit of " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  public int size() {
    return size;
  }

  public int limit() {
    return limit;
  }
}
