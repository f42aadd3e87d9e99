package dev.weft.remote;

/**
 * The errors of weft's remote face, each with the HTTP status the HTTP API answers and the code the browser gateway
 * sends ({@code {"code", "message"}}; its close codes are 4000 + the status). Declared once so that the two faces
 * cannot drift apart: a value over a node's limit is {@link #TOO_LARGE} on every route and every op.
 *
 * <p>Which exception is which error: {@link Failures#of}.
 *
 * @since 0.1.0
 */
public enum RemoteError {
  /** The caller's request is wrong: a bad name, field, limit, key or JSON. */
  BAD_REQUEST(400, "bad-request"),
  /** The HTTP API requires a token the request does not carry. HTTP only. */
  UNAUTHORIZED(401, "unauthorized"),
  /** The Host or Origin of the request is not one the node answers. */
  FORBIDDEN(403, "forbidden"),
  /** A missing object, global, index or node. */
  NOT_FOUND(404, "not-found"),
  /** The method is not one the path takes. HTTP only. */
  METHOD_NOT_ALLOWED(405, "method-not-allowed"),
  /** The node refuses the write as things stand (a global it may not take, an index of another type). */
  CONFLICT(409, "conflict"),
  /** A value, message or request over the node's limit. */
  TOO_LARGE(413, "too-large"),
  /** Over a rate or in-flight limit; a second later there is room again. */
  RATE_LIMITED(429, "rate-limited"),
  /** A bug in the node (logged). */
  INTERNAL(500, "internal"),
  /** The node does not run the module the request is for. */
  UNSUPPORTED(501, "unsupported"),
  /** The network could not serve the request, or the node did not answer in time, or it stops. */
  UNAVAILABLE(503, "unavailable");

  private final int status;
  private final String code;

  RemoteError(int status, String code) {
    this.status = status;
    this.code = code;
  }

  /** The HTTP status of the error. */
  public int status() {
    return status;
  }

  /** The gateway's code of the error, e.g. {@code too-large}. */
  public String code() {
    return code;
  }

  /** The gateway's close code for a connection closed for this error: 4000 + {@link #status()}. */
  public int closeCode() {
    return 4000 + status;
  }
}
