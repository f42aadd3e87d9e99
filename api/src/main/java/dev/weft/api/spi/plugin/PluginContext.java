package dev.weft.api.spi.plugin;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;

import dev.weft.api.Node;
import dev.weft.api.WeftConfig;
import java.util.Optional;

/** What a plugin is started with.
 *
 * @since 0.1.0
 */
public interface PluginContext {
  /** The node the plugin belongs to; its {@link Node#storage()} is ready. */
  Node node();

  /** Routing, lookups and the plugin's own message channels. */
  Dht dht();

  /** The node's configuration; plugins read their own {@code weft.<plugin>.*} keys. */
  WeftConfig config();

  /** The node's clock and scheduler. */
  Scheduler scheduler();

  /** The node's hybrid logical clock, for plugins that order writes (last writer wins) as storage does. */
  VersionClock versions();

  /** This plugin's own durable state, kept in the node's store. */
  PluginState state();

  /**
   * Counts something one of the plugin's limits refused: it shows in {@link dev.weft.api.NodeStats#refused()} as
   * {@code <plugin>.<reason>}. Use a small fixed set of reasons (never peer-supplied text). Any thread.
   */
  default void refused(String reason) {}

  /**
   * A service of a plugin started before this one (see {@link PluginProvider#dependsOn()}), else of one of the node's
   * transports ({@link dev.weft.api.spi.transport.Transport#service}), which are all open by then.
   */
  <T> Optional<T> service(Class<T> type);
}
