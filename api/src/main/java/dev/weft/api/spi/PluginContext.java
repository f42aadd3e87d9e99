package dev.weft.api.spi;

import dev.weft.api.Node;
import dev.weft.api.WeftConfig;
import java.util.Optional;

/** What a plugin is started with. */
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

  /** A service of a plugin started before this one (see {@link PluginProvider#dependsOn()}). */
  <T> Optional<T> service(Class<T> type);
}
