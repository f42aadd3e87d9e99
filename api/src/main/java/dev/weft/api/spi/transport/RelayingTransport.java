package dev.weft.api.spi.transport;

import dev.weft.api.Address;
import java.util.Optional;

/**
 * A {@link Transport} that can carry the traffic of nodes its node relays (a super-node), through {@link Relays}.
 * A transport that holds relayed nodes' links (the WebSocket transport) delivers to them; any transport can give them
 * an address in its scheme and send for them.
 *
 * <h2>Thread safety</h2>
 * As {@link Transport}: every method from any thread, never blocking on the network.
 *
 * @since 0.1.0
 */
public interface RelayingTransport extends Transport {
  /**
   * Where peers reach the relayed node {@code token} through this transport: a relay address of this transport's
   * scheme ({@link Relays#address}), or empty when this transport cannot carry relayed traffic now (closed).
   *
   * @param host the host the relayed node reached this node by; a transport listening on a wildcard address uses it
   */
  Optional<Address> relayAddress(String token, String host);

  /**
   * Sends {@code message} for the relayed node {@code token} to {@code to} so that it arrives from the node's relay
   * address in this scheme. Best effort, as {@link #send}.
   *
   * @throws IllegalArgumentException as {@link #send}
   */
  void sendFor(String token, Address to, byte[] message);

  /**
   * Hands {@code message} from {@code from} to the relayed node {@code token} if its link ends here.
   *
   * @return false when this transport holds no link of that node
   */
  default boolean deliverTo(String token, Address from, byte[] message) {
    return false;
  }
}
