package dev.weft.api.spi.transport;

import dev.weft.api.Address;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Moves opaque messages between nodes for one address scheme. Opened by a {@link TransportProvider}; inbound
 * messages go to the {@link TransportContext#listener()} it was opened with.
 *
 * <pre>
 *   node ── send(to, bytes) ──► transport ~~~ network ~~~ transport ── listener.onMessage(from, bytes) ──► node
 * </pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Delivery is best effort: a message may be lost, and may occasionally arrive twice (a duplicated datagram), but
 *       is never delivered corrupted, truncated or merged with another. The node tolerates loss and duplicates.
 *   <li>Messages up to {@link #maxMessageSize()} bytes, which is at least 64 KiB, must be supported; the transport
 *       splits them if its medium needs to.
 *   <li>{@link #send} never blocks on the network and never throws for network errors (they count as losses). Sending
 *       on a closed transport drops the message silently.
 * </ul>
 * The testkit's {@code TransportContract} checks all of this; every transport runs it.
 *
 * <h2>Thread safety</h2>
 * {@link #send} is called from any thread, concurrently. The listener is called on the transport's own thread(s),
 * possibly on several at once; it must not block, and must do its own ordering if it needs one (the node hands every
 * message to its serial event loop).
 */
public interface Transport extends AutoCloseable {
  /**
   * Where peers reach this node through this transport, with the bound port filled in: where it listens, or a
   * relayed transport's relay addresses (one per scheme its super-node relays in). Never empty while open.
   */
  List<Address> localAddresses();

  /**
   * The schemes {@link #send} takes: by default those of {@link #localAddresses()}. A relayed transport sends to every
   * scheme its super-node relays in (the super-node sends for it), so a node whose only way out is one WebSocket
   * connection still reaches UDP-only peers.
   *
   * @since 0.1.0
   */
  default Set<String> schemes() {
    Set<String> schemes = new LinkedHashSet<>();
    for (Address a : localAddresses()) {
      schemes.add(a.scheme());
    }
    return schemes;
  }

  /**
   * Nodes this transport reaches the network through, which a node given no bootstrap address joins through: a
   * relayed transport's super-nodes. Empty by default.
   *
   * @since 0.1.0
   */
  default List<Address> joinThrough() {
    return List.of();
  }

  /**
   * A facility this transport offers the node's plugins, found through {@code PluginContext.service(type)} (e.g. the
   * WebSocket transport's HTTP endpoints). Empty by default and for types the transport does not know. Any thread.
   *
   * @since 0.1.0
   */
  default <T> Optional<T> service(Class<T> type) {
    return Optional.empty();
  }

  /**
   * Queues {@code message} for {@code to}.
   *
   * @throws IllegalArgumentException when the message is larger than {@link #maxMessageSize()} or the address has
   *     a scheme not in {@link #schemes()}
   */
  void send(Address to, byte[] message);

  /** Largest message {@link #send} accepts, in bytes. */
  int maxMessageSize();

  /** Stops listening and releases the socket. Idempotent. */
  @Override
  void close();
}
