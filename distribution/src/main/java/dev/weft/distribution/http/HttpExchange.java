package dev.weft.distribution.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.spi.HttpCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request being answered, as Jetty gives it and as a route sees it ({@link HttpCall}); every path through it ends
 * in exactly one write, timed by route template, method and status.
 */
final class HttpExchange implements HttpCall {
  private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);
  private static final String JSON_TYPE = "application/json";
  /** Methods the timers name; any other is "other", so a client cannot make up series. */
  private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS");

  final Request request;
  final Response response;
  final Callback callback;
  private final ApiHandler api;
  private final long started = System.nanoTime();
  /** The route template, for the request timers; set once the path was read. */
  String route = "other";
  /** The values of the route's variables, still percent-encoded. */
  Map<String, String> variables = Map.of();

  HttpExchange(ApiHandler api, Request request, Response response, Callback callback) {
    this.api = api;
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  @Override
  public Node node() {
    return api.node();
  }

  @Override
  public String path(String name, String what) {
    String raw = variables.get(name);
    if (raw == null) {
      throw new IllegalArgumentException("route " + route + " has no variable " + name);
    }
    String decoded;
    try {
      decoded = Urls.decodeSegment(raw);
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("invalid " + what + ": " + e.getMessage());
    }
    if (decoded.isEmpty()) {
      throw RemoteException.badRequest("the " + what + " must not be empty");
    }
    return decoded;
  }

  /** Answers 405 unless the request's method is one of {@code allowed} (as {@code Allow} lists them). */
  void allow(String allowed) {
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    throw new RemoteException(RemoteError.METHOD_NOT_ALLOWED, "method " + request.getMethod() + " is not allowed on "
        + request.getHttpURI().getPath() + " (allowed: " + allowed + ")");
  }

  @Override
  public Map<String, String> query(Set<String> known) {
    String raw = request.getHttpURI().getQuery();
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name;
      String value;
      try {
        // '+' is a space in query strings (HTML forms, curl --data-urlencode); in paths it is a plus.
        name = Urls.decodeSegment((eq < 0 ? part : part.substring(0, eq)).replace('+', ' '));
        value = eq < 0 ? "" : Urls.decodeSegment(part.substring(eq + 1).replace('+', ' '));
      } catch (IllegalArgumentException e) {
        throw RemoteException.badRequest("invalid query: " + e.getMessage());
      }
      if (!known.contains(name)) {
        throw RemoteException.badRequest("unknown query parameter '" + name + "'"
            + (known.isEmpty() ? " (this resource takes none)" : " (known: " + String.join(", ", known) + ")"));
      }
      if (out.put(name, value) != null) {
        throw RemoteException.badRequest("query parameter '" + name + "' is given twice");
      }
    }
    return out;
  }

  @Override
  public JsonNode parseJson(String text) {
    try {
      return Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(Json.reason(e), e);
    }
  }

  @Override
  public void readJson(String what, Consumer<JsonNode> then) {
    readBody(api.maxBodyBytes(), body -> {
      JsonNode value;
      try {
        value = Json.parse(body);
      } catch (JsonProcessingException e) {
        error(RemoteError.BAD_REQUEST, "invalid JSON " + what + ": " + Json.reason(e));
        return;
      }
      then.accept(value);
    });
  }

  @Override
  public void readBody(int maxBytes, Consumer<byte[]> then) {
    if (request.getLength() > maxBytes) {
      // Answer before reading: the client may still be sending.
      throw new RemoteException(RemoteError.TOO_LARGE, new BodyReader.TooLargeException(maxBytes).getMessage());
    }
    BodyReader.read(request, maxBytes).whenComplete((body, failure) -> {
      if (failure != null) {
        fail(failure);
        return;
      }
      try {
        then.accept(body);
      } catch (RuntimeException e) {
        fail(e);
      }
    });
  }

  /**
   * {@inheritDoc} The node's future is copied before the time limit is put on it, so the node never sees our timeout;
   * the answer is serialised on Jetty's pool, not the node's event thread.
   */
  @Override
  public <T> void complete(Supplier<CompletableFuture<T>> operation, Function<T, JsonNode> answer,
      UnaryOperator<Throwable> refine) {
    CompletableFuture<T> future;
    try {
      future = operation.get().copy();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.orTimeout(api.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenCompleteAsync((value, failure) -> {
          try {
            if (failure != null) {
              fail(refine.apply(Failures.unwrap(failure)));
            } else {
              ok(answer.apply(value));
            }
          } catch (RuntimeException e) {
            fail(e);
          }
        }, api.executor());
  }

  @Override
  public Duration timeLimit() {
    return api.timeout();
  }

  @Override
  public void ok(JsonNode body) {
    write(200, body);
  }

  @Override
  public void text(String contentType, String body) {
    write(200, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void stream(Function<Consumer<JsonNode>, Runnable> register) {
    api.openStream(this, stream -> register.apply(stream::send));
  }

  void error(RemoteError error, String message) {
    error(error.status(), message);
  }

  private void error(int status, String message) {
    // An error may be answered before the request body was read; if the connection were kept, the unread body
    // would race the client's next request on it. Closing it is cheap: errors are rare.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    write(status, Json.error(message));
  }

  /**
   * Answers a failure: {@link Failures#of} says which {@link RemoteError} it is, as for the gateway; what only HTTP
   * has (a body over the request limit, Jetty's verdict on a request, a client gone) is answered here.
   */
  void fail(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof BodyReader.TooLargeException) {
      error(RemoteError.TOO_LARGE, e.getMessage());
    } else if (e instanceof HttpException h) {
      // Jetty's own verdict on the request, e.g. a broken chunked body: 400.
      error(h.getCode(), h.getReason() == null ? "bad request" : h.getReason());
    } else if (e instanceof IOException) {
      // The client went away or sent a broken body: nobody to answer, but complete the exchange.
      LOG.debug("request {} {} failed while reading: {}", request.getMethod(), request.getHttpURI(), e.toString());
      callback.failed(e);
    } else {
      RemoteException answer = Failures.of(e, api.timeout());
      if (answer.error() == RemoteError.RATE_LIMITED) {
        // The limits are per second: a second later there is room again.
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      } else if (answer.error() == RemoteError.INTERNAL) {
        LOG.error("internal error answering {} {}", request.getMethod(), request.getHttpURI(), e);
      }
      error(answer.error(), answer.getMessage());
    }
  }

  /** Answers {@code status} without a body. */
  void empty(int status) {
    record(status);
    response.setStatus(status);
    response.write(true, null, callback);
  }

  private void record(int status) {
    String method = KNOWN_METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
    api.metrics().request(route, method, status).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  private void write(int status, JsonNode body) {
    write(status, JSON_TYPE, Json.line(body));
  }

  private void write(int status, String contentType, byte[] body) {
    record(status);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
