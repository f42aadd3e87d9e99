package dev.weft.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.pht.Key;
import dev.weft.pht.Pht;
import dev.weft.pht.internal.PhtProvider;
import dev.weft.simulator.PhtWorkload;
import dev.weft.simulator.SimCluster;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Cost of PHT operations: N unmodified nodes (kademlia + pht) in virtual time on an in-memory network with 20 ms links.
 * For each leaf capacity B: E entries with uniformly random 64-bit keys are loaded (64 at a time), then, from one client
 * node, sequential lookups of loaded keys, inserts of new ones, and range queries selecting about R entries each.
 *
 * <p>Reported per operation: DHT gets (iterative lookups the client ran, from {@code NodeStats.lookups}), for range
 * queries also the trie nodes read and the rounds of reads that had to wait for earlier ones ({@link dev.weft.pht.Results}), and the
 * virtual latency. Targets from the issue: a lookup ≤ log₂ D gets (6); a range returning R entries ≤ ⌈R/B⌉ + log₂ D +
 * a small constant gets and ≤ 2 + ⌈log₂(R/B)⌉ rounds.
 *
 * <p>With {@code --udp}: the same on N node processes over UDP on loopback (the core benchmark's cluster) and one
 * client node in this process, in wall-clock time; the client's own gets are counted as above.
 *
 * <pre>benchmarks/run.sh PhtBenchmark [--nodes 20] [--entries 10000] [--leaf 4,16,64] [--ranges 10,100,1000]
 *     [--ops 100] [--udp]</pre>
 */
public final class PhtBenchmark {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private PhtBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(SimCluster.arg(args, "--nodes", "20"));
    int entries = Integer.parseInt(SimCluster.arg(args, "--entries", "10000"));
    List<Integer> leaves = SimCluster.ints(SimCluster.arg(args, "--leaf", "4,16,64"));
    List<Integer> ranges = SimCluster.ints(SimCluster.arg(args, "--ranges", "10,100,1000"));
    int ops = Integer.parseInt(SimCluster.arg(args, "--ops", "100"));
    System.out.println("| B | entries | trie depth / leaves | lookup: gets mean / max, latency p50 | insert: gets mean, "
        + "latency p50 | range R: gets mean (target) / rounds mean, max (target) / latency p50 |");
    System.out.println("|---|---|---|---|---|---|");
    if (Arrays.asList(args).contains("--udp")) {
      try (NodeProcesses cluster = new NodeProcesses(nodes, "-XX:+UseSerialGC -Xmx96m -Xss256k");
           Node client = Weft.builder().listen("udp://127.0.0.1:0").build()) {
        client.join(List.of(cluster.bootstrap)).get(30, TimeUnit.SECONDS);
        for (int b : leaves) {
          run(new Wall(client), client, "udp" + b, entries, b, ranges, ops, new Random(b));
        }
      }
      return;
    }
    for (int b : leaves) {
      try (SimCluster sim = new SimCluster(nodes, 1000L + b, Map.of(), List.of(PhtProvider::new))) {
        run(new Virtual(sim), sim.nodes.get(1), "bench", entries, b, ranges, ops, new Random(b));
      }
    }
  }

  private record Virtual(SimCluster sim) implements PhtWorkload.Clock {
    @Override
    public long await(List<? extends CompletableFuture<?>> futures) {
      long start = sim.clock.currentTimeMillis();
      sim.finish(futures);
      return sim.clock.currentTimeMillis() - start;
    }
  }

  private record Wall(Node client) implements PhtWorkload.Clock {
    @Override
    public long await(List<? extends CompletableFuture<?>> futures) {
      long start = System.nanoTime();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(120, TimeUnit.SECONDS).join();
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  private static void run(PhtWorkload.Clock clock, Node client, String index, int entries, int b,
      List<Integer> ranges, int ops, Random r) {
    Pht pht = Pht.of(client);
    PhtWorkload.Loaded loaded = PhtWorkload.load(clock, pht, index, entries, b, r);
    LongSupplier lookups = () -> client.stats().lookups();
    Long[] sorted = loaded.sorted();
    Measured lookup = measure(clock, lookups, ops, i -> pht.lookup(index, Key.of(sorted[r.nextInt(sorted.length)])));
    Measured insert = measure(clock, lookups, ops, i -> pht.insert(index, Key.of(r.nextLong()), JSON.numberNode(-i)));

    StringBuilder rangeCols = new StringBuilder();
    for (int want : ranges) {
      PhtWorkload.Range q = PhtWorkload.range(clock, lookups, pht, index, loaded, b, want, Math.max(1, ops / 2), r);
      rangeCols.append(String.format("R≈%.0f: %.1f (%d) / %.1f, %d (%d) / %d ms; ", q.entries(), q.gets(),
          q.targetGets(), q.rounds(), q.maxRounds(), q.targetRounds(), q.latencyP50()));
    }
    System.out.printf("| %d | %d (%.0f inserts/s, 64 in flight) | %s | %.1f / %d, %d ms | %.1f, %d ms | %s |%n", b,
        sorted.length, entries * 1000.0 / Math.max(1, loaded.loadMillis()), loaded.shape(), lookup.meanGets,
        lookup.maxGets, lookup.p50, insert.meanGets, insert.p50, rangeCols);
  }

  private record Measured(double meanGets, long maxGets, long p50) {}

  private interface Op {
    CompletableFuture<?> run(int i);
  }

  private static Measured measure(PhtWorkload.Clock clock, LongSupplier lookups, int ops, Op op) {
    long[] gets = new long[ops];
    long[] latency = new long[ops];
    for (int i = 0; i < ops; i++) {
      long before = lookups.getAsLong();
      CompletableFuture<?> f = op.run(i);
      latency[i] = clock.await(List.of(f));
      f.join();
      gets[i] = lookups.getAsLong() - before;
    }
    Arrays.sort(latency);
    return new Measured(Arrays.stream(gets).average().orElse(0), Arrays.stream(gets).max().orElse(0),
        latency[ops / 2]);
  }
}
