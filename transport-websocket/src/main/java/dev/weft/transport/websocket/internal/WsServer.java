package dev.weft.transport.websocket.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Jetty server of a listening WebSocket transport: the DHT endpoint {@code /weft}, and whatever else the node
 * mounts on the same port through {@link dev.weft.transport.websocket.WsEndpoints} (the browser gateway's {@code
 * /client} endpoint, {@code weft.js}, the demo page).
 */
final class WsServer implements AutoCloseable {

  private final Server server;
  private final ServerWebSocketContainer container;
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final int port;

  /** A static file served by the node. */
  private record Resource(String contentType, byte[] body) {}

  private WsServer(Server server, ServerWebSocketContainer container, int port) {
    this.server = server;
    this.container = container;
    this.port = port;
  }

  /** Starts a server on {@code host:port} (0: any free port). */
  static WsServer start(String host, int port, long maxMessageBytes) throws IOException {
    return start(host, port, maxMessageBytes, null);
  }

  /** Starts a server on {@code host:port}; with TLS ({@code wss}) when {@code tls} is not null. */
  static WsServer start(String host, int port, long maxMessageBytes,
      org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("weft-ws-" + port);
    threads.setDaemon(true);
    Server server = new Server(threads);
    ServerConnector connector = tls == null ? new ServerConnector(server, 1, 1)
        : new ServerConnector(server, 1, 1, tls);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, c -> {
      c.setMaxBinaryMessageSize(maxMessageBytes);
      c.setMaxTextMessageSize(maxMessageBytes);
      c.setIdleTimeout(Duration.ofMinutes(10));
    });
    WsServer[] self = new WsServer[1];
    ws.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        return self[0].serve(request, response, callback);
      }
    });
    server.setHandler(ws);
    server.setStopTimeout(1000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // Already failed.
      }
      throw new IOException("cannot listen on " + (tls == null ? "ws" : "wss") + "://" + host + ":" + port + ": "
          + rootMessage(e), e);
    }
    int bound = connector.getLocalPort();
    self[0] = new WsServer(server, ws.getServerWebSocketContainer(), bound);
    return self[0];
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  /** Adds a WebSocket endpoint at {@code path} (exact match). */
  void mount(String path, WebSocketCreator creator) {
    container.addMapping(path, creator);
  }

  /** Serves {@code body} for GET requests of {@code path}, to pages of any origin. */
  void serve(String path, String contentType, byte[] body) {
    resources.put(path, new Resource(contentType, body.clone()));
  }

  private boolean serve(Request request, Response response, Callback callback) {
    Resource r = resources.get(Request.getPathInContext(request));
    if (r == null || !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
      Response.writeError(request, response, callback, r == null ? HttpStatus.NOT_FOUND_404
          : HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    // Static files are public (weft.js, the demo): a page of any origin may import them as modules, which needs CORS.
    // Who may then connect to /client is the gateway's origin check, not this.
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    response.write(true, request.getMethod().equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(r.body()),
        callback);
    return true;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping is best effort; the threads are daemons.
    }
  }
}
