package dev.weft.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import dev.weft.api.NodeStats;
import dev.weft.api.Storage;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.plugin.PluginState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One peer of an {@link EmbeddedDht}: the {@link Dht} its plugins see, and their {@link PluginContext}. Its node offers
 * only {@link Node#id()}, {@link Node#addresses()}, {@link Node#storage()} and {@link Node#service(Class)}.
 */
public final class EmbeddedPeer implements Dht {
  private final EmbeddedDht net;
  private final Contact self;
  private final WeftConfig config;
  private final Map<String, ChannelHandler> handlers = new ConcurrentHashMap<>();
  private final List<Plugin> plugins = new ArrayList<>();
  private final Map<String, Integer> refused = new TreeMap<>();
  private final SortedMap<String, String> state = new TreeMap<>();
  private final VersionClock versions;
  private final MemoryStorage storage;
  private boolean running = true;

  EmbeddedPeer(EmbeddedDht net, Contact self, WeftConfig config) {
    this.net = net;
    this.self = self;
    this.config = config;
    this.versions = VersionClock.hybrid(net.scheduler()::currentTimeMillis, ByteBuffer.wrap(self.id().toBytes()).getLong());
    this.storage = net.storageFor(this);
  }

  /** This peer's id. */
  public NodeId id() {
    return self.id();
  }

  /** This peer's view of the network's storage (the one its plugins get from their node). */
  public Storage storage() {
    return storage;
  }

  /** The durable state of plugin {@code plugin} on this peer: what a restart would load. */
  public PluginState state(String plugin) {
    return new State(plugin + "/");
  }

  /** Creates the plugin of {@code provider} on this peer; plugins started earlier offer it their services. */
  public Plugin start(PluginProvider provider) {
    Plugin p = provider.create(new Context(provider.name()));
    plugins.add(p);
    return p;
  }

  /** A service of a plugin started on this peer. */
  public <T> Optional<T> service(Class<T> type) {
    return plugins.stream().map(p -> p.service(type)).flatMap(Optional::stream).findFirst();
  }

  /** Closes its plugins and takes no more requests; the others still list it (as a node that crashed). */
  public void stop() {
    running = false;
    plugins.forEach(Plugin::close);
  }

  /** Whether this peer takes requests. */
  public boolean running() {
    return running;
  }

  /** Refusals its plugins counted ({@link PluginContext#refused}), by {@code <plugin>.<reason>}. */
  public synchronized Map<String, Integer> refused() {
    return Map.copyOf(refused);
  }

  /** The clock its plugins and its storage stamp versions with. */
  public VersionClock versions() {
    return versions;
  }

  CompletableFuture<JsonNode> receive(Contact from, String channel, JsonNode body) {
    ChannelHandler h = handlers.get(channel);
    if (h == null) {
      return CompletableFuture.failedFuture(new WeftException("no handler for channel " + channel));
    }
    try {
      return h.onRequest(from, body);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dht

  @Override
  public Contact self() {
    return self;
  }

  @Override
  public NodeId keyId(String namespace, String key) {
    return NodeId.forKey(namespace, key, 0);
  }

  @Override
  public List<Contact> closestKnown(NodeId target, int count) {
    return net.others(this).stream().map(EmbeddedPeer::self)
        .sorted((a, b) -> target.compareDistance(a.id(), b.id())).limit(count).toList();
  }

  @Override
  public List<List<Contact>> buckets() {
    List<List<Contact>> out = new ArrayList<>(NodeId.BITS);
    for (int i = 0; i < NodeId.BITS; i++) {
      out.add(new ArrayList<>());
    }
    net.others(this).stream().map(EmbeddedPeer::self).sorted(Comparator.comparing(Contact::id))
        .forEach(c -> out.get(self.id().bucketIndex(c.id())).add(c));
    return out;
  }

  @Override
  public CompletableFuture<List<Contact>> lookup(NodeId target) {
    return lookup(target, EmbeddedDht.K);
  }

  @Override
  public CompletableFuture<List<Contact>> lookup(NodeId target, int count) {
    List<Contact> live = new ArrayList<>();
    for (EmbeddedPeer p : net.peers()) {
      if (p.running) {
        live.add(p.self);
      }
    }
    live.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    CompletableFuture<List<Contact>> out = new CompletableFuture<>();
    List<Contact> answer = List.copyOf(live.subList(0, Math.min(EmbeddedDht.K, live.size())));
    net.scheduler().schedule(() -> out.complete(answer), EmbeddedDht.HOP.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return out;
  }

  @Override
  public CompletableFuture<JsonNode> request(Contact to, String channel, JsonNode body) {
    return net.carry(this, to, channel, body, false);
  }

  @Override
  public void notify(Contact to, String channel, JsonNode body) {
    net.carry(this, to, channel, body, true);
  }

  @Override
  public Registration handle(String channel, ChannelHandler handler) {
    if (handlers.putIfAbsent(channel, handler) != null) {
      throw new IllegalStateException("channel " + channel + " has a handler already");
    }
    return () -> handlers.remove(channel, handler);
  }

  @Override
  public Executor eventExecutor() {
    return net.scheduler()::execute;
  }

  @Override
  public CompletableFuture<Long> purge(String namespace, long writtenBeforeMillis) {
    return storage.purge(namespace, writtenBeforeMillis);
  }

  @Override
  public Duration handOffInterval() {
    return Duration.ZERO;  // one store for the whole network
  }

  @Override
  public Optional<Contact> contact(NodeId id) {
    return id.equals(self.id()) ? Optional.empty() : net.peer(id).map(EmbeddedPeer::self);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What plugins are started with

  private final class Context implements PluginContext {
    private final String plugin;

    Context(String plugin) {
      this.plugin = plugin;
    }

    @Override
    public Node node() {
      return new PeerNode();
    }

    @Override
    public Dht dht() {
      return EmbeddedPeer.this;
    }

    @Override
    public WeftConfig config() {
      return config;
    }

    @Override
    public Scheduler scheduler() {
      return net.scheduler();
    }

    @Override
    public VersionClock versions() {
      return versions;
    }

    @Override
    public PluginState state() {
      return new State(plugin + "/");
    }

    @Override
    public void refused(String reason) {
      synchronized (EmbeddedPeer.this) {
        refused.merge(plugin + "." + reason, 1, Integer::sum);
      }
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
      return EmbeddedPeer.this.service(type);
    }
  }

  /** The plugin's names live under its own prefix of the peer's state, which outlives its plugins (as a store's). */
  private final class State implements PluginState {
    private final String prefix;

    State(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Optional<String> load(String name) {
      synchronized (state) {
        return Optional.ofNullable(state.get(prefix + name));
      }
    }

    @Override
    public SortedMap<String, String> loadAll(String namePrefix) {
      SortedMap<String, String> out = new TreeMap<>();
      synchronized (state) {
        state.tailMap(prefix + namePrefix).forEach((k, v) -> {
          if (k.startsWith(prefix + namePrefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
      }
      return out;
    }

    @Override
    public CompletableFuture<Void> save(String name, String value) {
      synchronized (state) {
        state.put(prefix + name, value);
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> remove(String name) {
      synchronized (state) {
        state.remove(prefix + name);
      }
      return CompletableFuture.completedFuture(null);
    }
  }

  private final class PeerNode implements Node {
    @Override
    public NodeId id() {
      return self.id();
    }

    @Override
    public List<Address> addresses() {
      return self.addresses();
    }

    @Override
    public CompletableFuture<Integer> join(Collection<Address> bootstrap) {
      throw new UnsupportedOperationException("an embedded peer knows every other from the start");
    }

    @Override
    public Storage storage() {
      return storage;
    }

    @Override
    public NodeInfo info() {
      throw new UnsupportedOperationException("not kept by an embedded peer");
    }

    @Override
    public NodeStats stats() {
      throw new UnsupportedOperationException("not kept by an embedded peer");
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
      return EmbeddedPeer.this.service(type);
    }

    @Override
    public void close() {
      stop();
    }
  }

}
