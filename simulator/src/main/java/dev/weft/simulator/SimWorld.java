package dev.weft.simulator;

import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.messaging.internal.MessagingProvider;
import dev.weft.pht.internal.PhtProvider;
import dev.weft.query.internal.QueryProvider;
import dev.weft.schema.internal.SchemaProvider;
import dev.weft.sim.Churn;
import dev.weft.sim.Latency;
import dev.weft.sim.Sessions;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Unmodified nodes (engine, in-memory store and the plugins messaging, schema, pht, and query if asked for) on one
 * {@link SimNetwork}, in virtual time on the calling thread. Ids, joins and workload are drawn from one seeded
 * {@link Random}.
 */
final class SimWorld implements AutoCloseable {
  final SimNetwork net;
  final Random random;
  /** Live nodes; a node that left is removed. */
  final List<Node> live = new ArrayList<>();
  /** Called with each node once built, before it joins: where experiments register handlers and listeners. */
  Consumer<Node> onStart = node -> {};
  /** Called with each node that leaves, before it closes: its counters are final then. */
  Consumer<Node> onLeave = node -> {};
  /**
   * Whether nodes built from now on also run the query plugin, on the scheduler ({@link QueryProvider#onScheduler}):
   * only the experiments that need it pay for it.
   */
  boolean query;
  /** Every node online (joined or joining) with its local store, so a runner can see who holds what. */
  final Map<Node, LocalStore> stores = new java.util.IdentityHashMap<>();
  private final Map<String, String> settings;
  private int nextIndex;
  private LocalStore opened;

  SimWorld(long seed, Latency latency, Map<String, String> settings) {
    this.net = new SimNetwork(seed, latency);
    this.random = new Random(seed);
    this.settings = settings;
  }

  /** Builds a node with a fresh id at a fresh address; it has not joined. */
  Node start() {
    NodeBuilder b = Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
        .addStore(new StoreProvider() {
          private final MemoryStoreProvider memory = new MemoryStoreProvider();

          @Override
          public String name() {
            return memory.name();
          }

          @Override
          public LocalStore open(StoreContext context) {
            opened = memory.open(context);
            return opened;
          }
        }).engine(new KademliaEngineProvider()).addPlugin(new MessagingProvider())
        .addPlugin(new SchemaProvider()).addPlugin(new PhtProvider()).nodeId(NodeId.random(random))
        .listen("sim://n" + nextIndex++ + ":1");
    if (query) {
      b.addPlugin(QueryProvider.onScheduler());
    }
    settings.forEach(b::set);
    Node node = b.build();
    stores.put(node, opened);
    onStart.accept(node);
    return node;
  }

  /**
   * Starts {@code n} nodes, {@code batch} at a time, each joining through a random node already in; returns how many
   * joins failed.
   */
  int grow(int n, int batch) {
    int failed = 0;
    if (live.isEmpty()) {
      live.add(start());
      n--;
    }
    while (n > 0) {
      int size = Math.min(batch, n);
      List<Node> fresh = new ArrayList<>();
      List<CompletableFuture<Integer>> joins = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Node via = live.get(random.nextInt(live.size()));
        Node node = start();
        fresh.add(node);
        joins.add(node.join(via.addresses()));
      }
      await(joins, Duration.ofMinutes(5));
      for (CompletableFuture<Integer> j : joins) {
        if (!j.isDone() || j.isCompletedExceptionally()) {
          failed++;
        }
      }
      live.addAll(fresh);
      n -= size;
    }
    return failed;
  }

  /** Runs the simulation until every future is done or {@code limit} of virtual time has passed. */
  boolean await(List<? extends CompletableFuture<?>> futures, Duration limit) {
    int[] next = {0};
    return net.scheduler().runUntil(() -> {
      while (next[0] < futures.size() && futures.get(next[0]).isDone()) {
        next[0]++;
      }
      return next[0] == futures.size();
    }, limit);
  }

  /**
   * Starts churn: every live node leaves when a session drawn from {@code sessions} ends, and each leaver is replaced
   * at once by a fresh node (new id) that joins through a random live node and serves once joined.
   */
  Churn churn(Sessions sessions, long seed) {
    Churn churn = new Churn(net.scheduler(), sessions, seed, session -> replacement());
    List<Runnable> stops = new ArrayList<>();
    for (Node node : List.copyOf(live)) {
      stops.add(() -> leave(node));
    }
    churn.adopt(stops);
    return churn;
  }

  /** The node leaves without warning. */
  void leave(Node node) {
    live.remove(node);
    stores.remove(node);
    onLeave.accept(node);
    node.close();
  }

  private Runnable replacement() {
    Node node = start();
    Node via = any();
    boolean[] left = {false};
    node.join(via.addresses()).whenComplete((r, e) -> {
      if (!left[0]) {
        live.add(node);
      }
    });
    return () -> {
      left[0] = true;
      leave(node);
    };
  }

  Node any() {
    return live.get(random.nextInt(live.size()));
  }

  @Override
  public void close() {
    live.forEach(Node::close);
    live.clear();
  }
}
