package dev.weft.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.messaging.internal.MessagingProvider;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import dev.weft.schema.internal.SchemaProvider;
import dev.weft.simulator.SimCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fast a new global reaches every node, and what keeping a converged network in sync costs: N unmodified nodes
 * (kademlia, messaging, schema) in virtual time on an in-memory network with 20 ms links.
 *
 * <ol>
 *   <li>W writes of one global each, from random nodes, one at a time: for each, the virtual time from {@code
 *       setGlobal} until the last node's listener fired (p50/p99 over the writes), and until each node's (p50/p99 over
 *       all node-writes);</li>
 *   <li>the same with a share of the links' datagrams lost, where broadcast retries and anti-entropy fill the gaps;</li>
 *   <li>an idle, converged network for M virtual minutes: bytes the schema plugin sent per node per minute (the
 *       digest exchanges of anti-entropy, with their envelopes), from the nodes' per-RPC byte counters;</li>
 *   <li>20 times: a random node is cut off, a write is made elsewhere and its broadcast completes, the node is
 *       reconnected: the virtual time from reconnecting until it knows the write (anti-entropy alone).</li>
 * </ol>
 *
 * <p>With {@code --udp}, step 1 only, on N real nodes in this JVM over UDP on 127.0.0.1 in wall-clock time.
 *
 * <pre>benchmarks/run.sh SchemaBenchmark [--nodes 30,200] [--writes 50] [--loss 0,5] [--idle-minutes 30] [--udp]</pre>
 */
public final class SchemaBenchmark {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SchemaBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "30,200"));
    int writes = Integer.parseInt(SimCluster.arg(args, "--writes", "50"));
    List<Integer> losses = SimCluster.ints(SimCluster.arg(args, "--loss", "0,5"));
    int idleMinutes = Integer.parseInt(SimCluster.arg(args, "--idle-minutes", "30"));
    if (Arrays.asList(args).contains("--udp")) {
      System.out.println("| nodes (UDP, one JVM) | all nodes know it: p50 / p99 / max | one node knows it: p50 / p99 |");
      System.out.println("|---|---|---|");
      for (int n : sizes) {
        runUdp(n, writes);
      }
      return;
    }
    System.out.println("| nodes | loss | all nodes know it: p50 / p99 / max | one node knows it: p50 / p99"
        + " | idle sync traffic per node per minute | missed write learned after reconnecting: p50 / p99 |");
    System.out.println("|---|---|---|---|---|---|");
    for (int n : sizes) {
      for (int loss : losses) {
        run(n, loss, writes, idleMinutes);
      }
    }
  }

  private static void run(int n, int lossPercent, int writes, int idleMinutes) {
    try (SimCluster sim = new SimCluster(n, 7L * n + lossPercent, Map.of(),
        List.of(MessagingProvider::new, SchemaProvider::new))) {
      // name → node index → virtual millis its listener fired
      Map<String, Map<Integer, Long>> learned = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Schema.of(sim.nodes.get(i)).addListener(g -> learned.computeIfAbsent(g.name(), k -> new ConcurrentHashMap<>())
            .putIfAbsent(index, sim.clock.currentTimeMillis()));
      }
      sim.net.lossProbability(lossPercent / 100.0);
      long[] all = new long[writes];
      List<Long> each = new ArrayList<>();
      for (int w = 0; w < writes; w++) {
        String name = "bench." + w;
        Node writer = sim.nodes.get(sim.random.nextInt(n));
        long start = sim.clock.currentTimeMillis();
        CompletableFuture<Global> done = Schema.of(writer).setGlobal(name, JSON.objectNode().put("w", w));
        sim.finish(List.of(done));
        // Until every node knows it, or 10 virtual minutes (anti-entropy runs every minute).
        for (int step = 0; step < 60_000 && learned.getOrDefault(name, Map.of()).size() < n; step++) {
          sim.clock.advance(Duration.ofMillis(10));
        }
        Map<Integer, Long> times = learned.getOrDefault(name, Map.of());
        if (times.size() < n) {
          System.out.printf("  write %d: only %d of %d nodes after 10 minutes%n", w, times.size(), n);
        }
        all[w] = times.values().stream().mapToLong(t -> t - start).max().orElse(-1);
        times.values().forEach(t -> each.add(t - start));
        sim.clock.advance(Duration.ofSeconds(1));
      }
      sim.net.lossProbability(0);
      // Let anti-entropy settle whatever is left, then measure the idle cost.
      sim.clock.advance(Duration.ofMinutes(5));
      long before = schemaBytes(sim.nodes);
      sim.clock.advance(Duration.ofMinutes(idleMinutes));
      double perNodeMinute = (schemaBytes(sim.nodes) - before) / (double) n / idleMinutes;
      long digests = sim.nodes.stream().map(x -> Schema.of(x).digest()).distinct().count();
      long[] catchUp = new long[20];
      for (int k = 0; k < catchUp.length; k++) {
        String name = "gap." + k;
        int cut = sim.random.nextInt(n);
        int writer = (cut + 1 + sim.random.nextInt(n - 1)) % n;
        Address address = sim.nodes.get(cut).addresses().get(0);
        sim.net.disconnect(address);
        sim.finish(List.of(Schema.of(sim.nodes.get(writer)).setGlobal(name, JSON.numberNode(k))));
        sim.clock.advance(Duration.ofSeconds(2));
        sim.net.reconnect(address);
        long start = sim.clock.currentTimeMillis();
        for (int step = 0; step < 60_000 && !learned.getOrDefault(name, Map.of()).containsKey(cut); step++) {
          sim.clock.advance(Duration.ofMillis(10));
        }
        Long at = learned.getOrDefault(name, Map.of()).get(cut);
        catchUp[k] = at == null ? Long.MAX_VALUE : at - start;
      }
      Arrays.sort(catchUp);
      Arrays.sort(all);
      long[] one = each.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("| %d | %d%% | %d / %d / %d ms | %d / %d ms | %.0f bytes%s | %.1f / %.1f s |%n", n,
          lossPercent, pct(all, 50), pct(all, 99), all[all.length - 1], pct(one, 50), pct(one, 99), perNodeMinute,
          digests == 1 ? "" : " (" + digests + " different digests!)", pct(catchUp, 50) / 1000.0,
          pct(catchUp, 99) / 1000.0);
    }
  }

  private static void runUdp(int n, int writes) throws Exception {
    Random random = new Random(n);
    List<Node> nodes = new ArrayList<>();
    try {
      InProcessNodes.start(nodes, n, random);
      Map<String, Map<Integer, Long>> learned = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Schema.of(nodes.get(i)).addListener(g -> learned.computeIfAbsent(g.name(), k -> new ConcurrentHashMap<>())
            .putIfAbsent(index, System.nanoTime()));
      }
      long[] all = new long[writes];
      List<Long> each = new ArrayList<>();
      // Five writes first, not counted, to warm the JIT up.
      for (int w = -5; w < writes; w++) {
        String name = "bench." + w;
        long start = System.nanoTime();
        Schema.of(nodes.get(random.nextInt(n))).setGlobal(name, JSON.objectNode().put("w", w));
        while (learned.getOrDefault(name, Map.of()).size() < n && System.nanoTime() - start < 120_000_000_000L) {
          Thread.sleep(0, 100_000);
        }
        Map<Integer, Long> times = learned.getOrDefault(name, Map.of());
        Thread.sleep(100);
        if (w < 0) {
          continue;
        }
        all[w] = times.values().stream().mapToLong(t -> (t - start) / 1000).max().orElse(-1);
        times.values().forEach(t -> each.add((t - start) / 1000));
      }
      Arrays.sort(all);
      long[] one = each.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("| %d | %.2f / %.2f / %.2f ms | %.2f / %.2f ms |%n", n, pct(all, 50) / 1000.0,
          pct(all, 99) / 1000.0, all[all.length - 1] / 1000.0, pct(one, 50) / 1000.0, pct(one, 99) / 1000.0);
    } finally {
      nodes.forEach(Node::close);
    }
  }

  private static long schemaBytes(List<Node> nodes) {
    long sum = 0;
    for (Node node : nodes) {
      NodeStats.Rpc r = node.stats().rpcs().get("APP:schema");
      sum += r == null ? 0 : r.bytesOut();
    }
    return sum;
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
