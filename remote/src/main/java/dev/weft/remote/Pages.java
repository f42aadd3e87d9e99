package dev.weft.remote;

/**
 * Page sizes of the listing requests ({@code GET /v1/objects}, {@code lscan}, range and rectangle queries), the same
 * on both faces.
 *
 * @since 0.1.0
 */
public final class Pages {
  /** Page size when none is asked for. */
  public static final int DEFAULT = 100;
  /** Largest page a client may ask for: bounds the memory one request takes. */
  public static final int MAX = 1000;
  /** Longest namespace or key, as the DHT bounds them. */
  public static final int MAX_NAME = 1024;

  private Pages() {}

  /**
   * The page size asked for with a query parameter {@code limit}, else {@link #DEFAULT}.
   *
   * @param asked the parameter's text, or null when it was not given
   * @throws RemoteException {@link RemoteError#BAD_REQUEST} when it is not a whole number from 1 to {@link #MAX}
   */
  public static int of(String asked) {
    if (asked == null) {
      return DEFAULT;
    }
    long limit;
    try {
      limit = Long.parseLong(asked);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    return check(limit, asked);
  }

  /**
   * Checks a page size asked for.
   *
   * @param asked the size as the client wrote it, for the message
   * @throws RemoteException {@link RemoteError#BAD_REQUEST} when {@code limit} is not from 1 to {@link #MAX}
   */
  public static int check(long limit, String asked) {
    if (limit < 1 || limit > MAX) {
      throw RemoteException.badRequest("invalid limit '" + asked + "' (expected 1 to " + MAX + ")");
    }
    return (int) limit;
  }
}
