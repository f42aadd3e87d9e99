package dev.weft.testkit;

import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Several nodes in this JVM, joined into one network: the fixture for cluster tests.
 *
 * <pre>
 * try (TestCluster c = TestCluster.builder().nodes(20).listen("udp://127.0.0.1:0").seed(1).start()) {
 *   c.node(3).storage().put("ns", "k", value).join();
 * }
 * </pre>
 *
 * Node ids come from the seed, so runs are repeatable. Every node is closed by {@link #close()}, stopped ones too.
 */
public final class TestCluster implements AutoCloseable {
  private final Builder spec;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Boolean> running = new ArrayList<>();
  private final Random random;

  private TestCluster(Builder spec) {
    this.spec = spec;
    this.random = new Random(spec.seed);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How to build the cluster. */
  public static final class Builder {
    private int count = 3;
    private String listen = "udp://127.0.0.1:0";
    private long seed = 1;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Consumer<NodeBuilder> customizer = b -> { };
    private long joinTimeoutSeconds = 60;

    private Builder() {}

    public Builder nodes(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a cluster needs at least one node");
      }
      this.count = n;
      return this;
    }

    /** The listen address of every node, normally with port 0. */
    public Builder listen(String address) {
      Address.parse(address);
      this.listen = address;
      return this;
    }

    /** Seeds node ids (and the cluster's own choices). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** A setting for every node. */
    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /** Further changes to every node's builder, e.g. adding a provider by hand. */
    public Builder customize(Consumer<NodeBuilder> c) {
      this.customizer = this.customizer.andThen(c);
      return this;
    }

    public Builder joinTimeoutSeconds(long seconds) {
      this.joinTimeoutSeconds = seconds;
      return this;
    }

    /** Starts the nodes; all but the first join through the first. */
    public TestCluster start() {
      TestCluster c = new TestCluster(this);
      try {
        c.startAll();
      } catch (RuntimeException | Error e) {
        c.close();
        throw e;
      }
      return c;
    }
  }

  private Node build() {
    return build(NodeId.random(random));
  }

  private Node build(NodeId id) {
    NodeBuilder b = Weft.builder().listen(spec.listen).nodeId(id);
    spec.settings.forEach(b::set);
    spec.customizer.accept(b);
    return b.build();
  }

  private void startAll() {
    Node first = build();
    add(first);
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < spec.count; i++) {
      Node n = build();
      add(n);
      joins.add(n.join(first.addresses()));
    }
    await(CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)));
    // A second round lets the early joiners learn of the late ones, as bucket refreshes would over time.
    List<CompletableFuture<Integer>> again = new ArrayList<>();
    for (int i = 1; i < nodes.size(); i++) {
      again.add(nodes.get(i).join(first.addresses()));
    }
    await(CompletableFuture.allOf(again.toArray(CompletableFuture[]::new)));
  }

  private void add(Node n) {
    nodes.add(n);
    running.add(true);
  }

  private void await(CompletableFuture<?> f) {
    try {
      f.get(spec.joinTimeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cluster did not form within " + spec.joinTimeoutSeconds + " s", e);
    }
  }

  /** Starts one more node and joins it through a running node. */
  public Node addNode() {
    return addNode(NodeId.random(random));
  }

  /** As {@link #addNode()}, with the id {@code id}: to place a node next to given keys. */
  public Node addNode(NodeId id) {
    Node n = build(id);
    add(n);
    await(n.join(runningNodes().get(0).addresses()));
    return n;
  }

  /** Every node ever started, stopped ones included, in start order. */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  public Node node(int index) {
    return nodes.get(index);
  }

  public int size() {
    return nodes.size();
  }

  /** Nodes not stopped. */
  public List<Node> runningNodes() {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (running.get(i)) {
        out.add(nodes.get(i));
      }
    }
    return out;
  }

  /** A running node picked with the cluster's seeded random. */
  public Node randomRunning() {
    List<Node> r = runningNodes();
    return r.get(random.nextInt(r.size()));
  }

  /** The cluster's seeded random, for tests that want repeatable choices. */
  public Random random() {
    return random;
  }

  /** Stops node {@code index} without warning its peers (they find out by timeouts). */
  public void stop(int index) {
    if (running.get(index)) {
      running.set(index, false);
      nodes.get(index).close();
    }
  }

  public boolean isRunning(int index) {
    return running.get(index);
  }

  @Override
  public void close() {
    for (int i = 0; i < nodes.size(); i++) {
      try {
        nodes.get(i).close();
      } catch (RuntimeException e) {
        // keep closing the others
      }
      running.set(i, false);
    }
  }
}
