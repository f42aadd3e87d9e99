package dev.weft.api.spi.engine;

import dev.weft.api.Node;
import dev.weft.api.Setting;
import java.util.List;

/**
 * The DHT implementation behind {@link Node}; {@code weft-kademlia} provides {@code kademlia}. Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.weft.api.spi.engine.NodeEngineProvider}).
 */
public interface NodeEngineProvider {
  /** The name selected by {@link dev.weft.api.CoreSettings#ENGINE}. */
  String name();

  /**
   * The settings this provider's module reads, each declared once (see {@link dev.weft.api.Setting}): {@link
   * dev.weft.api.NodeBuilder#build()} accepts a {@code weft.*} key only if the core or a present provider declares it,
   * and checks every declared value before anything opens. Called by the builder and by tools that list settings
   * ({@code weft config}), on any thread; never null. Usually {@code Setting.declaredIn(MySettings.class)}.
   *
   * @since 0.1.0
   */
  default List<Setting<?>> settings() {
    return List.of();
  }

  /**
   * Opens the store and transports, starts the plugins and returns the running node (not yet joined).
   *
   * @throws dev.weft.api.WeftException naming what failed; everything opened so far is closed again
   */
  Node start(NodeSetup setup);
}
