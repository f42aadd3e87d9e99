package dev.weft.transport.websocket.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.RelayingTransport;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ws} transport. Two modes:
 *
 * <ul>
 *   <li><b>Listening</b> ({@code ws://host:port}): a Jetty server with the DHT endpoint {@code /weft}. Connections are
 *       opened on demand and reused both ways: a node that connects declares its own address
 *       ({@value #ADDRESS_HEADER}), so replies go back over the same connection. A listening node is also a
 *       <b>super-node</b>: nodes that cannot accept connections register with it ({@value #RELAY_HEADER}) and are
 *       reachable at {@code ws://host:port/relay/<token>}; it forwards what is sent there, and sends for them.
 *   <li><b>Relayed</b> ({@code ws://super-host:port/relay}): no server; one outgoing connection to a super-node (others
 *       from {@code weft.ws.relays} on failure), through which everything is sent and received. Its addresses are the
 *       ones the super-node gave it, one per scheme the super-node listens on (its {@link Relays}), and it sends to
 *       each of those schemes through the super-node; when it moves to another super-node the node is told
 *       ({@link TransportListener#onAddressesChanged()}).
 * </ul>
 */
final class WsTransport implements RelayingTransport {
  private static final Logger LOG = LoggerFactory.getLogger(WsTransport.class);
  static final String ADDRESS_HEADER = "X-Weft-Address";
  /** See {@code weft.ws.verify-declared-address}; set once after listening. */
  volatile boolean verifyDeclared = true;
  static final String RELAY_HEADER = "X-Weft-Relay";
  static final String PATH = "/weft";
  static final String RELAY_PATH = Relays.PATH;
  /** Room for the frame header around a message. */
  private static final int OVERHEAD = 2 * Frames.MAX_TEXT + 8;

  private final TransportListener listener;
  private final Relays relays;
  private final Scheduler scheduler;
  /** {@code ws}, or {@code wss} with {@link #tls}. */
  private final String scheme;
  private final Tls tls;
  private final int maxMessage;
  private final long maxQueued;
  private final int maxRelayed;
  /** Listening mode: the server and this node's own address text; null when relayed. */
  private final WsServer server;
  private final String self;
  /** Connections to other listening nodes, by {@code host:port}, whichever side opened them. */
  private final Map<String, Conn> peers = new ConcurrentHashMap<>();
  /** At a super-node: the connections of its relayed nodes, by token. */
  private final Map<String, Conn> relayed = new ConcurrentHashMap<>();
  /** Relayed mode: the link to the super-node; null when listening. */
  private final RelayLink link;
  final LongAdder drops = new LongAdder();
  /** Listening mode: this super-node's JMX bean, unregistered on close. */
  private SuperNodeBean bean;
  private volatile boolean closed;

  private WsTransport(TransportContext context, Tls tls, int maxMessage, long maxQueued, int maxRelayed,
      WsServer server, String self, List<Address> relays, java.time.Duration relayTimeout) {
    this.tls = tls;
    this.scheme = tls == null ? "ws" : "wss";
    this.listener = context.listener();
    this.relays = context.relays();
    this.scheduler = context.scheduler();
    this.maxMessage = maxMessage;
    this.maxQueued = maxQueued;
    this.maxRelayed = maxRelayed;
    this.server = server;
    this.self = self;
    this.link = relays.isEmpty() ? null : new RelayLink(relays, relayTimeout);
  }

  static WsTransport listen(Address bind, TransportContext context, Tls tls, int maxMessage, long maxQueued,
      int maxRelayed) throws IOException {
    WsServer server = WsServer.start(bind.host(), bind.port(), maxMessage + OVERHEAD,
        tls == null ? null : tls.server());
    String self = Address.of(bind.scheme(), bind.host(), server.port(), "").toString();
    WsTransport t = new WsTransport(context, tls, maxMessage, maxQueued, maxRelayed, server, self, List.of(), null);
    server.mount(PATH, (request, response, callback) -> t.accept(request, response, callback));
    t.bean = SuperNodeBean.register(self, t);
    return t;
  }

  static WsTransport relayed(List<Address> relays, TransportContext context, Tls tls, int maxMessage,
      long maxQueued, java.time.Duration timeout) throws IOException {
    WsTransport t = new WsTransport(context, tls, maxMessage, maxQueued, 0, null, null, relays, timeout);
    t.link.start();
    return t;
  }

  @Override
  public List<Address> localAddresses() {
    if (link != null) {
      return link.addresses;
    }
    return List.of(Address.parse(self));
  }

  /** Relayed: its super-nodes, which a node given no bootstrap address joins through. */
  @Override
  public List<Address> joinThrough() {
    return link == null ? List.of() : link.supers;
  }

  @Override
  public int maxMessageSize() {
    return maxMessage;
  }

  void dropped() {
    drops.increment();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending

  /**
   * Listening: to {@code ws} addresses. Relayed: to every scheme the super-node gave this node an address in, all
   * through the super-node.
   */
  @Override
  public void send(Address to, byte[] message) {
    boolean ours = scheme.equals(to.scheme());
    if (!ours && (link == null || !schemes().contains(to.scheme()))) {
      throw new IllegalArgumentException("the " + scheme + " transport cannot send to " + to);
    }
    if (message.length > maxMessage) {
      throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the maximum of "
          + maxMessage);
    }
    String token = tokenOf(to);
    byte[] copy = message.clone();
    if (closed) {
      return;
    }
    if (link != null) {
      link.send(Frames.out(to.toString(), copy));
      return;
    }
    deliver(self, "", to, token, copy);
  }

  /** The relay token of a relay address, "" for a node's own address. */
  private static String tokenOf(Address to) {
    return Relays.tokenOf(to).orElse("");
  }

  /** Listening: {@code ws://host:port/relay/<token>} here ({@code host} when this node listens on a wildcard). */
  @Override
  public Optional<Address> relayAddress(String token, String host) {
    if (link != null || closed) {
      return Optional.empty();
    }
    Address me = Address.parse(self);
    return Optional.of(Relays.address(isWildcard(me.host()) ? Address.of(scheme, host, me.port(), "") : me, token));
  }

  /** Listening: sends for the node relayed here with {@code token}, as if it had sent an {@code OUT} frame. */
  @Override
  public void sendFor(String token, Address to, byte[] message) {
    if (!scheme.equals(to.scheme()) || link != null) {
      throw new IllegalArgumentException("the " + scheme + " transport cannot send to " + to + " for a relayed node");
    }
    Conn c = relayed.get(token);
    if (c == null || closed) {
      dropped();
      return;
    }
    deliver(c.declared, c.declared, to, tokenOf(to), message.clone());
  }

  /** Listening: forwards to the node relayed here with {@code token}, if it is. */
  @Override
  public boolean deliverTo(String token, Address from, byte[] message) {
    Conn c = link == null ? relayed.get(token) : null;
    if (c == null) {
      return false;
    }
    c.send(Frames.msg(from.toString(), "", message));
    return true;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  /**
   * Listening mode: sends {@code payload} from {@code from} (this node, or one of its relayed nodes) to {@code to};
   * {@code fromText} is "" when from is this node itself.
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

  /** Hosts known to be (or not to be) this machine's, for a node listening on a wildcard address. */
  private final Map<String, Boolean> localIps = new ConcurrentHashMap<>();

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
  private Object accept(org.eclipse.jetty.websocket.server.ServerUpgradeRequest request,
      org.eclipse.jetty.websocket.server.ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback) {
    String remote = org.eclipse.jetty.server.Request.getRemoteAddr(request) + ":"
        + org.eclipse.jetty.server.Request.getRemotePort(request);
    String token = request.getHeaders().get(RELAY_HEADER);
    String declared = request.getHeaders().get(ADDRESS_HEADER);
    String localIp = org.eclipse.jetty.server.Request.getLocalAddr(request);
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
    String remoteIp = org.eclipse.jetty.server.Request.getRemoteAddr(request);
    try {
      c.declared = checkedDeclared(a, remoteIp).toString();
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
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
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

  void closed(Conn c) {
    if (c.token != null) {
      relayed.remove(c.token, c);
    }
    peers.values().remove(c);
    if (link != null) {
      link.closed(c);
    }
  }

  void onFrame(Conn c, ByteBuffer bytes) {
    if (closed) {
      return;
    }
    Frames.Frame f;
    try {
      f = Frames.decode(bytes);
    } catch (IllegalArgumentException e) {
      malformed(c, e.getMessage());
      return;
    }
    try {
      switch (f.type()) {
        case Frames.MSG:
          onMsg(c, f);
          break;
        case Frames.OUT:
          onOut(c, f);
          break;
        case Frames.HELLO:
          if (link == null || !link.isCurrent(c)) {
            malformed(c, "unexpected HELLO");
          } else {
            link.hello(f.first(), f.second());
          }
          break;
        default:
          malformed(c, "unknown frame");
      }
    } catch (IllegalArgumentException e) {
      malformed(c, e.getMessage());
    } catch (RuntimeException e) {
      // A throwing listener loses its message, never the connection.
      LOG.warn("listener failed on a message from {}", c.declared, e);
    }
  }

  private void onMsg(Conn c, Frames.Frame f) {
    String src;
    if (f.first().isEmpty()) {
      src = c.declared;
    } else if (link != null && link.isCurrent(c)) {
      src = f.first();
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
    if (server == null) {
      malformed(c, "relay frame sent to a node that is no super-node");
      return;
    }
    Conn target = relayed.get(f.second());
    if (target == null) {
      dropped();
    } else {
      target.send(Frames.msg(src, "", f.payload()));
    }
  }

  private void onOut(Conn c, Frames.Frame f) {
    if (c.token == null || server == null) {
      malformed(c, "OUT frame from a node this one does not relay for");
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

  private void malformed(Conn c, String reason) {
    String from = c.declared != null ? c.declared : scheme + "://" + c.remote();
    Address a;
    try {
      a = Address.parse(from);
    } catch (IllegalArgumentException e) {
      a = Address.of(scheme, "unknown", 0, "");
    }
    listener.onMalformed(a, reason);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (link != null) {
      link.close();
    }
    for (Conn c : new ArrayList<>(peers.values())) {
      c.close(1001, "node closing");
    }
    for (Conn c : new ArrayList<>(relayed.values())) {
      c.close(1001, "super-node closing");
    }
    if (server != null) {
      server.close();
    }
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

  // ---------------------------------------------------------------------------------------------------------------
  // Relayed mode

  /** A relayed node's link to its super-node: reconnects with backoff, moving to the next super-node on failure. */
  private final class RelayLink {
    final List<Address> supers;
    private final java.time.Duration timeout;
    private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final CompletableFuture<Void> first = new CompletableFuture<>();
    private int index;
    private long backoffMs = 100;
    private volatile ClientConn current;
    /** The relay addresses the current super-node gave: its ws one first. */
    volatile List<Address> addresses = List.of();

    RelayLink(List<Address> supers, java.time.Duration timeout) {
      this.supers = List.copyOf(supers);
      this.timeout = timeout;
    }

    void start() throws IOException {
      connect();
      try {
        first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        WsTransport.this.close();
        throw new IOException("no super-node took this node within " + timeout.toSeconds() + " s: " + supers);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        WsTransport.this.close();
        throw new IOException("interrupted while connecting to a super-node");
      }
    }

    private synchronized void connect() {
      if (closed) {
        return;
      }
      Address s = supers.get(index % supers.size());
      ClientConn c = new ClientConn(WsTransport.this, URI.create(scheme + "://" + s.host() + ":" + s.port() + PATH),
          Map.of(RELAY_HEADER, token), maxMessage + OVERHEAD, maxQueued, tls);
      c.declared = Address.of(scheme, s.host(), s.port(), "").toString();
      current = c;
      c.connect();
    }

    boolean isCurrent(Conn c) {
      return c == current;
    }

    /** The super-node's HELLO: this node's relay address in {@code ws}, and in its other schemes ("" for none). */
    void hello(String relayAddress, String others) {
      List<Address> next = new ArrayList<>();
      next.add(Address.parse(relayAddress));
      Set<String> schemes = new LinkedHashSet<>(List.of(scheme));
      for (String a : others.isBlank() ? new String[0] : others.trim().split(" ")) {
        Address other = Address.parse(a);
        Relays.tokenOf(other);
        if (schemes.add(other.scheme())) {
          next.add(other);
        }
      }
      backoffMs = 100;
      boolean changed = !next.equals(addresses);
      addresses = List.copyOf(next);
      first.complete(null);
      if (changed) {
        LOG.info("reachable through super-node {} as {}", current.declared, addresses);
        listener.onAddressesChanged();
      }
    }

    void send(ByteBuffer frame) {
      ClientConn c = current;
      if (c == null) {
        dropped();
      } else {
        c.send(frame);
      }
    }

    synchronized void closed(Conn c) {
      if (c != current || closed) {
        return;
      }
      current = null;
      // A link that never got its HELLO, or dropped: try the next super-node after a pause.
      index++;
      long delay = backoffMs;
      backoffMs = Math.min(5_000, backoffMs * 2);
      LOG.debug("lost super-node {}; next try in {} ms", c.declared, delay);
      scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    void close() {
      ClientConn c = current;
      if (c != null) {
        c.close(1001, "node closing");
      }
    }
  }
}
