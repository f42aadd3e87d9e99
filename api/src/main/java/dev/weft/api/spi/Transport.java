package dev.weft.api.spi;

import dev.weft.api.Address;
import java.util.List;

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
  /** Where this transport listens, with the bound port filled in. Never empty while open. */
  List<Address> localAddresses();

  /**
   * Queues {@code message} for {@code to}.
   *
   * @throws IllegalArgumentException when the message is larger than {@link #maxMessageSize()} or the address has
   *     another scheme
   */
  void send(Address to, byte[] message);

  /** Largest message {@link #send} accepts, in bytes. */
  int maxMessageSize();

  /** Stops listening and releases the socket. Idempotent. */
  @Override
  void close();
}
