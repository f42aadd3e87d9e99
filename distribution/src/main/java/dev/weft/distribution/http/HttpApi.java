package dev.weft.distribution.http;

import dev.weft.api.Node;
import dev.weft.distribution.Json;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embedded Jetty server that serves {@link ApiHandler} for one node. Sized for a small node: one acceptor, one
 * selector and a handful of threads, since no thread ever waits for the network. Public, with what {@code weft node}
 * uses: the node's settings build its {@link Options}, the node command starts and closes it.
 */
public final class HttpApi implements AutoCloseable {
  /** Bytes a stream's client may fall behind before it is dropped, when nothing else is said. */
  static final int DEFAULT_STREAM_BUFFER = (int) (long) NodeSettings.API_STREAM_BUFFER.defaultValue().orElseThrow();
  /** {@link #HEARTBEAT} in seconds: a constant, which the CLI reads without loading this class (and Jetty). */
  public static final int HEARTBEAT_SECONDS = 15;
  /**
   * Quiet time after which a stream sends an empty line, and the most a node may wait: half the connector's smallest
   * idle timeout (30 s), so a quiet stream is never closed as idle, and a third of the silence after which {@code weft
   * listen} and {@code weft global watch} give the node up.
   */
  public static final Duration HEARTBEAT = Duration.ofSeconds(HEARTBEAT_SECONDS);
  /** Longest request line and headers taken; longer ones get 414 or 431. */
  static final int REQUEST_HEADER_BYTES = 32 * 1024;

  /**
   * How the API is served.
   *
   * @param listen where to bind; port 0 picks a free port (see {@link #address()})
   * @param maxRequestBytes largest request body accepted; larger ones get 413
   * @param requestTimeout how long a request may wait for the node before it gets 503
   * @param streamBufferBytes how far (in bytes) a client of {@code /v1/messages/stream} or {@code /v1/schema/watch} may
   *     fall behind before it is disconnected
   * @param heartbeat quiet time after which a stream sends an empty line; at most {@link #HEARTBEAT}
   * @param token the bearer token every request but those for {@code /} and {@code /ui/} must carry; empty: none is
   *     asked for
   * @param access the hosts and origins let in besides the defaults ({@link ApiGuard})
   */
  public record Options(HostPort listen, int maxRequestBytes, Duration requestTimeout, int streamBufferBytes,
      Duration heartbeat, Optional<String> token, ApiGuard.Rules access) {
    public Options {
      if (heartbeat.compareTo(HEARTBEAT) > 0 || heartbeat.isNegative() || heartbeat.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive and at most " + HEARTBEAT + ": " + heartbeat);
      }
    }

    Options(HostPort listen, int maxRequestBytes, Duration requestTimeout, int streamBufferBytes,
        Duration heartbeat) {
      this(listen, maxRequestBytes, requestTimeout, streamBufferBytes, heartbeat, Optional.empty(),
          ApiGuard.Rules.DEFAULT);
    }

    Options(HostPort listen, int maxRequestBytes, Duration requestTimeout) {
      this(listen, maxRequestBytes, requestTimeout, DEFAULT_STREAM_BUFFER, HEARTBEAT);
    }

    /** The same with {@code token} required. */
    Options withToken(String newToken) {
      return new Options(listen, maxRequestBytes, requestTimeout, streamBufferBytes, heartbeat,
          Optional.of(newToken), access);
    }

    /** The same with {@code rules} for hosts and origins. */
    Options withAccess(ApiGuard.Rules rules) {
      return new Options(listen, maxRequestBytes, requestTimeout, streamBufferBytes, heartbeat, token, rules);
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final ApiHandler handler;
  private final NodeMetrics metrics;
  private final HostPort address;

  private HttpApi(Server server, ServerConnector connector, ApiHandler handler, NodeMetrics metrics) {
    this.server = server;
    this.connector = connector;
    this.handler = handler;
    this.metrics = metrics;
    this.address = new HostPort(connector.getHost(), connector.getLocalPort());
  }

  /**
   * Starts serving {@code node}.
   *
   * @throws IOException when the address cannot be bound; the message names it
   */
  static HttpApi start(Node node, Options options) throws IOException {
    return start(node, options, Optional.empty());
  }

  /**
   * Starts serving {@code node}, whose persistent store (if any) lives in {@code dataDir}.
   *
   * @throws IOException when the address cannot be bound; the message names it
   */
  public static HttpApi start(Node node, Options options, Optional<Path> dataDir) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("weft-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    server.setStopTimeout(2_000);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Query strings carry JSON: a pht value to remove (weft.pht.max-value-bytes, at most 8 KiB, up to three times that
    // percent-encoded) or a range's cursor, which holds the last entry. Jetty's 8 KiB would cut them short (414).
    http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
    // Namespaces and keys are arbitrary text sent as encoded path segments: %2F, %2E%2E, %5C, %0A and the like are
    // data here, never file paths, so Jetty's checks (meant for servers of files) must let them through. The handler
    // reads the raw path and decodes each segment itself.
    http.setUriCompliance(UriCompliance.DEFAULT.with("weft",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
        UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
        UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS,
        UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));

    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(options.listen().host());
    connector.setPort(options.listen().port());
    connector.setIdleTimeout(Math.max(30_000, options.requestTimeout().toMillis() + 5_000));
    server.addConnector(connector);
    // On stop, requests in flight (a write still replicating) may finish for up to the stop timeout, before the node
    // closes under them. Streams are ended at once instead (ApiHandler is Graceful too).
    NodeMetrics metrics = new NodeMetrics(node, dataDir);
    ApiHandler handler = new ApiHandler(node, threads, options, metrics);
    server.setHandler(new GracefulHandler(handler));
    server.setErrorHandler(new JsonErrorHandler());
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      metrics.close();
      throw new IOException("cannot serve the HTTP API on " + options.listen() + ": " + describe(e), e);
    }
    return new HttpApi(server, connector, handler, metrics);
  }

  /** Where the API listens, with the bound port. */
  public HostPort address() {
    return address;
  }

  /** {@code http://HOST:PORT}. */
  public URI uri() {
    return address.httpUri();
  }

  /**
   * Stops accepting, lets requests in flight finish for up to 2 s, then stops. Idempotent. Takes about a second when
   * clients hold idle keep-alive connections, which Jetty closes gracefully too.
   */
  @Override
  public void close() {
    stopQuietly(server);
    metrics.close();
  }

  /** Clients of {@code GET /v1/messages/stream} and {@code GET /v1/schema/watch} now. */
  int openStreams() {
    return handler.openStreams();
  }

  boolean isRunning() {
    return server.isRunning() && connector.isRunning();
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(HttpApi.class).warn("stopping the HTTP API failed", e);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /**
   * Errors that Jetty answers itself (a malformed request line, a header too large, an exception that escaped) in the
   * same {@code {"error": ...}} form as the API's own, instead of an HTML page.
   */
  private static final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      response.getHeaders().put(JSON);
      response.write(true, body(code, message), callback);
    }

    private static ByteBuffer body(int code, String message) {
      String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
      return ByteBuffer.wrap((Json.text(Json.error(text)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
