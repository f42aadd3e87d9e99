package dev.weft.transport.websocket.gateway;

import dev.weft.api.ConfigException;
import dev.weft.api.LookupFailedException;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A request the gateway answers with an error: {@code {"code", "message"}}. The codes are those of the HTTP API's
 * statuses (docs/http-api.md), by name: {@code bad-request} (400), {@code not-found} (404), {@code conflict} (409),
 * {@code too-large} (413), {@code rate-limited} (429), {@code internal} (500), {@code unsupported} (501), {@code
 * unavailable} (503).
 */
final class ClientError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String BAD_REQUEST = "bad-request";
  static final String NOT_FOUND = "not-found";
  static final String CONFLICT = "conflict";
  static final String TOO_LARGE = "too-large";
  static final String RATE_LIMITED = "rate-limited";
  static final String INTERNAL = "internal";
  static final String UNSUPPORTED = "unsupported";
  static final String UNAVAILABLE = "unavailable";

  final String code;

  ClientError(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  static ClientError badRequest(String message) {
    return new ClientError(BAD_REQUEST, message);
  }

  /**
   * The error a failure of the node's API stands for: the caller's fault is {@code bad-request} (or more precise),
   * the network's {@code unavailable}, anything else {@code internal} (a bug, logged by the caller). The exceptions of
   * optional modules are mapped by their {@link Module#refine}, so that this class works without them.
   */
  static ClientError of(Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof ClientError c) {
      return c;
    }
    if (e instanceof ValueTooLargeException) {
      return new ClientError(TOO_LARGE, e.getMessage());
    }
    if (e instanceof RateLimitedException) {
      return new ClientError(RATE_LIMITED, e.getMessage());
    }
    if (e instanceof IllegalArgumentException || e instanceof ConfigException) {
      return badRequest(e.getMessage());
    }
    if (e instanceof TimeoutException) {
      return new ClientError(UNAVAILABLE, "the node did not answer in time");
    }
    if (e instanceof LookupFailedException) {
      return new ClientError(UNAVAILABLE, "lookup failed: " + e.getMessage());
    }
    if (e instanceof WeftException) {
      return new ClientError(UNAVAILABLE, e.getMessage());
    }
    return new ClientError(INTERNAL, "internal error: " + e);
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
