package dev.weft.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.internal.MessagingProvider;
import dev.weft.simulator.SimCluster;
import dev.weft.sim.MemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Cost and reach of {@code sendAll}: N nodes in one JVM on an in-memory network with 20 ms links and virtual time
 * (the unmodified node and messaging code), B broadcasts from random nodes, then again after a share of the nodes
 * stopped without warning.
 *
 * <pre>benchmarks/run.sh BroadcastBenchmark [--nodes 50,200,1000] [--broadcasts 20] [--churn 0,10,30]</pre>
 */
public final class BroadcastBenchmark {
  private BroadcastBenchmark() {}

  public static void main(String[] args) {
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "50,200,1000"));
    int broadcasts = Integer.parseInt(SimCluster.arg(args, "--broadcasts", "20"));
    List<Integer> churns = SimCluster.ints(SimCluster.arg(args, "--churn", "0,10,30"));
    System.out.println("| nodes | nodes gone | hand-offs per broadcast / live nodes | datagrams per broadcast / live nodes"
        + " | delivery (live nodes that got each broadcast) |");
    System.out.println("|---|---|---|---|---|");
    for (int n : sizes) {
      for (int churn : churns) {
        run(n, churn, broadcasts);
      }
    }
  }

  private static void run(int n, int churnPercent, int broadcasts) {
    AtomicLongArray received = new AtomicLongArray(n);
    SimCluster sim = new SimCluster(n, n * 31L + churnPercent,
        Map.of("weft.messaging.broadcast-attempts", System.getProperty("attempts", "8")),
        List.of(MessagingProvider::new));
    List<Node> nodes = sim.nodes;
    MemoryNetwork net = sim.net;
    Random random = sim.random;
    for (int i = 0; i < n; i++) {
      int index = i;
      Messaging.of(nodes.get(i)).registerMessageHandler(m -> received.incrementAndGet(index));
    }
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      live.add(i);
    }
    Collections.shuffle(live, random);
    List<Integer> gone = new ArrayList<>(live.subList(0, n * churnPercent / 100));
    live = new ArrayList<>(live.subList(gone.size(), n));
    gone.forEach(i -> nodes.get(i).close());

    long requestsBefore = requests(nodes, live);
    long datagramsBefore = net.delivered() + net.dropped();
    long[] receivedBefore = new long[n];
    for (int i = 0; i < n; i++) {
      receivedBefore[i] = received.get(i);
    }
    List<CompletableFuture<Messaging.Broadcast>> sent = new ArrayList<>();
    for (int b = 0; b < broadcasts; b++) {
      int from = live.get(random.nextInt(live.size()));
      sent.add(Messaging.of(nodes.get(from)).sendAll(JsonNodeFactory.instance.numberNode(b)));
    }
    sim.finish(sent);
    sim.clock.advance(Duration.ofSeconds(30));
    long requests = requests(nodes, live) - requestsBefore;
    long datagrams = net.delivered() + net.dropped() - datagramsBefore;
    long deliveries = 0;
    for (int i : live) {
      deliveries += received.get(i) - receivedBefore[i];
    }
    System.out.printf("| %d | %d%% | %.3f | %.3f | %.2f%% |%n", n, churnPercent,
        requests / (double) broadcasts / live.size(), datagrams / (double) broadcasts / live.size(),
        100.0 * deliveries / broadcasts / live.size());
    sim.close();
  }

  private static long requests(List<Node> nodes, List<Integer> live) {
    long sum = 0;
    for (int i : live) {
      NodeStats.Rpc r = nodes.get(i).stats().rpcs().get("APP:messaging");
      sum += r == null ? 0 : r.sent();
    }
    return sum;
  }
}
