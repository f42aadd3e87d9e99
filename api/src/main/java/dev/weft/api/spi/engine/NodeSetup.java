package dev.weft.api.spi.engine;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.Scheduler;

import dev.weft.api.Address;
import dev.weft.api.NodeId;
import dev.weft.api.WeftConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the builder resolved for a {@link NodeEngineProvider}: the providers are chosen, nothing is opened yet.
 *
 * @param config the effective configuration
 * @param id the node id to use, or empty to let the engine choose (persisted one, else random)
 * @param listen addresses to bind, each with a transport in {@code transports}
 * @param transports provider per scheme
 * @param store the local store provider
 * @param plugins plugin providers, in start order (dependencies first)
 * @param scheduler time and execution
 *
 * @since 0.1.0
 */
public record NodeSetup(
    WeftConfig config,
    Optional<NodeId> id,
    List<Address> listen,
    Map<String, TransportProvider> transports,
    StoreProvider store,
    List<PluginProvider> plugins,
    Scheduler scheduler) {
  public NodeSetup {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(id, "id");
    listen = List.copyOf(listen);
    transports = Map.copyOf(transports);
    Objects.requireNonNull(store, "store");
    plugins = List.copyOf(plugins);
    Objects.requireNonNull(scheduler, "scheduler");
  }
}
