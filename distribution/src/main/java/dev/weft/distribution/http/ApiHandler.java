package dev.weft.distribution.http;

import dev.weft.api.Node;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.ui.UiFiles;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.spi.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;

/**
 * The routes of the HTTP/JSON API (documented in {@code docs/http-api.md}) over one {@link Node}.
 *
 * <pre>
 *   Jetty thread: handle() ── parse, validate ──► node.storage().get(..)  (returns at once)
 *                                                       │ completes on the node's event thread
 *   Jetty pool:   ◄── whenCompleteAsync ────────────────┘ serialise, response.write(.., callback)
 * </pre>
 *
 * No Jetty thread ever waits for the node: the response is written when the node's future completes, on Jetty's pool
 * so that serialising a page of objects does not hold up the node's event thread. Every failure becomes a JSON error
 * with a status; a bad request cannot escape {@link #handle} as an exception.
 *
 * <p>The routes are a {@link RouteTable}: the node's own ({@link NodeRoutes}, {@link ObjectRoutes}) and those each
 * feature module offers as a {@link dev.weft.remote.spi.RemoteFeature} (messaging, schema, pht). This class keeps what
 * comes before a route: the guard, the token, the UI's files, and the streams' lifecycle.
 *
 * <p>{@code GET /v1/messages/stream} and {@code GET /v1/schema/watch} are the long requests: an {@link NdjsonStream} per
 * client, ended by the client, by a failed write, or by {@link #shutdown()} when the server stops (Jetty calls it on
 * every {@link Graceful} bean, before it waits for the requests in flight, which would otherwise include every open
 * stream).
 */
final class ApiHandler extends Handler.Abstract.NonBlocking implements Graceful {
  /** The {@code warning} of a write or {@code info} on a node with no contact. */
  static final String ALONE = NodeRoutes.ALONE;

  private final Node node;
  private final Executor executor;
  private final int maxBodyBytes;
  private final Duration timeout;
  private final int streamBufferBytes;
  private final Duration heartbeat;
  private final Set<NdjsonStream> streams = ConcurrentHashMap.newKeySet();
  private final Optional<byte[]> token;
  private final ApiGuard guard;
  private final NodeMetrics metrics;
  private final RouteTable routes;
  private volatile boolean shutdown;

  ApiHandler(Node node, Executor executor, HttpApi.Options options, NodeMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
    this.token = options.token().map(t -> ("Bearer " + t).getBytes(StandardCharsets.US_ASCII));
    this.guard = new ApiGuard(options.access(), options.listen());
    this.executor = executor;
    this.maxBodyBytes = options.maxRequestBytes();
    this.timeout = options.requestTimeout();
    this.streamBufferBytes = options.streamBufferBytes();
    this.heartbeat = options.heartbeat();
    List<Route> own = new ArrayList<>(NodeRoutes.routes(metrics));
    own.addAll(ObjectRoutes.routes());
    this.routes = RouteTable.of(own);
  }

  Node node() {
    return node;
  }

  Executor executor() {
    return executor;
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  Duration timeout() {
    return timeout;
  }

  NodeMetrics metrics() {
    return metrics;
  }

  /** Open {@code /v1/messages/stream} and {@code /v1/schema/watch} responses. */
  int openStreams() {
    return streams.size();
  }

  /** Ends every stream cleanly and refuses new ones; the server stops next. */
  @Override
  public CompletableFuture<Void> shutdown() {
    shutdown = true;
    streams.forEach(NdjsonStream::end);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  protected void doStop() throws Exception {
    // Without a graceful stop (stop timeout 0) shutdown() is not called: the streams still end, if they can.
    shutdown();
    super.doStop();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpExchange exchange = new HttpExchange(this, request, response, callback);
    try {
      if (!admitted(exchange)) {
        return true;
      }
      String path = request.getHttpURI().getPath();
      if ("/".equals(path)) {
        // Someone typed the address into a browser: the UI is what they are after.
        exchange.route = "/";
        allow(exchange, "GET, HEAD");
        Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, UiFiles.ROOT + "/", false);
        return true;
      }
      if (path != null && (path.equals(UiFiles.ROOT) || path.startsWith(UiFiles.ROOT + "/"))) {
        // The UI's files hold no data: a browser loads them without the token, then sends it with its API calls.
        exchange.route = UiFiles.ROOT;
        allow(exchange, "GET, HEAD");
        UiFiles.serve(path, request, response, callback);
        return true;
      }
      if (!authorized(request)) {
        exchange.route = "unauthorized";
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"weft\"");
        exchange.error(RemoteError.UNAUTHORIZED, "this node's HTTP API requires a token: send the header"
            + " Authorization: Bearer <" + NodeSettings.API_TOKEN + "> (weft --token, or WEFT_API_TOKEN)");
        return true;
      }
      route(exchange, path);
    } catch (RemoteException e) {
      exchange.error(e.error(), e.getMessage());
    } catch (RuntimeException e) {
      exchange.fail(e);
    }
    return true;
  }

  private static void allow(HttpExchange ex, String methods) {
    if (!List.of(methods.split(", ")).contains(ex.request.getMethod())) {
      ex.allow(methods);
    }
  }

  /** Finds the route of the path in the table: 404 when no template matches, 405 when the method is not one it takes. */
  private void route(HttpExchange ex, String path) {
    RouteTable.Match match = routes.match(path).orElseThrow(() -> RemoteException.notFound("no such resource: "
        + path + " (see " + String.join(", ", routes.templates()) + ")"));
    ex.route = match.template();
    ex.variables = match.variables();
    Route route = match.byMethod().get(ex.request.getMethod());
    if (route == null) {
      ex.allow(match.allowed());
    }
    route.handler().handle(ex);
  }

  /**
   * Applies {@link ApiGuard} before anything else: a refused Host or Origin gets 403 and nothing runs; a listed origin
   * gets its CORS headers, and its preflight is answered here.
   *
   * @return whether the request goes on to its route
   */
  private boolean admitted(HttpExchange ex) {
    HttpFields headers = ex.request.getHeaders();
    HttpFields.Mutable out = ex.response.getHeaders();
    if (guard.listsOrigins()) {
      out.add(HttpHeader.VARY, HttpHeader.ORIGIN.asString());
    }
    String origin = headers.get(HttpHeader.ORIGIN);
    String refusal = guard.refusal(headers.get(HttpHeader.HOST), origin);
    if (refusal != null) {
      ex.route = "forbidden";
      ex.error(RemoteError.FORBIDDEN, refusal);
      return false;
    }
    if (origin == null || !guard.listed(origin)) {
      return true;
    }
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, ApiGuard.CORS_EXPOSED);
    if (!ex.request.getMethod().equals("OPTIONS") || !headers.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
      return true;
    }
    ex.route = "preflight";
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ApiGuard.CORS_METHODS);
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, ApiGuard.CORS_HEADERS);
    out.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, ApiGuard.CORS_MAX_AGE);
    ex.empty(204);
    return false;
  }

  /** Whether the request carries the token, when one is required; compared in constant time. */
  private boolean authorized(Request request) {
    if (token.isEmpty()) {
      return true;
    }
    String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    return given != null && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Answers with an {@link NdjsonStream} that {@code register} feeds: it registers a handler with the node that hands
   * each event to {@link NdjsonStream#send}, and returns what removes that handler again (the registration's {@code
   * close}, as {@code registration::close}: the registering call runs once, when {@code register} does).
   */
  void openStream(HttpExchange ex, Function<NdjsonStream, Runnable> register) {
    if (shutdown) {
      throw new RemoteException(RemoteError.UNAVAILABLE, "the node is stopping");
    }
    NdjsonStream stream = new NdjsonStream(ex.request, ex.response, ex.callback, executor, streamBufferBytes,
        heartbeat, streams::remove);
    streams.add(stream);
    Runnable unregister;
    try {
      unregister = register.apply(stream);
    } catch (RuntimeException e) {
      streams.remove(stream);
      throw e;
    }
    stream.start(unregister);
    if (shutdown) {
      // shutdown() ran between the check above and add(): it may have missed this stream.
      stream.end();
    }
  }
}
