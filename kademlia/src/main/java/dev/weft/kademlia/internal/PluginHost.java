package dev.weft.kademlia.internal;

import dev.weft.api.Node;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.plugin.PluginState;
import dev.weft.api.spi.store.LocalStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's plugins: starts them (each with a {@link PluginContext} and state of its own under {@code plugin/<name>/}
 * in the store's meta), holds their channel handlers, tells them of the join, finds their services, closes them in
 * reverse order.
 *
 * <p>Started and closed by the node's constructor and {@code close()}; channels are registered from any thread and
 * looked up on the loop (a concurrent map). Null is never returned except by {@link #channel} for an unknown name.
 */
final class PluginHost {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final WeftConfig config;
  private final Scheduler scheduler;
  private final Stats stats;
  private final VersionClock versions;
  private final LocalStore store;
  private final Node node;
  private final Dht dht;
  private final Transports transports;
  private final ConcurrentHashMap<String, Dht.ChannelHandler> channels = new ConcurrentHashMap<>();
  private final List<Plugin> plugins = new ArrayList<>();

  PluginHost(WeftConfig config, Scheduler scheduler, Stats stats, VersionClock versions, LocalStore store, Node node,
      Dht dht, Transports transports) {
    this.config = config;
    this.scheduler = scheduler;
    this.stats = stats;
    this.versions = versions;
    this.store = store;
    this.node = node;
    this.dht = dht;
    this.transports = transports;
  }

  void start(List<PluginProvider> providers) {
    for (PluginProvider p : providers) {
      Plugin plugin;
      try {
        plugin = p.create(new PluginScope(p.name()));
      } catch (RuntimeException e) {
        throw new WeftException("plugin '" + p.name() + "' failed to start: " + e.getMessage(), e);
      }
      plugins.add(plugin);
    }
  }

  /** The handler of {@code channel}, or null when none is registered. */
  Dht.ChannelHandler channel(String channel) {
    return channels.get(channel);
  }

  Dht.Registration handle(String channel, Dht.ChannelHandler handler) {
    if (channels.putIfAbsent(channel, handler) != null) {
      throw new IllegalStateException("channel '" + channel + "' already has a handler");
    }
    return () -> channels.remove(channel, handler);
  }

  /** The node joined: each plugin is told, in start order; one that fails does not stop the others. */
  void joined() {
    for (Plugin p : List.copyOf(plugins)) {
      try {
        p.onJoined();
      } catch (RuntimeException e) {
        LOG.warn("plugin {} failed on join", p, e);
      }
    }
  }

  /** A service of a started plugin, else of a transport. */
  <T> Optional<T> service(Class<T> type) {
    for (Plugin p : List.copyOf(plugins)) {
      Optional<T> s = p.service(type);
      if (s.isPresent()) {
        return s;
      }
    }
    return transports.service(type);
  }

  /** Closes the plugins, last started first. */
  void close() {
    for (int i = plugins.size() - 1; i >= 0; i--) {
      try {
        plugins.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("plugin failed to close", e);
      }
    }
  }

  /** What one plugin is started with: the node's settings and clock, and state of its own in the store's meta. */
  private final class PluginScope implements PluginContext, PluginState {
    private final String name;
    private final String prefix;

    PluginScope(String pluginName) {
      this.name = pluginName;
      this.prefix = "plugin/" + pluginName + "/";
    }

    @Override
    public void refused(String reason) {
      stats.refused(name + "." + reason);
    }

    @Override
    public WeftConfig config() {
      return config;
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public Dht dht() {
      return dht;
    }

    @Override
    public VersionClock versions() {
      return versions;
    }

    @Override
    public PluginState state() {
      return this;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
      return PluginHost.this.service(type);
    }

    @Override
    public Optional<String> load(String name) {
      return store.loadMeta(prefix + name);
    }

    @Override
    public java.util.SortedMap<String, String> loadAll(String namePrefix) {
      java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
      store.loadMetaWithPrefix(prefix + namePrefix).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
      return out;
    }

    @Override
    public CompletableFuture<Void> save(String name, String value) {
      return store.saveMeta(prefix + name, value);
    }

    @Override
    public CompletableFuture<Void> remove(String name) {
      return store.removeMeta(prefix + name);
    }
  }
}
