package dev.weft.api;

import dev.weft.api.internal.ProviderLoader;
import dev.weft.api.spi.NodeEngineProvider;
import dev.weft.api.spi.NodeSetup;
import dev.weft.api.spi.PluginProvider;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.StoreProvider;
import dev.weft.api.spi.TransportProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Assembles a {@link Node} from configuration and providers.
 *
 * <p>Providers come from {@link java.util.ServiceLoader} unless {@link #discovery(boolean) discovery} is off; ones
 * added by hand win over discovered ones of the same name or scheme. Choices:
 * <ul>
 *   <li>a transport per scheme of each {@link WeftConfig#LISTEN} address;
 *   <li>the store named by {@link WeftConfig#STORAGE} (default {@code memory});
 *   <li>every plugin not named in {@link WeftConfig#PLUGINS_DISABLED}, dependencies first;
 *   <li>the engine named by {@link WeftConfig#ENGINE}, or the only one present.
 * </ul>
 * A missing provider fails {@link #build()} with a {@link ConfigException} naming the setting and the value.
 *
 * <p>Not thread-safe; build once.
 */
public final class NodeBuilder {
  private static final System.Logger LOG = System.getLogger("dev.weft.builder");

  private WeftConfig config = WeftConfig.empty();
  private final List<String> listen = new ArrayList<>();
  private boolean discovery = true;
  private ClassLoader classLoader;
  private Scheduler scheduler = Scheduler.system();
  private NodeId id;
  private final List<TransportProvider> transports = new ArrayList<>();
  private final List<StoreProvider> stores = new ArrayList<>();
  private final List<PluginProvider> plugins = new ArrayList<>();
  private final List<NodeEngineProvider> engines = new ArrayList<>();

  NodeBuilder() {}

  /** Replaces the configuration (settings given through other builder methods still win). */
  public NodeBuilder config(WeftConfig newConfig) {
    this.config = Objects.requireNonNull(newConfig, "config");
    return this;
  }

  /** Sets one setting. */
  public NodeBuilder set(String key, String value) {
    this.config = config.with(key, value);
    return this;
  }

  /** Adds an address to listen on, e.g. {@code udp://127.0.0.1:0}; added to {@link WeftConfig#LISTEN}. */
  public NodeBuilder listen(String address) {
    listen.add(Address.parse(address).toString());
    return this;
  }

  /** Selects the store by name ({@link WeftConfig#STORAGE}). */
  public NodeBuilder storage(String name) {
    return set(WeftConfig.STORAGE, name);
  }

  /** Uses this id instead of a persisted or random one. */
  public NodeBuilder nodeId(NodeId nodeId) {
    this.id = Objects.requireNonNull(nodeId, "nodeId");
    return this;
  }

  /** Time and execution; {@link Scheduler#system()} by default. */
  public NodeBuilder scheduler(Scheduler newScheduler) {
    this.scheduler = Objects.requireNonNull(newScheduler, "scheduler");
    return this;
  }

  /** Switches {@link java.util.ServiceLoader} discovery on (default) or off; off, only providers added here are used. */
  public NodeBuilder discovery(boolean enabled) {
    this.discovery = enabled;
    return this;
  }

  /** Where to discover providers; the thread's context class loader by default. */
  public NodeBuilder classLoader(ClassLoader loader) {
    this.classLoader = Objects.requireNonNull(loader, "loader");
    return this;
  }

  public NodeBuilder addTransport(TransportProvider provider) {
    transports.add(Objects.requireNonNull(provider, "provider"));
    return this;
  }

  public NodeBuilder addStore(StoreProvider provider) {
    stores.add(Objects.requireNonNull(provider, "provider"));
    return this;
  }

  public NodeBuilder addPlugin(PluginProvider provider) {
    plugins.add(Objects.requireNonNull(provider, "provider"));
    return this;
  }

  public NodeBuilder engine(NodeEngineProvider provider) {
    engines.add(Objects.requireNonNull(provider, "provider"));
    return this;
  }

  /** The configuration as {@link #build()} will use it. */
  public WeftConfig effectiveConfig() {
    if (listen.isEmpty()) {
      return config;
    }
    List<String> all = new ArrayList<>(config.list(WeftConfig.LISTEN));
    all.addAll(listen);
    return config.with(WeftConfig.LISTEN, String.join(",", new LinkedHashSet<>(all)));
  }

  /**
   * Resolves the providers and starts the node: it listens, its plugins run, it has not joined.
   *
   * @throws ConfigException when a setting is invalid or names a provider that is not present
   * @throws WeftException when the node cannot start (a port in use, a store that cannot open)
   */
  public Node build() {
    WeftConfig cfg = effectiveConfig();
    ClassLoader loader = classLoader != null ? classLoader
        : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(NodeBuilder.class.getClassLoader());

    List<Address> addresses = cfg.addresses(WeftConfig.LISTEN);
    if (addresses.isEmpty()) {
      throw new ConfigException("no address to listen on: set " + WeftConfig.LISTEN + " (e.g. udp://127.0.0.1:4000)");
    }
    Map<String, TransportProvider> byScheme = byName(transports, discover(TransportProvider.class, loader),
        TransportProvider::scheme, "transport scheme");
    Map<String, TransportProvider> chosenTransports = new TreeMap<>();
    for (Address a : addresses) {
      TransportProvider p = byScheme.get(a.scheme());
      if (p == null) {
        throw new ConfigException("invalid value for " + WeftConfig.LISTEN + ": '" + a + "' (no transport for scheme '"
            + a.scheme() + "'; available: " + byScheme.keySet() + ". Add the module, e.g. weft-transport-"
            + (a.scheme().startsWith("ws") ? "websocket" : a.scheme()) + ", to the classpath)");
      }
      chosenTransports.put(a.scheme(), p);
    }

    Map<String, StoreProvider> storesByName = byName(stores, discover(StoreProvider.class, loader),
        StoreProvider::name, "store");
    String storeName = cfg.string(WeftConfig.STORAGE, "memory");
    StoreProvider store = storesByName.get(storeName);
    if (store == null) {
      throw new ConfigException("invalid value for " + WeftConfig.STORAGE + ": '" + storeName
          + "' (no such store; available: " + storesByName.keySet() + ")");
    }

    Map<String, PluginProvider> pluginsByName = byName(plugins, discover(PluginProvider.class, loader),
        PluginProvider::name, "plugin");
    Set<String> disabled = new LinkedHashSet<>(cfg.list(WeftConfig.PLUGINS_DISABLED));
    for (String d : disabled) {
      if (!pluginsByName.containsKey(d)) {
        throw new ConfigException("invalid value for " + WeftConfig.PLUGINS_DISABLED + ": '" + d
            + "' (no such plugin; present: " + pluginsByName.keySet() + ")");
      }
    }
    pluginsByName.keySet().removeAll(disabled);
    List<PluginProvider> ordered = dependencyOrder(pluginsByName);

    Map<String, NodeEngineProvider> enginesByName = byName(engines, discover(NodeEngineProvider.class, loader),
        NodeEngineProvider::name, "engine");
    NodeEngineProvider engine;
    Optional<String> engineName = cfg.string(WeftConfig.ENGINE);
    if (engineName.isPresent()) {
      engine = enginesByName.get(engineName.get());
      if (engine == null) {
        throw new ConfigException("invalid value for " + WeftConfig.ENGINE + ": '" + engineName.get()
            + "' (no such engine; available: " + enginesByName.keySet() + ")");
      }
    } else if (enginesByName.isEmpty()) {
      throw new ConfigException("no node engine found: add weft-kademlia to the classpath (or set "
          + WeftConfig.ENGINE + " and add its module)");
    } else if (enginesByName.size() > 1) {
      throw new ConfigException("several node engines found " + enginesByName.keySet() + ": choose one with "
          + WeftConfig.ENGINE);
    } else {
      engine = enginesByName.values().iterator().next();
    }

    NodeId nodeId = id;
    if (nodeId == null && cfg.string(WeftConfig.NODE_ID).isPresent()) {
      try {
        nodeId = NodeId.fromHex(cfg.string(WeftConfig.NODE_ID).get());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid value for " + WeftConfig.NODE_ID + ": " + e.getMessage(), e);
      }
    }
    LOG.log(Level.DEBUG, () -> "starting node: engine=" + engine.name() + " transports=" + chosenTransports.keySet()
        + " store=" + store.name() + " plugins=" + ordered.stream().map(PluginProvider::name).toList());
    return engine.start(new NodeSetup(cfg, Optional.ofNullable(nodeId), addresses, chosenTransports, store, ordered,
        scheduler));
  }

  private <S> List<S> discover(Class<S> type, ClassLoader loader) {
    return discovery ? ProviderLoader.load(type, loader) : List.of();
  }

  /** Hand-added providers first, then discovered ones whose name is not taken; duplicates among discovered are logged. */
  private static <S> Map<String, S> byName(List<S> manual, List<S> discovered, java.util.function.Function<S, String> name,
      String what) {
    Map<String, S> out = new LinkedHashMap<>();
    for (S s : manual) {
      out.put(name.apply(s), s);
    }
    Map<String, S> fromLoader = new LinkedHashMap<>();
    for (S s : discovered) {
      String n = name.apply(s);
      if (out.containsKey(n)) {
        continue;
      }
      S previous = fromLoader.putIfAbsent(n, s);
      if (previous != null) {
        LOG.log(Level.WARNING, "two providers for " + what + " '" + n + "': using " + previous.getClass().getName()
            + " from " + ProviderLoader.origin(previous) + ", ignoring " + s.getClass().getName() + " from "
            + ProviderLoader.origin(s));
      }
    }
    out.putAll(fromLoader);
    return out;
  }

  private static List<PluginProvider> dependencyOrder(Map<String, PluginProvider> byName) {
    List<PluginProvider> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String n : new TreeMap<>(byName).keySet()) {
      visit(n, byName, done, visiting, out, null);
    }
    return out;
  }

  private static void visit(String n, Map<String, PluginProvider> byName, Set<String> done, Set<String> visiting,
      List<PluginProvider> out, String requiredBy) {
    if (done.contains(n)) {
      return;
    }
    PluginProvider p = byName.get(n);
    if (p == null) {
      throw new ConfigException("plugin '" + requiredBy + "' needs plugin '" + n + "', which is missing or listed in "
          + WeftConfig.PLUGINS_DISABLED);
    }
    if (!visiting.add(n)) {
      throw new ConfigException("plugins depend on each other in a cycle: "
          + visiting.stream().collect(Collectors.joining(" -> ")) + " -> " + n);
    }
    for (String dep : new TreeMap<>(p.dependsOn().stream().collect(Collectors.toMap(d -> d, d -> d))).keySet()) {
      visit(dep, byName, done, visiting, out, n);
    }
    visiting.remove(n);
    done.add(n);
    out.add(p);
  }
}
