package dev.weft.api.spi;

import dev.weft.api.Node;

/**
 * The DHT implementation behind {@link Node}; {@code weft-kademlia} provides {@code kademlia}. Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.weft.api.spi.NodeEngineProvider}).
 */
public interface NodeEngineProvider {
  /** The name selected by {@link dev.weft.api.WeftConfig#ENGINE}. */
  String name();

  /**
   * Opens the store and transports, starts the plugins and returns the running node (not yet joined).
   *
   * @throws dev.weft.api.WeftException naming what failed; everything opened so far is closed again
   */
  Node start(NodeSetup setup);
}
