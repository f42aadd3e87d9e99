package dev.weft.gateway;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.transport.websocket.WsEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser gateway of one node: the client endpoint {@code /client} on the node's WebSocket server, {@code
 * /weft.js} with its modules under {@code /weft/}, and the demo page ({@code /}, {@code /demo}). Each connection is a {@link ClientSession} with an id of its
 * own, for which this node looks up, stores and forwards (docs/browser.md).
 *
 * <p>Thread-safe: Jetty threads open and close sessions; answers and events are written from the node's scheduler.
 */
final class Gateway implements Plugin {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  static final String CLIENT_PATH = "/client";
  private static final String WWW = "/dev/weft/gateway/www/";
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  /**
   * The ES modules of {@code www/weft/} that {@code /weft.js} gathers; each is served at {@code /weft/<name>}. They are
   * the npm package's files (clients/weft-js), put into the jar by the build.
   */
  private static final List<String> WEFT_MODULES =
      List.of("errors.js", "bytes.js", "cipher.js", "signer.js", "client.js");
  /** How often every client is pinged, so that idle connections stay open (browsers answer pings themselves). */
  private static final long PING_SECONDS = 60;

  private final Node node;
  private final Scheduler scheduler;
  private final Limits limits;
  private final Origins origins;
  private final Map<NodeId, ClientSession> clients = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;
  private volatile Scheduler.Cancellable pinger;

  private Gateway(Node node, WeftConfig config, Scheduler scheduler, String host) {
    this.node = node;
    this.scheduler = scheduler;
    this.limits = Limits.of(config);
    this.origins = new Origins(config.get(GatewaySettings.ALLOWED_ORIGINS), host);
  }

  /**
   * Serves browser clients of {@code node} on the WebSocket transport's {@code server}.
   *
   * @throws WeftException when a setting is invalid or the static files are missing from the jar
   */
  static Gateway start(Node node, WsEndpoints server, WeftConfig config, Scheduler scheduler) {
    Gateway g = new Gateway(node, config, scheduler, server.address().host());
    byte[] demo = resource("demo.html");
    server.serve("/weft.js", JAVASCRIPT, resource("weft.js"));
    for (String module : WEFT_MODULES) {
      server.serve("/weft/" + module, JAVASCRIPT, resource("weft/" + module));
    }
    server.serve("/", "text/html; charset=utf-8", demo);
    server.serve("/demo", "text/html; charset=utf-8", demo);
    server.mount(CLIENT_PATH, g::create);
    g.schedulePing();
    return g;
  }

  private static byte[] resource(String name) {
    try (InputStream in = Gateway.class.getResourceAsStream(WWW + name)) {
      if (in == null) {
        throw new WeftException("the gateway's " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new WeftException("cannot read the gateway's " + name + ": " + e.getMessage(), e);
    }
  }

  /** The endpoint for an upgrade request of {@code /client}, or null (and an HTTP error) when it is refused. */
  private Object create(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!origins.allows(origin, request.getHeaders().get(HttpHeader.HOST))) {
      LOG.debug("refused a client from origin {}", origin);
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "origin " + origin
          + " may not connect (see weft.ws.allowed-origins)");
      return null;
    }
    if (closed) {
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "the node is stopping");
      return null;
    }
    String requested = Request.extractQueryParameters(request).getValue("id");
    NodeId id;
    String refusal = null;
    if (requested == null) {
      id = NodeId.random(random);
    } else {
      NodeId parsed = null;
      try {
        parsed = NodeId.fromHex(requested);
      } catch (IllegalArgumentException e) {
        refusal = "invalid id: " + e.getMessage();
      }
      id = parsed;
    }
    // A bad id is told over the WebSocket (close code 4400): a page cannot read the status of a refused upgrade.
    return new ClientSession(this, id, refusal, Modules.of(node));
  }

  Node node() {
    return node;
  }

  Limits limits() {
    return limits;
  }

  /**
   * A new executor for one client's answers and events: on the node's scheduler (never a Jetty or event thread), one
   * task at a time in order, so that events reach the client in the order the node learned them.
   */
  Executor newClientExecutor() {
    return scheduler.sequential();
  }

  long nanoTime() {
    return scheduler.nanoTime();
  }

  /**
   * Registers a client that opened its connection.
   *
   * @return null when it is admitted, else how to close its connection
   */
  ClientSession.Close admit(ClientSession client) {
    if (closed) {
      return new ClientSession.Close(ClientSession.CLOSE_UNAVAILABLE, "unavailable: the node is stopping");
    }
    if (client.id().equals(node.id())) {
      return new ClientSession.Close(ClientSession.CLOSE_CONFLICT, "conflict: that id is the node's own");
    }
    synchronized (clients) {
      if (clients.size() >= limits.maxClients()) {
        return new ClientSession.Close(ClientSession.CLOSE_UNAVAILABLE, "unavailable: the node serves " + limits.maxClients()
            + " clients already");
      }
      if (clients.putIfAbsent(client.id(), client) != null) {
        return new ClientSession.Close(ClientSession.CLOSE_CONFLICT, "conflict: client " + client.id().toHex()
            + " is connected already");
      }
    }
    return null;
  }

  void remove(ClientSession client) {
    clients.remove(client.id(), client);
  }

  /** Clients connected now. */
  int clientCount() {
    return clients.size();
  }

  private void schedulePing() {
    if (closed) {
      return;
    }
    pinger = scheduler.schedule(() -> {
      for (ClientSession c : List.copyOf(clients.values())) {
        c.ping();
      }
      schedulePing();
    }, PING_SECONDS, TimeUnit.SECONDS);
  }

  /** Disconnects every client (4503); new connections are refused. The files stay served until the server stops. */
  @Override
  public void close() {
    closed = true;
    Scheduler.Cancellable p = pinger;
    if (p != null) {
      p.cancel();
    }
    for (ClientSession c : List.copyOf(clients.values())) {
      c.close(ClientSession.CLOSE_UNAVAILABLE, "unavailable: the node is stopping");
    }
  }
}
