package dev.weft.transport.websocket.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ws} transport: what its two kinds share — the frames of the DHT endpoint ({@link Frames}), the
 * connections' callbacks, limits and counters. The kinds:
 *
 * <ul>
 *   <li>{@link ListeningWsTransport} ({@code ws://host:port}): a server; also a super-node for nodes that cannot
 *       listen;
 *   <li>{@link RelayedWsTransport} ({@code ws://super-host:port/relay}): no server, one outgoing connection to a
 *       super-node through which everything goes.
 * </ul>
 *
 * <h2>Threads</h2>
 * Connections call {@link #opened}, {@link #closed} and {@link #onFrame} on their own threads (Jetty's for a server
 * side, Java-WebSocket's for a client side), concurrently; the listener is called on them.
 */
abstract class WsTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(WsTransport.class);
  /** The upgrade header in which a connecting listening node declares its own address. */
  static final String ADDRESS_HEADER = "X-Weft-Address";
  /** The upgrade header in which a node asks to be relayed, with its token. */
  static final String RELAY_HEADER = "X-Weft-Relay";
  /** The DHT endpoint's path. */
  static final String PATH = "/weft";
  static final String RELAY_PATH = Relays.PATH;
  /** Room for the frame header around a message. */
  static final int OVERHEAD = 2 * Frames.MAX_TEXT + 8;

  final TransportListener listener;
  final Relays relays;
  final Scheduler scheduler;
  /** {@code ws}, or {@code wss} with {@link #tls}. */
  final String scheme;
  final Tls tls;
  final int maxMessage;
  final long maxQueued;
  final LongAdder drops = new LongAdder();
  volatile boolean closed;

  WsTransport(TransportContext context, Tls tls, int maxMessage, long maxQueued) {
    this.tls = tls;
    this.scheme = tls == null ? "ws" : "wss";
    this.listener = context.listener();
    this.relays = context.relays();
    this.scheduler = context.scheduler();
    this.maxMessage = maxMessage;
    this.maxQueued = maxQueued;
  }

  @Override
  public int maxMessageSize() {
    return maxMessage;
  }

  void dropped() {
    drops.increment();
  }

  /**
   * Checks what {@link #send} is given.
   *
   * @return the destination's relay token, "" for a node's own address
   * @throws IllegalArgumentException for a scheme this transport cannot send to, a message over the limit, or an
   *     address with another path
   */
  final String checkSend(Address to, byte[] message) {
    if (!schemes().contains(to.scheme())) {
      throw new IllegalArgumentException("the " + scheme + " transport cannot send to " + to);
    }
    if (message.length > maxMessage) {
      throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the maximum of "
          + maxMessage);
    }
    return tokenOf(to);
  }

  /** The relay token of a relay address, "" for a node's own address. */
  static String tokenOf(Address to) {
    return Relays.tokenOf(to).orElse("");
  }

  static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  /** A connection finished its handshake. */
  abstract void opened(Conn c);

  /** A connection closed or failed. */
  abstract void closed(Conn c);

  /** A {@code MSG} frame: a DHT message for this node, or (at a super-node) for one of its relayed nodes. */
  abstract void onMsg(Conn c, Frames.Frame f);

  /** An {@code OUT} frame: a relayed node asks its super-node to send for it. Only a super-node takes one. */
  void onOut(Conn c, Frames.Frame f) {
    malformed(c, "OUT frame from a node this one does not relay for");
  }

  /** A {@code HELLO} frame: a super-node gives a relayed node its addresses. Only a relayed node takes one. */
  void onHello(Conn c, Frames.Frame f) {
    malformed(c, "unexpected HELLO");
  }

  /** One binary frame from {@code c}: decoded and dispatched; nothing a peer sends throws out of here. */
  final void onFrame(Conn c, ByteBuffer bytes) {
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
        case Frames.MSG -> onMsg(c, f);
        case Frames.OUT -> onOut(c, f);
        case Frames.HELLO -> onHello(c, f);
        default -> malformed(c, "unknown frame");
      }
    } catch (IllegalArgumentException e) {
      malformed(c, e.getMessage());
    } catch (RuntimeException e) {
      // A throwing listener loses its message, never the connection.
      LOG.warn("listener failed on a message from {}", c.declared, e);
    }
  }

  final void malformed(Conn c, String reason) {
    String from = c.declared != null ? c.declared : scheme + "://" + c.remote();
    Address a;
    try {
      a = Address.parse(from);
    } catch (IllegalArgumentException e) {
      a = Address.of(scheme, "unknown", 0, "");
    }
    listener.onMalformed(a, reason);
  }
}
