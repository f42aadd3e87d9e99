package dev.weft.benchmarks.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A whole get and a whole put, one at a time, on a cluster in this JVM: {@code nodes} nodes joined through the
 * first plus two client nodes, A putting and B getting, as in {@code ClusterBenchmark} but without processes, so the
 * figures are the engine's own cost (every node's work included, as all of them run here) rather than the OS's.
 * {@code mem} runs on testkit's {@link MemoryNetwork} (no sockets, no latency), {@code udp} on real loopback
 * sockets.
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} is what the whole cluster allocates per operation.
 *
 * <pre>benchmarks/jmh.sh InProcessCluster</pre>
 *
 * <p>Public and not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InProcessClusterBenchmark {
  private static final int KEYS = 1000;

  @Param({"mem", "udp"})
  public String transport;

  @Param({"20"})
  public int nodes;

  private TestCluster cluster;
  private Node a;
  private Node b;
  private JsonNode value;
  private int nextGet;
  private int nextPut;
  private long gets;
  private long misses;

  @Setup
  public void setUp() throws Exception {
    TestCluster.Builder spec = TestCluster.builder().nodes(nodes).seed(1);
    if (transport.equals("mem")) {
      MemoryNetwork net = new MemoryNetwork(1);
      spec.listen("mem://n:0").customize(n -> n.addTransport(net.provider()));
    } else if (transport.equals("udp")) {
      spec.listen("udp://127.0.0.1:0");
    } else {
      throw new IllegalArgumentException("transport is mem or udp, not " + transport);
    }
    cluster = spec.start();
    a = cluster.addNode();
    b = cluster.addNode();
    // 200 bytes once encoded, as in ClusterBenchmark.
    value = JsonNodeFactory.instance.textNode("x".repeat(198));
    for (int i = 0; i < KEYS; i++) {
      a.storage().put("bench", "key-" + i, value).get(10, TimeUnit.SECONDS);
    }
  }

  @TearDown
  public void tearDown() {
    cluster.close();
    // A get that found nothing did less work than one that did: its time would flatter the figure.
    if (misses > 0) {
      throw new IllegalStateException(misses + " of " + gets + " gets found nothing: the figures are not valid");
    }
  }

  @Benchmark
  public Optional<StoredObject> get() throws Exception {
    Optional<StoredObject> o = b.storage().get("bench", "key-" + (nextGet++ % KEYS)).get(10, TimeUnit.SECONDS);
    gets++;
    if (o.isEmpty()) {
      misses++;
    }
    return o;
  }

  /** Overwrites the stored keys in turn: each put is a new version of a key that has replicas. */
  @Benchmark
  public PutResult put() throws Exception {
    return a.storage().put("bench", "key-" + (nextPut++ % KEYS), value).get(10, TimeUnit.SECONDS);
  }
}
