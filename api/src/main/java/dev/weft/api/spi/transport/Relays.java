package dev.weft.api.spi.transport;

import dev.weft.api.Address;
import java.util.List;
import java.util.Optional;

/**
 * A super-node's switchboard: moves the traffic of the nodes it relays between its transports, so that a relayed node
 * is reachable in every scheme its super-node listens on, and reaches every scheme itself.
 *
 * <pre>
 *   UDP-only peer ── udp://S/relay/T ──► S: udp transport ─ deliver(T) ─► ws transport ── link ──► relayed node T
 *   relayed node T ── link ──► S: ws transport ─ send(T, udp://peer) ─► udp transport ── from udp://S/relay/T ──► peer
 * </pre>
 *
 * A relayed node has one <b>relay address</b> per scheme of its super-node: {@code scheme://host:port/relay/<token>},
 * where {@code host:port} is where the super-node listens in that scheme and the token names the relayed node there.
 * The node hands every transport it opens the same instance ({@link TransportContext#relays()}); transports that can
 * carry relayed traffic implement {@link RelayingTransport}.
 *
 * <h2>Thread safety</h2>
 * Thread-safe; called on transport threads. Never blocks, never throws for network errors.
 *
 * @since 0.1.0
 */
public interface Relays {
  /** The path of a relay address before its token: {@code scheme://host:port/relay/<token>}. */
  String PATH = "/relay";

  /** Whether {@code text} is a relay token: 8 to 64 characters of {@code A-Z a-z 0-9 _ -}. */
  static boolean isToken(String text) {
    if (text == null || text.length() < 8 || text.length() > 64) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The relay token of {@code address}: empty for a node's own address (no path).
   *
   * @throws IllegalArgumentException when the address has another path
   */
  static Optional<String> tokenOf(Address address) {
    String path = address.path();
    if (path.isEmpty()) {
      return Optional.empty();
    }
    String prefix = PATH + "/";
    if (path.startsWith(prefix) && isToken(path.substring(prefix.length()))) {
      return Optional.of(path.substring(prefix.length()));
    }
    throw new IllegalArgumentException("not a node address: " + address + " (expected " + address.scheme()
        + "://host:port or " + address.scheme() + "://host:port" + PATH + "/<token>)");
  }

  /** The relay address of the node with {@code token} behind {@code host}'s address {@code at} (whose path is ignored). */
  static Address address(Address at, String token) {
    if (!isToken(token)) {
      throw new IllegalArgumentException("not a relay token: " + token);
    }
    return Address.of(at.scheme(), at.host(), at.port(), PATH + "/" + token);
  }

  /** A switchboard with no relaying transport: every call finds nothing. */
  static Relays none() {
    return new Relays() {
      @Override
      public List<Address> addressesFor(String token, String host) {
        return List.of();
      }

      @Override
      public boolean deliver(String token, Address from, byte[] message) {
        return false;
      }

      @Override
      public boolean send(String token, Address to, byte[] message) {
        return false;
      }
    };
  }

  /**
   * The relay addresses of the node with {@code token}, one per transport of this node that can carry relayed
   * traffic, in the order the transports were opened.
   *
   * @param host the host the relayed node reached this node by: used by transports listening on a wildcard address
   */
  List<Address> addressesFor(String token, String host);

  /**
   * A transport received {@code message} from {@code from} for the relayed node {@code token}: hands it to the
   * transport holding that node's link.
   *
   * @return false when no transport of this node relays for {@code token} (the caller counts it as dropped)
   */
  boolean deliver(String token, Address from, byte[] message);

  /**
   * The relayed node {@code token} sends {@code message} to {@code to}, an address of a scheme its link does not
   * speak: sent by this node's transport for that scheme, so that it arrives from the node's relay address there.
   *
   * @return false when this node has no transport that can send it
   */
  boolean send(String token, Address to, byte[] message);
}
