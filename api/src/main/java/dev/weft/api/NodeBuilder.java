package dev.weft.api;

import dev.weft.api.internal.DeclaredSettings;
import dev.weft.api.internal.ProviderLoader;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.engine.NodeEngineProvider;
import dev.weft.api.spi.engine.NodeSetup;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.api.spi.transport.TransportProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Assembles a {@link Node} from configuration and providers.
 *
 * <p>Providers come from {@link java.util.ServiceLoader} unless {@link #discovery(boolean) discovery} is off; ones
 * added by hand win over discovered ones of the same name or scheme. Choices:
 * <ul>
 *   <li>a transport per scheme of each {@link CoreSettings#LISTEN} address;
 *   <li>the store named by {@link CoreSettings#STORAGE} (default {@code memory});
 *   <li>every plugin not named in {@link CoreSettings#PLUGINS_DISABLED}, dependencies first;
 *   <li>the engine named by {@link CoreSettings#ENGINE}, or the only one present.
 * </ul>
 * A missing provider fails {@link #build()} with a {@link ConfigException} naming the setting and the value.
 *
 * <p>Settings: every {@code weft.*} key of the configuration must be declared ({@link Setting}) by the core ({@link
 * CoreSettings}), by a provider present (its {@code settings()}, whether it is chosen, disabled or not), or by the
 * caller ({@link #declare}); {@link #build()} rejects any other, naming the closest known key, and checks the form and
 * range of every value before anything opens. Keys outside {@code weft.*} are left to the application.
 *
 * <p>Plugin names follow {@code docs/plugins.md}: {@code [a-z][a-z0-9-]*}; the names of weft's own modules and any
 * name starting with {@code weft} belong to providers in {@code dev.weft} packages. Two discovered plugins of one
 * name are an error naming both; a plugin added by hand replaces a discovered one of its name, which is logged.
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
  private final List<Setting<?>> declared = new ArrayList<>();

  /** Names of weft's own providers, reserved to {@code dev.weft} classes (docs/plugins.md). */
  private static final Set<String> RESERVED = Set.of("kademlia", "memory", "mapdb", "messaging", "schema", "pht",
      "udp", "ws", "wss", "gateway");
  private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  NodeBuilder() {}

  /** Replaces the configuration (settings given through other builder methods still win). */
  public NodeBuilder config(WeftConfig newConfig) {
    this.config = Objects.requireNonNull(newConfig, "config");
    return this;
  }

  /** Sets one setting; {@link #build()} checks it. */
  public NodeBuilder set(String key, String value) {
    this.config = config.with(key, value);
    return this;
  }

  /**
   * Sets one declared setting: {@code set(KademliaSettings.K, 16)}.
   *
   * @throws ConfigException at once when the value is out of the setting's range
   * @since 0.1.0
   */
  public <T> NodeBuilder set(Setting<T> setting, T value) {
    String text = setting.format(value);
    setting.parse(text);
    return set(setting.key(), text);
  }

  /**
   * Declares settings the caller itself reads from this configuration (a program that keeps its own {@code weft.*}
   * keys next to the node's, as the distribution does with {@code weft.api.*}): {@link #build()} accepts and checks
   * them like the providers' own. A declaration of a key the core or a provider declares replaces theirs here (the
   * distribution declares {@code weft.listen} with its default address).
   *
   * @since 0.1.0
   */
  public NodeBuilder declare(Collection<? extends Setting<?>> settings) {
    settings.forEach(s -> declared.add(Objects.requireNonNull(s, "setting")));
    return this;
  }

  /** Adds an address to listen on, e.g. {@code udp://127.0.0.1:0}; added to {@link CoreSettings#LISTEN}. */
  public NodeBuilder listen(String address) {
    listen.add(Address.parse(address).toString());
    return this;
  }

  /** Selects the store by name ({@link CoreSettings#STORAGE}). */
  public NodeBuilder storage(String name) {
    return set(CoreSettings.STORAGE.key(), name);
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
    List<String> all = new ArrayList<>(config.list(CoreSettings.LISTEN.key()));
    all.addAll(listen);
    return config.with(CoreSettings.LISTEN.key(), String.join(",", new LinkedHashSet<>(all)));
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

    List<TransportProvider> foundTransports = discover(TransportProvider.class, loader);
    List<StoreProvider> foundStores = discover(StoreProvider.class, loader);
    List<PluginProvider> foundPlugins = discover(PluginProvider.class, loader);
    List<NodeEngineProvider> foundEngines = discover(NodeEngineProvider.class, loader);
    checkPluginNames(foundPlugins);
    checkSettings(cfg, foundTransports, foundStores, foundPlugins, foundEngines);

    List<Address> addresses = cfg.get(CoreSettings.LISTEN);
    if (addresses.isEmpty()) {
      throw new ConfigException("no address to listen on: set " + CoreSettings.LISTEN + " (e.g. udp://127.0.0.1:4000)");
    }
    Map<String, TransportProvider> byScheme = byName(transports, foundTransports, TransportProvider::scheme,
        "transport scheme");
    Map<String, TransportProvider> chosenTransports = new TreeMap<>();
    for (Address a : addresses) {
      TransportProvider p = byScheme.get(a.scheme());
      if (p == null) {
        throw new ConfigException("invalid value for " + CoreSettings.LISTEN + ": '" + a
            + "' (no transport for scheme '" + a.scheme() + "'; available: " + byScheme.keySet() + ". Add the module, e.g. weft-transport-"
            + (a.scheme().startsWith("ws") ? "websocket" : a.scheme()) + ", to the classpath)");
      }
      chosenTransports.put(a.scheme(), p);
    }

    Map<String, StoreProvider> storesByName = byName(stores, foundStores, StoreProvider::name, "store");
    String storeName = cfg.get(CoreSettings.STORAGE);
    StoreProvider store = storesByName.get(storeName);
    if (store == null) {
      throw new ConfigException("invalid value for " + CoreSettings.STORAGE + ": '" + storeName
          + "' (no such store; available: " + storesByName.keySet() + ")");
    }

    Map<String, PluginProvider> pluginsByName = plugins(foundPlugins);
    Set<String> disabled = new LinkedHashSet<>(cfg.get(CoreSettings.PLUGINS_DISABLED));
    for (String d : disabled) {
      if (!pluginsByName.containsKey(d)) {
        throw new ConfigException("invalid value for " + CoreSettings.PLUGINS_DISABLED + ": '" + d
            + "' (no such plugin; present: " + pluginsByName.keySet() + ")");
      }
    }
    pluginsByName.keySet().removeAll(disabled);
    List<PluginProvider> ordered = dependencyOrder(pluginsByName);

    Map<String, NodeEngineProvider> enginesByName = byName(engines, foundEngines, NodeEngineProvider::name, "engine");
    NodeEngineProvider engine;
    Optional<String> engineName = cfg.find(CoreSettings.ENGINE);
    if (engineName.isPresent()) {
      engine = enginesByName.get(engineName.get());
      if (engine == null) {
        throw new ConfigException("invalid value for " + CoreSettings.ENGINE + ": '" + engineName.get()
            + "' (no such engine; available: " + enginesByName.keySet() + ")");
      }
    } else if (enginesByName.isEmpty()) {
      throw new ConfigException("no node engine found: add weft-kademlia to the classpath (or set "
          + CoreSettings.ENGINE + " and add its module)");
    } else if (enginesByName.size() > 1) {
      throw new ConfigException("several node engines found " + enginesByName.keySet() + ": choose one with "
          + CoreSettings.ENGINE);
    } else {
      engine = enginesByName.values().iterator().next();
    }

    NodeId nodeId = id != null ? id : cfg.find(CoreSettings.NODE_ID).orElse(null);
    LOG.log(Level.DEBUG, () -> "starting node: engine=" + engine.name() + " transports=" + chosenTransports.keySet()
        + " store=" + store.name() + " plugins=" + ordered.stream().map(PluginProvider::name).toList());
    return engine.start(new NodeSetup(cfg, Optional.ofNullable(nodeId), addresses, chosenTransports, store, ordered,
        scheduler));
  }

  private <S> List<S> discover(Class<S> type, ClassLoader loader) {
    return discovery ? ProviderLoader.load(type, loader) : List.of();
  }

  /**
   * Every {@code weft.*} key must be declared by the core, the caller or a provider present (chosen or not: a node may
   * share its configuration file with nodes that use the mapdb store or listen on ws://), and its value must parse.
   */
  private void checkSettings(WeftConfig cfg, List<TransportProvider> foundTransports, List<StoreProvider> foundStores,
      List<PluginProvider> foundPlugins, List<NodeEngineProvider> foundEngines) {
    DeclaredSettings.Builder b = DeclaredSettings.builder().add("the core (CoreSettings)", CoreSettings.all());
    List<String> present = new ArrayList<>();
    for (NodeEngineProvider p : concat(engines, foundEngines)) {
      b.add(describe("engine", p.name(), p), p.settings());
      present.add("engine " + p.name());
    }
    for (TransportProvider p : concat(transports, foundTransports)) {
      b.add(describe("transport", p.scheme(), p), p.settings());
      present.add("transport " + p.scheme());
    }
    for (StoreProvider p : concat(stores, foundStores)) {
      b.add(describe("store", p.name(), p), p.settings());
      present.add("store " + p.name());
    }
    for (PluginProvider p : concat(plugins, foundPlugins)) {
      b.add(describe("plugin", p.name(), p), p.settings());
      present.add("plugin " + p.name());
    }
    // The caller's own declaration of a key wins (a program's own default, as the distribution's listen address).
    b.override("the caller (NodeBuilder.declare)", declared);
    b.build().check(cfg, "present: " + String.join(", ", new LinkedHashSet<>(present)));
  }

  private static <S> List<S> concat(List<S> a, List<S> b) {
    List<S> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private String describe(String what, String name, Object provider) {
    boolean byHand = transports.contains(provider) || stores.contains(provider) || plugins.contains(provider)
        || engines.contains(provider);
    return what + " '" + name + "' (" + provider.getClass().getName() + (byHand ? ", added by hand"
        : " from " + ProviderLoader.origin(provider)) + ")";
  }

  /** The rules of docs/plugins.md, for every plugin provider, hand-added or discovered. */
  private void checkPluginNames(List<PluginProvider> found) {
    Map<String, PluginProvider> weftOwn = new TreeMap<>();
    for (PluginProvider p : concat(plugins, found)) {
      if (isWeft(p)) {
        weftOwn.putIfAbsent(p.name(), p);
      }
    }
    for (PluginProvider p : concat(plugins, found)) {
      String name = p.name();
      if (name == null || !PLUGIN_NAME.matcher(name).matches()) {
        throw new ConfigException("invalid plugin name '" + name + "' of " + describe("plugin", name, p)
            + ": a plugin's name is lower-case letters, digits and '-', starting with a letter (docs/plugins.md)");
      }
      if ((RESERVED.contains(name) || name.startsWith("weft")) && !isWeft(p)) {
        PluginProvider own = weftOwn.get(name);
        throw new ConfigException("plugin name '" + name + "' of " + describe("plugin", name, p) + " is reserved for "
            + "weft's own modules" + (own == null ? "" : ", and taken here by " + describe("plugin", name, own))
            + ": give the plugin a name of its own (docs/plugins.md)");
      }
    }
  }

  private static boolean isWeft(Object provider) {
    return provider.getClass().getName().startsWith("dev.weft.");
  }

  /**
   * Plugins by name: hand-added ones replace discovered ones of their name (logged); two discovered plugins of one
   * name are an error, since every plugin runs and one would silently be missing.
   */
  private Map<String, PluginProvider> plugins(List<PluginProvider> found) {
    Map<String, PluginProvider> out = new LinkedHashMap<>();
    for (PluginProvider p : plugins) {
      PluginProvider before = out.put(p.name(), p);
      if (before != null && before != p) {
        throw new ConfigException("two plugins named '" + p.name() + "' added by hand: " + before.getClass().getName()
            + " and " + p.getClass().getName());
      }
    }
    Map<String, PluginProvider> discovered = new LinkedHashMap<>();
    for (PluginProvider p : found) {
      PluginProvider hand = out.get(p.name());
      if (hand != null) {
        if (hand.getClass() != p.getClass()) {
          LOG.log(Level.INFO, () -> "plugin '" + p.name() + "': using " + describe("plugin", p.name(), hand)
              + " instead of the discovered " + describe("plugin", p.name(), p));
        }
        continue;
      }
      PluginProvider before = discovered.putIfAbsent(p.name(), p);
      if (before != null) {
        throw new ConfigException("two plugins named '" + p.name() + "' on the class path: "
            + describe("plugin", p.name(), before) + " and " + describe("plugin", p.name(), p)
            + "; remove one, or add the one to use by hand (NodeBuilder.addPlugin)");
      }
    }
    out.putAll(discovered);
    return out;
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
          + CoreSettings.PLUGINS_DISABLED);
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
