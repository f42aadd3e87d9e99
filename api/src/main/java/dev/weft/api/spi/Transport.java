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
 * Delivery is best effort: a message may be lost, but is never delivered corrupted, truncated or twice merged with
 * another. Messages up to {@link #maxMessageSize()} bytes must be supported; the transport splits them if its medium
 * needs to. {@link #send} never blocks on the network and never throws for network errors (they count as losses).
 *
 * <h2>Thread safety</h2>
 * {@link #send} is called from any thread, concurrently. The listener is called on the transport's own thread(s);
 * it must not block.
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
