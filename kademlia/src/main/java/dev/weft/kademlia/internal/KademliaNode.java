package dev.weft.kademlia.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.LookupFailedException;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import dev.weft.api.NodeStats;
import dev.weft.api.Record;
import dev.weft.api.Storage;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.engine.NodeSetup;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.plugin.PluginState;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kademlia node: routing table, RPCs, lookups, the plugin channels, and maintenance (bucket refresh, republish,
 * expiry). Storage operations live in {@link DhtStorage}.
 *
 * <h2>Threads</h2>
 * Every piece of mutable state is confined to {@link #loop}, a serial executor over the shared scheduler. Transport
 * threads only decode and hand over; public methods hop onto the loop. The node owns no thread of its own.
 */
final class KademliaNode implements Node, Dht {
  private static final Logger LOG = LoggerFactory.getLogger(KademliaNode.class);
  static final String META_NODE_ID = "node.id";
  static final String META_ROUTING = "routing";
  /** Contacts saved for a fast rejoin after a restart. */
  private static final int SAVED_CONTACTS = 256;
  /** Self-lookups a join runs at most while its requests time out and it has not found k neighbours. */
  private static final int JOIN_LOOKUPS = 3;
  /** Rounds of bootstrap pings a join sends while none is answered. */
  private static final int JOIN_PING_ROUNDS = 3;

  final KademliaConfig cfg;
  final WeftConfig config;
  final Scheduler scheduler;
  final SerialExecutor loop;
  final NodeId id;
  final LocalStore store;
  final Codec codec;
  final VersionClock hlc;
  final Stats stats = new Stats();
  final Random random;

  private final Transports transports = new Transports();
  /** Every transport's local addresses, replaced whole when a transport's change (a relayed node's relay moved). */
  private volatile List<Address> addresses = List.of();
  private final RoutingTable table;
  private final PluginHost plugins;
  private final List<Contact> savedContacts = new ArrayList<>();
  /** Contacts heard of in lookups and being pinged before they may enter the table. */
  private final java.util.Set<NodeId> probing = new java.util.HashSet<>();
  private final DhtStorage storage;
  private final Context context;
  /** Random for request ids and address-token secrets. */
  private final SecureRandom rids = new SecureRandom();
  private final Admission admission;
  private final RpcClient rpc;
  private final RpcServer server;
  private final Maintenance maintenance;
  private volatile boolean closed;
  private volatile Contact selfContact;

  KademliaNode(NodeSetup setup) {
    this.config = setup.config();
    this.cfg = KademliaConfig.from(config);
    this.scheduler = setup.scheduler();
    this.loop = new SerialExecutor(scheduler::execute);
    this.codec = new Codec(cfg.maxValueBytes());
    this.admission = new Admission(cfg, scheduler, stats, rids);
    this.context = new Context();
    this.store = setup.store().open(context);
    try {
      this.id = setup.id().orElseGet(this::persistedOrRandomId);
      this.random = new Random(ByteBuffer.wrap(id.toBytes()).getLong() ^ scheduler.nanoTime());
      this.hlc = VersionClock.hybrid(scheduler::currentTimeMillis, ByteBuffer.wrap(id.toBytes()).getLong());
      this.table = new RoutingTable(id, cfg.k(), cfg.ipBounds());
      this.plugins = new PluginHost(config, scheduler, stats, hlc, store, this, this, transports);
      this.rpc = new RpcClient(id, () -> addresses, cfg, scheduler, loop, codec, stats, rids, new RpcPeers());
      this.storage = new DhtStorage(id, cfg, store, loop, scheduler, hlc, codec, stats, new StorageNetwork());
      this.maintenance = new Maintenance(id, table, cfg, scheduler, loop, random, new MaintenanceActions());
      this.server = new RpcServer(id, () -> addresses, cfg, loop, codec, stats, admission, new ServerServices());
      openTransports(setup);
      this.selfContact = new Contact(id, addresses);
      loadRoutingTable();
      plugins.start(setup.plugins());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    if (!savedContacts.isEmpty()) {
      // Restarted on a persistent store: the contacts we had answer a ping and fill the table without a bootstrap.
      loop.execute(() -> savedContacts.forEach(this::ping));
    }
    maintenance.start(storage::sweep, storage::republish, storage::maintain);
    LOG.info("node {} listening on {} (store {}, plugins {})", id.shortHex(), addresses, setup.store().name(),
        setup.plugins().stream().map(PluginProvider::name).toList());
  }

  private NodeId persistedOrRandomId() {
    Optional<String> saved = store.loadMeta(META_NODE_ID);
    if (saved.isPresent()) {
      try {
        return NodeId.fromHex(saved.get());
      } catch (IllegalArgumentException e) {
        throw new WeftException("the store holds a corrupt node id: " + e.getMessage(), e);
      }
    }
    NodeId fresh = NodeId.random(new SecureRandom());
    store.saveMeta(META_NODE_ID, fresh.toHex()).join();
    return fresh;
  }

  private void loadRoutingTable() {
    Optional<String> saved = store.loadMeta(META_ROUTING);
    if (saved.isEmpty()) {
      return;
    }
    try {
      for (Contact c : codec.decodeContacts(saved.get().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
        if (!c.id().equals(id) && canReach(c)) {
          savedContacts.add(c);
        }
      }
      LOG.info("node {} reloaded {} saved contacts", id.shortHex(), savedContacts.size());
    } catch (MalformedMessageException e) {
      LOG.warn("ignoring an unreadable saved routing table: {}", e.getMessage());
    }
  }

  /** Saves the most recently seen contacts; on the loop. */
  private CompletableFuture<Void> saveRoutingTable() {
    if (table.size() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    String json = new String(codec.encodeContacts(table.recent(SAVED_CONTACTS)), java.nio.charset.StandardCharsets.UTF_8);
    return store.saveMeta(META_ROUTING, json);
  }

  private void openTransports(NodeSetup setup) {
    transports.open(setup.listen(), setup.transports(), context);
    addresses = transports.addresses();
  }

  /** A transport's addresses changed: advertise the new ones from the next message on. */
  private void addressesChanged() {
    loop.execute(() -> {
      addresses = transports.refresh();
      selfContact = new Contact(id, addresses);
      LOG.info("node {} now reachable at {}", id.shortHex(), addresses);
    });
  }

  /** What the node hands its store, transports and plugins: they all see the same settings and clock. */
  private final class Context implements StoreContext, TransportContext {
    private final TransportListener listener = new TransportListener() {
      @Override
      public void onMessage(Address from, byte[] message) {
        inbound(from, message);
      }

      @Override
      public void onMalformed(Address from, String reason) {
        stats.malformed.increment();
        LOG.debug("dropped malformed frame from {}: {}", from, reason);
      }

      @Override
      public void onAddressesChanged() {
        if (selfContact != null) {
          addressesChanged();
        }
      }
    };

    @Override
    public WeftConfig config() {
      return config;
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public TransportListener listener() {
      return listener;
    }

    @Override
    public Relays relays() {
      return transports;
    }

  }

  // ---------------------------------------------------------------------------------------------------------------
  // Node

  @Override
  public NodeId id() {
    return id;
  }

  @Override
  public List<Address> addresses() {
    return DialableAddresses.of(addresses);
  }

  @Override
  public CompletableFuture<Integer> join(Collection<Address> bootstrapAddresses) {
    // A node whose transport reaches the network only through other nodes (a relayed node's super-nodes) is never
    // the first node: given no bootstrap, it joins through them.
    List<Address> targets = bootstrapAddresses.isEmpty() ? transports.joinThrough() : List.copyOf(bootstrapAddresses);
    CompletableFuture<Integer> done = new CompletableFuture<>();
    loop.execute(() -> {
      maintenance.bootstrap(targets);
      if (targets.isEmpty() && savedContacts.isEmpty()) {
        done.complete(table.size());
        return;
      }
      greet(targets, JOIN_PING_ROUNDS).whenCompleteAsync((ignored, error) -> {
        if (table.size() == 0) {
          done.completeExceptionally(new LookupFailedException("none of the bootstrap nodes " + targets
              + (savedContacts.isEmpty() ? "" : " nor of the " + savedContacts.size() + " saved contacts")
              + " answered"));
          return;
        }
        // Looking ourselves up fills the buckets near us; refreshing the farther ones spreads us out (§2.3).
        maintenance.lookupSelf(JOIN_LOOKUPS).whenCompleteAsync((r, e) -> maintenance.refreshAll()
            .whenCompleteAsync((r2, e2) -> {
          done.complete(table.size());
          plugins.joined();
        }, loop), loop);
      }, loop);
    });
    return done;
  }

  /**
   * Pings the saved contacts and the bootstrap addresses, again (up to {@code rounds} in all) while none answered: a
   * join must not fail, and leave the node alone, because a few datagrams were lost. A node that joined through such a
   * lone node was handed no contacts and formed an island with it, so one lost join grew into a cluster of nodes that
   * knew only each other.
   */
  private CompletableFuture<Void> greet(List<Address> targets, int rounds) {
    List<CompletableFuture<Message>> pings = new ArrayList<>();
    for (Contact c : savedContacts) {
      pings.add(ping(c));
    }
    for (Address a : targets) {
      if (!transports.canSend(a.scheme())) {
        pings.add(CompletableFuture.failedFuture(new WeftException("no transport for " + a)));
        continue;
      }
      pings.add(request(new Contact(id, List.of(a)), new Message.Ping(), null));
    }
    return CompletableFuture.allOf(pings.stream().map(f -> f.handle((m, e) -> m)).toArray(CompletableFuture[]::new))
        .thenComposeAsync(ignored -> table.size() == 0 && rounds > 1 && !closed
            ? greet(targets, rounds - 1) : CompletableFuture.<Void>completedFuture(null), loop);
  }

  @Override
  public Storage storage() {
    return storage;
  }

  @Override
  public NodeInfo info() {
    return onLoop(() -> new NodeInfo(id, DialableAddresses.of(addresses), table.size(), store.size(),
        table.snapshot()));
  }

  @Override
  public NodeStats stats() {
    return stats.snapshot();
  }

  @Override
  public <T> Optional<T> service(Class<T> type) {
    return plugins.service(type);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (table != null) {
      try {
        onLoop(this::saveRoutingTable).get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("could not save the routing table: {}", e.getMessage());
      }
    }
    closed = true;
    if (maintenance != null) {
      maintenance.cancel();
    }
    if (plugins != null) {
      plugins.close();
    }
    transports.close();
    if (rpc != null) {
      loop.execute(rpc::close);
    }
    try {
      store.close();
    } catch (RuntimeException e) {
      LOG.warn("store failed to close", e);
    }
    LOG.info("node {} stopped", id == null ? "?" : id.shortHex());
  }

  /** Runs {@code task} on the loop and waits for it: snapshots for info(). Direct when already on the loop. */
  private <T> T onLoop(java.util.function.Supplier<T> task) {
    if (loop.inLoop()) {
      return task.get();
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        f.complete(task.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WeftException("interrupted", e);
    } catch (Exception e) {
      throw new WeftException("node did not answer: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inbound

  private void inbound(Address from, byte[] data) {
    stats.bytesIn.add(data.length);
    Envelope m;
    try {
      m = codec.decode(data);
    } catch (MalformedMessageException e) {
      stats.malformed.increment();
      LOG.debug("dropped malformed message from {}: {}", from, e.getMessage());
      return;
    }
    stats.messagesIn.increment();
    loop.execute(() -> handle(from, m, data.length));
  }

  private void handle(Address from, Envelope m, int wireBytes) {
    if (closed) {
      return;
    }
    if (m.from().equals(id)) {
      stats.malformed.increment();
      return;
    }
    Contact sender = new Contact(m.from(), fixAddresses(m.addresses(), from));
    if (m.type().isRequest()) {
      server.onRequest(from, sender, m, wireBytes);
    } else {
      rpc.onAnswer(sender, m);
    }
  }

  /** What serving peers needs: the routing table, the store through storage, the plugin channels. */
  private final class ServerServices implements RpcServer.Services {
    @Override
    public void seen(Contact sender) {
      noteSeen(sender);
    }

    @Override
    public List<Contact> closest(NodeId target, int count) {
      return table.closest(target, count);
    }

    @Override
    public int contactCount() {
      return table.size();
    }

    @Override
    public void send(Address to, byte[] bytes) {
      KademliaNode.this.send(to, bytes);
    }

    @Override
    public ChannelHandler channel(String name) {
      return plugins.channel(name);
    }

    @Override
    public CompletableFuture<Record> findValue(String namespace, String key) {
      return storage.serveFindValue(namespace, key);
    }

    @Override
    public CompletableFuture<Void> checkSignature(Record record) {
      return storage.checkSignature(record);
    }

    @Override
    public CompletableFuture<Boolean> holds(Record record) {
      return store.get(record.namespace(), record.key()).thenApply(Optional::isPresent);
    }

    @Override
    public long storeSize() {
      return store.size();
    }

    @Override
    public CompletableFuture<dev.weft.api.spi.store.StoreResult> storeHere(Record record) {
      return storage.serveStore(record);
    }
  }

  /** What storage does over the network. */
  private final class StorageNetwork implements DhtStorage.Network {
    @Override
    public NodeId keyId(String namespace, String key) {
      return KademliaNode.this.keyId(namespace, key);
    }

    @Override
    public CompletableFuture<Lookup.Result> replicaCandidates(NodeId target, int count) {
      // Where the table keeps everyone this node heard of, the closest it knows are the replica set: the STOREs'
      // answers confirm them (the next ones known stand in for those that do not answer), and a closer node it has
      // not heard of yet gets the record from the hand-off.
      if (knowsEveryone()) {
        return CompletableFuture.completedFuture(new Lookup.Result(table.closest(target, 2 * count), List.of(), 0,
            0));
      }
      return KademliaNode.this.lookupNodes(target, count);
    }

    @Override
    public CompletableFuture<Lookup.Result> lookupValue(NodeId target, String namespace, String key,
        ToIntFunction<Lookup> stillNeeded) {
      return KademliaNode.this.lookupValue(target, namespace, key, stillNeeded);
    }

    @Override
    public CompletableFuture<Message> store(Contact to, Record record, String statName) {
      return KademliaNode.this.store(to, record, statName);
    }

    @Override
    public CompletableFuture<Message> storeMany(Contact to, Message.StoreMany records) {
      return request(to, records, null);
    }

    @Override
    public List<Contact> closest(NodeId target, int count) {
      return table.closest(target, count);
    }

    @Override
    public long tableGeneration() {
      return table.generation();
    }

    @Override
    public boolean knowsEveryone() {
      return table.noneFull();
    }

    @Override
    public List<Contact> closestAt(NodeId target, int count, long generation) {
      return table.closestAt(target, count, generation);
    }

    @Override
    public Contact self() {
      return selfContact;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }
  }

  /** What maintenance does through the node: ping, look up, save, rejoin. */
  private final class MaintenanceActions implements Maintenance.Actions {
    @Override
    public CompletableFuture<?> ping(Contact c) {
      return KademliaNode.this.ping(c);
    }

    @Override
    public CompletableFuture<Lookup.Result> lookupNodes(NodeId target, int count) {
      return KademliaNode.this.lookupNodes(target, count);
    }

    @Override
    public void saveRoutingTable() {
      KademliaNode.this.saveRoutingTable();
    }

    @Override
    public void rejoin(List<Address> bootstrap) {
      join(bootstrap);
    }

    @Override
    public boolean closed() {
      return closed;
    }
  }

  /** What the RPC client learns from answers and timeouts goes into the routing table. */
  private final class RpcPeers implements RpcClient.Peers {
    @Override
    public Optional<Address> reachable(Contact to) {
      return transports.reachable(to);
    }

    @Override
    public void send(Address to, byte[] bytes) {
      KademliaNode.this.send(to, bytes);
    }

    @Override
    public long retransmitMillis(NodeId peer, long minMillis, long maxMillis) {
      return table.retransmitMillis(peer, minMillis, maxMillis);
    }

    @Override
    public void answered(Contact sender, Envelope answer, double rttMillis) {
      noteSeen(sender);
      table.answered(answer.from(), rttMillis, scheduler.currentTimeMillis());
      learn(answer.message().contacts());
    }

    @Override
    public void timedOut(Contact to) {
      if (table.failed(to.id(), cfg.maxFailures())) {
        maintenance.dropped(to);
      }
    }
  }

  /**
   * The address a message came from is the one we know replies reach (NAT, a wildcard bind), and it cannot be forged
   * the way an advertised one can; it replaces the advertised addresses of its scheme. Other schemes are taken as
   * advertised.
   */
  static List<Address> fixAddresses(List<Address> advertised, Address observed) {
    List<Address> out = new ArrayList<>(advertised.size() + 1);
    out.add(observed);
    for (Address a : advertised) {
      if (!a.scheme().equals(observed.scheme())) {
        out.add(a);
      }
    }
    return out;
  }

  private void noteSeen(Contact c) {
    if (!canReach(c)) {
      return;
    }
    RoutingTable.SeenOutcome outcome = table.seen(c, scheduler.currentTimeMillis());
    switch (outcome) {
      case BUCKET_FULL -> table.headToPing(c.id()).ifPresent(head -> ping(head.contact));
      case ADDRESS_TAKEN -> {
        stats.refused("routing.address-taken");
        table.addressHolderToPing(c).ifPresent(holder -> ping(holder.contact));
      }
      case IP_BOUND -> stats.refused("routing.ip-bound");
      default -> { }
    }
  }

  /**
   * Contacts a peer told us of enter the table only once they answer us themselves, but a bucket with room pings them
   * at once. Without this, nodes that joined together through one bootstrap can stay blind to a whole subtree that the
   * bootstrap knew: their lookups start from their own tables and never reach it.
   */
  private void learn(List<Contact> heard) {
    for (Contact c : heard) {
      if (!c.id().equals(id) && canReach(c) && table.wouldAdd(c.id()) && probing.size() < 64 && probing.add(c.id())) {
        ping(c).whenComplete((r, e) -> probing.remove(c.id()));
      }
    }
  }

  private boolean canReach(Contact c) {
    return transports.reachable(c).isPresent();
  }

  CompletableFuture<Message> ping(Contact c) {
    return request(c, new Message.Ping(), null);
  }

  private void send(Address to, byte[] bytes) {
    Transport t = transports.senderFor(to.scheme());
    if (t == null || closed) {
      return;
    }
    try {
      t.send(to, bytes);
      stats.bytesOut.add(bytes.length);
      stats.messagesOut.increment();
    } catch (IllegalArgumentException e) {
      LOG.warn("cannot send {} bytes to {}: {}", bytes.length, to, e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Outbound requests

  /**
   * Sends a request and completes with the answer (on the loop), or with {@link TimeoutException} after the retries.
   * Must be called on the loop. {@code expect} may be null when the peer's id is not known yet (bootstrap).
   */
  CompletableFuture<Message> request(Contact to, Message template, String statName) {
    return request(to, template, statName, null);
  }

  /**
   * {@link #request(Contact, Message, String)}, and {@code stalled} runs (on the loop) if the first send is not
   * answered within its retransmit time: a lookup then asks the next contact instead of waiting out the deadline.
   */
  CompletableFuture<Message> request(Contact to, Message template, String statName, Runnable stalled) {
    return rpc.request(to, template, statName, stalled);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lookups

  /** The closest live nodes to {@code target}, found by an iterative FIND_NODE; must be called on the loop. */
  CompletableFuture<Lookup.Result> lookupNodes(NodeId target, int resultSize) {
    table.lookedUp(target, scheduler.currentTimeMillis());
    Message q = new Message.FindNode(target);
    Lookup lookup = new Lookup(id, target, resultSize, cfg.alpha(), table.closest(target, cfg.k()),
        (c, stalled) -> request(c, q, null, stalled), l -> false);
    return lookup.start().whenComplete((r, e) -> {
      if (r != null) {
        stats.lookupDone(r.hops());
      }
    });
  }

  /**
   * An iterative FIND_VALUE that stops once {@code stillNeeded} (answers with the value still wanted) reaches zero,
   * and keeps no more requests in flight than it still needs; must be called on the loop.
   */
  CompletableFuture<Lookup.Result> lookupValue(NodeId target, String namespace, String key,
      ToIntFunction<Lookup> stillNeeded) {
    table.lookedUp(target, scheduler.currentTimeMillis());
    Message q = new Message.FindValue(target, namespace, key);
    Lookup lookup = new Lookup(id, target, cfg.replication(), l -> Math.min(cfg.alpha(), stillNeeded.applyAsInt(l)),
        table.closest(target, cfg.k()), (c, stalled) -> request(c, q, null, stalled),
        l -> stillNeeded.applyAsInt(l) <= 0);
    return lookup.start().whenComplete((r, e) -> {
      if (r != null) {
        stats.lookupDone(r.hops());
      }
    });
  }

  /** A STORE counted under {@code statName} (null: under STORE). */
  CompletableFuture<Message> store(Contact to, Record record, String statName) {
    return request(to, new Message.Store(record), statName);
  }

  int contactCount() {
    return table.size();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dht (for plugins)

  @Override
  public Contact self() {
    return selfContact;
  }

  @Override
  public NodeId keyId(String namespace, String key) {
    return NodeId.forKey(namespace, key, cfg.namespaceBits());
  }

  @Override
  public List<Contact> closestKnown(NodeId target, int count) {
    return onLoop(() -> table.closest(target, count));
  }

  @Override
  public List<List<Contact>> buckets() {
    return onLoop(() -> {
      List<List<Contact>> out = new ArrayList<>(NodeId.BITS);
      for (int i = 0; i < NodeId.BITS; i++) {
        out.add(table.bucketContacts(i));
      }
      return out;
    });
  }

  @Override
  public CompletableFuture<List<Contact>> lookup(NodeId target) {
    return lookup(target, cfg.k());
  }

  @Override
  public CompletableFuture<List<Contact>> lookup(NodeId target, int count) {
    int n = Math.max(1, Math.min(count, cfg.k()));
    CompletableFuture<List<Contact>> out = new CompletableFuture<>();
    loop.execute(() -> lookupNodes(target, n).whenComplete((r, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
        return;
      }
      List<Contact> withSelf = new ArrayList<>(r.closest());
      withSelf.add(selfContact);
      withSelf.sort((a, b) -> target.compareDistance(a.id(), b.id()));
      out.complete(withSelf.size() > n ? List.copyOf(withSelf.subList(0, n)) : List.copyOf(withSelf));
    }));
    return out;
  }

  @Override
  public CompletableFuture<JsonNode> request(Contact to, String channel, JsonNode body) {
    CompletableFuture<JsonNode> out = new CompletableFuture<>();
    loop.execute(() -> {
      request(to, new Message.App(channel, body, false), null).whenComplete((r, e) -> {
        if (e != null) {
          out.completeExceptionally(e);
        } else {
          out.complete(r instanceof Message.AppReply a ? a.body() : null);
        }
      });
    });
    return out;
  }

  @Override
  public void notify(Contact to, String channel, JsonNode body) {
    loop.execute(() -> {
      rpc.sendOneway(to, new Message.App(channel, body, true));
    });
  }

  @Override
  public Registration handle(String channel, ChannelHandler handler) {
    return plugins.handle(channel, handler);
  }

  @Override
  public Executor eventExecutor() {
    return loop;
  }

  @Override
  public CompletableFuture<Long> purge(String namespace, long writtenBeforeMillis) {
    return storage.purge(namespace, writtenBeforeMillis);
  }

  @Override
  public Duration handOffInterval() {
    return cfg.maintenanceInterval();
  }

  @Override
  public Optional<Contact> contact(NodeId nodeId) {
    return onLoop(() -> {
      RoutingTable.Entry e = table.find(nodeId);
      return e == null ? Optional.<Contact>empty() : Optional.of(e.contact);
    });
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
