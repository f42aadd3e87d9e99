package dev.weft.api.spi.plugin;

import java.util.Optional;

/**
 * A running module of a node (messaging, schema, pht, yours), created by its {@link PluginProvider} when the node
 * starts and closed when it stops.
 *
 * @since 0.1.0
 */
public interface Plugin extends AutoCloseable {
  /**
   * A service this plugin offers to users through {@link dev.weft.api.Node#service(Class)}. The default offers the
   * plugin itself for every interface it implements.
   */
  default <T> Optional<T> service(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * Called on the node's event thread each time {@link dev.weft.api.Node#join} succeeds, so a plugin can catch up with
   * the network it (re)joined. Must not block. The default does nothing.
   */
  default void onJoined() {}

  /** Stops the plugin: cancel timers, remove channel handlers. Must not throw. */
  @Override
  void close();
}
