package dev.weft.transport.websocket.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.transport.RelayingTransport;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.transport.websocket.WsEndpoints;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code ws} transport listening at {@code ws://host:port}: a Jetty server with the DHT endpoint {@value #PATH}.
 * Connections are opened on demand and reused both ways: a node that connects declares its own address
 * ({@value #ADDRESS_HEADER}), so replies go back over the same connection.
 *
 * <p>It is also a <b>super-node</b>: a node that cannot accept connections registers with it ({@value
 * #RELAY_HEADER}) and is reachable at {@code ws://host:port/relay/<token>}, and through the node's {@link Relays} at a
 * relay address in each other scheme the node listens on; the super-node forwards what is sent there, and sends for
 * it ({@code OUT} frames), in any of those schemes.
 */
final class ListeningWsTransport extends WsTransport implements RelayingTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ListeningWsTransport.class);

  private final int maxRelayed;
  private final WsServer server;
  /** This node's own address text, {@code ws://host:port}. */
  private final String self;
  /** Connections to other listening nodes, by {@code host:port}, whichever side opened them. */
  private final Map<String, Conn> peers = new ConcurrentHashMap<>();
  /** The connections of the nodes relayed here, by token. */
  private final Map<String, Conn> relayed = new ConcurrentHashMap<>();
  /** Hosts known to be (or not to be) this machine's, for a node listening on a wildcard address. */
  private final Map<String, Boolean> localIps = new ConcurrentHashMap<>();
  /** See {@code weft.ws.verify-declared-address}; set once after listening. */
  volatile boolean verifyDeclared = true;
  /** This super-node's JMX bean, unregistered on close. */
  private SuperNodeBean bean;

  private ListeningWsTransport(TransportContext context, Tls tls, int maxMessage, long maxQueued, int maxRelayed,
      WsServer server, String self) {
    super(context, tls, maxMessage, maxQueued);
    this.maxRelayed = maxRelayed;
    this.server = server;
    this.self = self;
  }

  static ListeningWsTransport listen(Address bind, TransportContext context, Tls tls, int maxMessage, long maxQueued,
      int maxRelayed) throws IOException {
    WsServer server = WsServer.start(bind.host(), bind.port(), maxMessage + OVERHEAD,
        tls == null ? null : tls.server());
    String self = Address.of(bind.scheme(), bind.host(), server.port(), "").toString();
    ListeningWsTransport t = new ListeningWsTransport(context, tls, maxMessage, maxQueued, maxRelayed, server, self);
    server.mount(PATH, t::accept);
    t.bean = SuperNodeBean.register(self, t);
    return t;
  }

  @Override
  public List<Address> localAddresses() {
    return List.of(Address.parse(self));
  }

  /** Offers {@link WsEndpoints}: the node's plugins mount endpoints and files on this transport's server. */
  @Override
  public <T> Optional<T> service(Class<T> type) {
    if (type != WsEndpoints.class) {
      return Optional.empty();
    }
    Address address = Address.parse(self);
    return Optional.of(type.cast(new WsEndpoints() {
      @Override
      public Address address() {
        return address;
      }

      @Override
      public void mount(String path, WebSocketCreator creator) {
        server.mount(path, creator);
      }

      @Override
      public void serve(String path, String contentType, byte[] body) {
        server.serve(path, contentType, body);
      }
    }));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending

  @Override
  public void send(Address to, byte[] message) {
    String token = checkSend(to, message);
    byte[] copy = message.clone();
    if (!closed) {
      deliver(self, "", to, token, copy);
    }
  }

  /** {@code ws://host:port/relay/<token>} here ({@code host} when this node listens on a wildcard address). */
  @Override
  public Optional<Address> relayAddress(String token, String host) {
    if (closed) {
      return Optional.empty();
    }
    Address me = Address.parse(self);
    return Optional.of(Relays.address(isWildcard(me.host()) ? Address.of(scheme, host, me.port(), "") : me, token));
  }

  /** Sends for the node relayed here with {@code token}, as if it had sent an {@code OUT} frame. */
  @Override
  public void sendFor(String token, Address to, byte[] message) {
    if (!scheme.equals(to.scheme())) {
      throw new IllegalArgumentException("the " + scheme + " transport cannot send to " + to + " for a relayed node");
    }
    Conn c = relayed.get(token);
    if (c == null || closed) {
      dropped();
      return;
    }
    deliver(c.declared, c.declared, to, tokenOf(to), message.clone());
  }

  /** Forwards to the node relayed here with {@code token}, if it is. */
  @Override
  public boolean deliverTo(String token, Address from, byte[] message) {
    Conn c = relayed.get(token);
    if (c == null) {
      return false;
    }
    c.send(Frames.msg(from.toString(), "", message));
    return true;
  }

  /**
   * Sends {@code payload} from {@code from} (this node, or one of its relayed nodes) to {@code to}; {@code fromText}
   * is "" when from is this node itself.
   */
  private void deliver(String from, String fromText, Address to, String token, byte[] payload) {
    String key = to.host() + ":" + to.port();
    if (isSelf(to)) {
      if (token.isEmpty()) {
        listener.onMessage(Address.parse(from), payload);
      } else {
        Conn c = relayed.get(token);
        if (c == null) {
          dropped();
        } else {
          c.send(Frames.msg(from, "", payload));
        }
      }
      return;
    }
    connection(key, to).send(Frames.msg(fromText, token, payload));
  }

  private boolean isSelf(Address to) {
    Address me = Address.parse(self);
    if (to.port() != me.port()) {
      return false;
    }
    return to.host().equals(me.host()) || isWildcard(me.host()) && isLocalIp(to.host());
  }

  /** Whether {@code host}, an IP literal, is one of this machine's (names are not resolved on the send path). */
  private boolean isLocalIp(String host) {
    if (localIps.size() > 1024) {
      localIps.clear();
    }
    return localIps.computeIfAbsent(host, h -> {
      boolean literal = h.indexOf(':') >= 0 || h.chars().allMatch(ch -> ch == '.' || ch >= '0' && ch <= '9');
      if (!literal) {
        return false;
      }
      try {
        java.net.InetAddress ip = java.net.InetAddress.getByName(h);
        return ip.isLoopbackAddress() || ip.isAnyLocalAddress()
            || java.net.NetworkInterface.getByInetAddress(ip) != null;
      } catch (IOException e) {
        return false;
      }
    });
  }

  private Conn connection(String key, Address to) {
    Conn c = peers.get(key);
    if (c != null && c.isOpen()) {
      return c;
    }
    ClientConn fresh;
    synchronized (peers) {
      c = peers.get(key);
      if (c != null && c.isOpen()) {
        return c;
      }
      fresh = new ClientConn(this, URI.create(scheme + "://" + key + PATH), Map.of(ADDRESS_HEADER, self),
          maxMessage + OVERHEAD, maxQueued, tls);
      fresh.declared = Address.of(scheme, to.host(), to.port(), "").toString();
      peers.put(key, fresh);
    }
    fresh.connect();
    return fresh;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Receiving

  /** An upgrade request to the DHT endpoint: a listening peer, or a node asking to be relayed. */
  private Object accept(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    String remote = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    String token = request.getHeaders().get(RELAY_HEADER);
    String declared = request.getHeaders().get(ADDRESS_HEADER);
    String localIp = Request.getLocalAddr(request);
    if (closed) {
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "closing");
      return null;
    }
    ServerConn c = new ServerConn(this, maxQueued, remote);
    if (token != null) {
      if (!Relays.isToken(token)) {
        Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "bad relay token");
        return null;
      }
      if (relayed.size() >= maxRelayed && !relayed.containsKey(token)) {
        Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
            "this super-node relays for " + maxRelayed + " nodes already");
        return null;
      }
      c.token = token;
      c.declared = relayAddress(token, localIp).orElseThrow().toString();
      c.relayHost = localIp;
      return c;
    }
    if (declared == null) {
      Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "missing " + ADDRESS_HEADER
          + " or " + RELAY_HEADER);
      return null;
    }
    Address a;
    try {
      a = Address.parse(declared);
      if (!scheme.equals(a.scheme()) || !a.path().isEmpty()) {
        throw new IllegalArgumentException("not a listening " + scheme + " address");
      }
    } catch (IllegalArgumentException e) {
      Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "bad " + ADDRESS_HEADER + ": "
          + e.getMessage());
      return null;
    }
    try {
      c.declared = checkedDeclared(a, Request.getRemoteAddr(request)).toString();
    } catch (IllegalArgumentException e) {
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, e.getMessage());
      return null;
    }
    return c;
  }

  /**
   * The address a peer is known by here: what it declared, if that is on the IP it connects from (else a peer could
   * take over another's address: traffic to it would come here); a wildcard host is replaced by that IP.
   */
  Address checkedDeclared(Address declared, String remoteIp) {
    String host = declared.host();
    if (isWildcard(host)) {
      return Address.of(declared.scheme(), remoteIp, declared.port(), "");
    }
    if (!verifyDeclared) {
      return declared;
    }
    try {
      java.net.InetAddress remote = java.net.InetAddress.getByName(remoteIp);
      for (java.net.InetAddress ip : java.net.InetAddress.getAllByName(host)) {
        if (ip.equals(remote)) {
          return declared;
        }
      }
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(ADDRESS_HEADER + " " + declared + " does not resolve: " + e.getMessage());
    }
    throw new IllegalArgumentException(ADDRESS_HEADER + " " + declared + " is not an address of yours (you connect "
        + "from " + remoteIp + ")");
  }

  @Override
  void opened(Conn c) {
    if (c instanceof ServerConn) {
      if (c.token != null) {
        Conn old = relayed.put(c.token, c);
        if (old != null && old != c) {
          old.close(1000, "replaced by a newer connection of the same relayed node");
        }
        List<String> others = new ArrayList<>();
        for (Address a : relays.addressesFor(c.token, c.relayHost)) {
          if (!a.scheme().equals(scheme)) {
            others.add(a.toString());
          }
        }
        c.send(Frames.hello(c.declared, others));
        LOG.debug("relaying for {} ({})", c.declared, c.remote());
      } else {
        Address a = Address.parse(c.declared);
        synchronized (peers) {
          Conn old = peers.get(a.host() + ":" + a.port());
          if (old == null || !old.isOpen()) {
            peers.put(a.host() + ":" + a.port(), c);
          }
        }
      }
    }
    if (closed) {
      c.close(1001, "closing");
    }
  }

  @Override
  void closed(Conn c) {
    if (c.token != null) {
      relayed.remove(c.token, c);
    }
    peers.values().remove(c);
  }

  @Override
  void onMsg(Conn c, Frames.Frame f) {
    String src;
    if (f.first().isEmpty()) {
      src = c.declared;
    } else if (c.declared != null && c.token == null && f.first().startsWith(c.declared + RELAY_PATH + "/")) {
      // A super-node speaking for one of its relayed nodes: only for addresses under its own.
      src = f.first();
    } else {
      malformed(c, "sender " + f.first() + " is not behind " + c.declared);
      return;
    }
    if (src == null) {
      malformed(c, "no sender address");
      return;
    }
    Address from = Address.parse(src);
    if (f.second().isEmpty()) {
      listener.onMessage(from, f.payload());
      return;
    }
    Conn target = relayed.get(f.second());
    if (target == null) {
      dropped();
    } else {
      target.send(Frames.msg(src, "", f.payload()));
    }
  }

  @Override
  void onOut(Conn c, Frames.Frame f) {
    if (c.token == null) {
      super.onOut(c, f);
      return;
    }
    Address to = Address.parse(f.first());
    if (!scheme.equals(to.scheme())) {
      // Another scheme this node listens on: its transport sends it, from the relayed node's address there.
      if (!relays.send(c.token, to, f.payload())) {
        malformed(c, "OUT frame to " + to + ", a scheme this super-node does not relay in");
      }
      return;
    }
    deliver(c.declared, c.declared, to, tokenOf(to), f.payload());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Conn c : new ArrayList<>(peers.values())) {
      c.close(1001, "node closing");
    }
    for (Conn c : new ArrayList<>(relayed.values())) {
      c.close(1001, "super-node closing");
    }
    server.close();
    if (bean != null) {
      bean.unregister();
    }
  }

  int relayedCount() {
    return relayed.size();
  }

  int peerCount() {
    return peers.size();
  }
}
