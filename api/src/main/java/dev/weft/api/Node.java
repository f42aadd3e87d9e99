package dev.weft.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running weft node: a member of the DHT with its local store and plugins. Build one with {@link Weft#builder()}.
 *
 * <pre>
 *   Weft.builder() ── build() ──► Node (listening, alone) ── join(bootstrap) ──► member of the network
 *                                                          └─ close() ──► stopped, sockets and stores released
 * </pre>
 *
 * <h2>Thread safety</h2>
 * All methods are thread-safe. Network operations return futures and never block the caller; futures complete on the
 * node's event thread.
 */
public interface Node extends AutoCloseable {
  /** This node's 160-bit id. */
  NodeId id();

  /**
   * The addresses this node listens on, as peers should dial them: ports resolved when bound to 0, and a wildcard
   * host ({@code udp://0.0.0.0:4000}, {@code [::]}) replaced by the addresses of the machine's interfaces that are up,
   * those other machines can reach first and loopback last ({@code 0.0.0.0}: IPv4 only; link-local IPv6 left out).
   */
  List<Address> addresses();

  /**
   * Joins the network through any of {@code bootstrap} (contacted in parallel): learns its neighbours and fills the
   * routing table. Joining with an empty collection is allowed and leaves the node alone, as the first node is —
   * unless its only way out is through other nodes (a relayed node): it then joins through its super-nodes.
   *
   * @return completes with the number of contacts in the routing table; exceptionally with {@link
   *     LookupFailedException} when none of the bootstrap addresses answered
   */
  CompletableFuture<Integer> join(Collection<Address> bootstrap);

  /** The key-value store. */
  Storage storage();

  /** A snapshot of the node's state. */
  NodeInfo info();

  /** A snapshot of the node's counters. */
  NodeStats stats();

  /**
   * A service offered by a plugin of this node, for example a messaging or schema module.
   *
   * @return the service, or empty when no plugin that provides {@code type} is present
   */
  <T> Optional<T> service(Class<T> type);

  /** Stops plugins, maintenance, transports and the store, in that order. Idempotent; does not throw. */
  @Override
  void close();
}
