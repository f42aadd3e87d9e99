package dev.weft.transport.websocket.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code ws} transport of a node that cannot listen, opened for {@code ws://super-host:port/relay}: no server, one
 * outgoing connection to a super-node (others from {@code weft.ws.relays} on failure) through which everything is
 * sent and received. Its addresses are the ones the super-node gave it, one per scheme the super-node listens on, and
 * it sends to each of those schemes through the super-node ({@code OUT} frames). When it moves to another super-node
 * the node is told ({@link TransportListener#onAddressesChanged()}).
 *
 * <p>Fail-over: when the connection drops, it tries again after 100 ms, doubling to 5 s, moving on to the next
 * super-node after each failure.
 */
final class RelayedWsTransport extends WsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedWsTransport.class);

  private final List<Address> supers;
  private final Duration timeout;
  /** Random, 16 bytes; the same across reconnects and fail-overs, so a super-node replaces a stale connection. */
  private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private final CompletableFuture<Void> first = new CompletableFuture<>();
  /** Guarded by this. */
  private int index;
  /** Guarded by this. */
  private long backoffMs = 100;
  private volatile ClientConn current;
  /** The relay addresses the current super-node gave: its ws one first. */
  private volatile List<Address> addresses = List.of();

  private RelayedWsTransport(TransportContext context, Tls tls, int maxMessage, long maxQueued, List<Address> supers,
      Duration timeout) {
    super(context, tls, maxMessage, maxQueued);
    this.supers = List.copyOf(supers);
    this.timeout = timeout;
  }

  /**
   * Connects to the first super-node that takes it, waiting up to {@code timeout} for its first address.
   *
   * @throws IOException when no super-node gave it an address in time
   */
  static RelayedWsTransport open(List<Address> supers, TransportContext context, Tls tls, int maxMessage,
      long maxQueued, Duration timeout) throws IOException {
    RelayedWsTransport t = new RelayedWsTransport(context, tls, maxMessage, maxQueued, supers, timeout);
    t.connect();
    try {
      t.first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      t.close();
      throw new IOException("no super-node took this node within " + timeout.toSeconds() + " s: " + supers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      t.close();
      throw new IOException("interrupted while connecting to a super-node");
    }
    return t;
  }

  @Override
  public List<Address> localAddresses() {
    return addresses;
  }

  /** Its super-nodes, which a node given no bootstrap address joins through. */
  @Override
  public List<Address> joinThrough() {
    return supers;
  }

  /** To every scheme the super-node gave this node an address in, all through the super-node. */
  @Override
  public void send(Address to, byte[] message) {
    checkSend(to, message);
    byte[] copy = message.clone();
    if (closed) {
      return;
    }
    ClientConn c = current;
    if (c == null) {
      dropped();
    } else {
      c.send(Frames.out(to.toString(), copy));
    }
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    Address s = supers.get(index % supers.size());
    ClientConn c = new ClientConn(this, URI.create(scheme + "://" + s.host() + ":" + s.port() + PATH),
        Map.of(RELAY_HEADER, token), maxMessage + OVERHEAD, maxQueued, tls);
    c.declared = Address.of(scheme, s.host(), s.port(), "").toString();
    current = c;
    c.connect();
  }

  @Override
  void opened(Conn c) {
    if (closed) {
      c.close(1001, "closing");
    }
  }

  @Override
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

  @Override
  void onMsg(Conn c, Frames.Frame f) {
    if (c != current) {
      malformed(c, "message from a connection that is not this node's link to its super-node");
      return;
    }
    if (!f.second().isEmpty()) {
      malformed(c, "relay frame sent to a node that is no super-node");
      return;
    }
    // The super-node names the sender (any scheme it relays in); "" is the super-node itself.
    String src = f.first().isEmpty() ? c.declared : f.first();
    listener.onMessage(Address.parse(src), f.payload());
  }

  /** The super-node's HELLO: this node's relay address in {@code ws}, and in its other schemes ("" for none). */
  @Override
  void onHello(Conn c, Frames.Frame f) {
    if (c != current) {
      super.onHello(c, f);
      return;
    }
    List<Address> next = new ArrayList<>();
    next.add(Address.parse(f.first()));
    Set<String> schemes = new LinkedHashSet<>(List.of(scheme));
    String others = f.second();
    for (String a : others.isBlank() ? new String[0] : others.trim().split(" ")) {
      Address other = Address.parse(a);
      Relays.tokenOf(other);
      if (schemes.add(other.scheme())) {
        next.add(other);
      }
    }
    synchronized (this) {
      backoffMs = 100;
    }
    boolean changed = !next.equals(addresses);
    addresses = List.copyOf(next);
    first.complete(null);
    if (changed) {
      LOG.info("reachable through super-node {} as {}", c.declared, addresses);
      listener.onAddressesChanged();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ClientConn c = current;
    if (c != null) {
      c.close(1001, "node closing");
    }
  }
}
