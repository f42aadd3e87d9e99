package dev.weft.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.pht.internal.PhtProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Cost of PHT operations: N unmodified nodes (kademlia + pht) in virtual time on an in-memory network with 20 ms links.
 * For each leaf capacity B: E entries with uniformly random 64-bit keys are loaded (64 at a time), then, from one client
 * node, sequential lookups of loaded keys, inserts of new ones, and range queries selecting about R entries each.
 *
 * <p>Reported per operation: DHT gets (iterative lookups the client ran, from {@code NodeStats.lookups}), for range
 * queries also the trie nodes read and the rounds of reads that had to wait for earlier ones ({@link Results}), and the
 * virtual latency. Targets from the issue: a lookup ≤ log₂ D gets (6); a range returning R entries ≤ ⌈R/B⌉ + log₂ D +
 * a small constant gets and ≤ 2 + ⌈log₂(R/B)⌉ rounds.
 *
 * <pre>benchmarks/run.sh PhtBenchmark [--nodes 20] [--entries 10000] [--leaf 4,16,64] [--ranges 10,100,1000]
 *     [--ops 100]</pre>
 */
public final class PhtBenchmark {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private PhtBenchmark() {}

  public static void main(String[] args) {
    int nodes = Integer.parseInt(SimCluster.arg(args, "--nodes", "20"));
    int entries = Integer.parseInt(SimCluster.arg(args, "--entries", "10000"));
    List<Integer> leaves = SimCluster.ints(SimCluster.arg(args, "--leaf", "4,16,64"));
    List<Integer> ranges = SimCluster.ints(SimCluster.arg(args, "--ranges", "10,100,1000"));
    int ops = Integer.parseInt(SimCluster.arg(args, "--ops", "100"));
    System.out.println("| B | entries | trie depth / leaves | lookup: gets mean / max, latency p50 | insert: gets mean, "
        + "latency p50 | range R: gets mean (target) / rounds mean, max (target) / latency p50 |");
    System.out.println("|---|---|---|---|---|---|");
    for (int b : leaves) {
      run(nodes, entries, b, ranges, ops);
    }
  }

  private static void run(int n, int entries, int b, List<Integer> ranges, int ops) {
    try (SimCluster sim = new SimCluster(n, 1000L + b, Map.of(), List.of(PhtProvider::new))) {
      Random r = new Random(b);
      Node client = sim.nodes.get(1);
      Pht pht = Pht.of(client);
      sim.finish(List.of(pht.create("bench", KeyType.LONG, b, 0)));
      TreeSet<Long> keys = new TreeSet<>();
      List<CompletableFuture<Boolean>> window = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        long k = r.nextLong();
        keys.add(k);
        window.add(Pht.of(sim.nodes.get(r.nextInt(n))).insert("bench", Key.of(k), JSON.numberNode(i)));
        if (window.size() == 64) {
          sim.finish(window);
          window.clear();
        }
      }
      sim.finish(window);
      var stats = pht.stats("bench");
      sim.finish(List.of(stats));
      String shape = stats.join().depth() + " / " + stats.join().leaves();
      if (stats.join().entries() != keys.size()) {
        shape += " (" + stats.join().entries() + " entries!)";
      }

      LongSupplier lookups = () -> client.stats().lookups();
      Long[] sorted = keys.toArray(Long[]::new);
      Measured lookup = measure(sim, lookups, ops, i -> pht.lookup("bench", Key.of(sorted[r.nextInt(sorted.length)])));
      Measured insert = measure(sim, lookups, ops, i -> pht.insert("bench", Key.of(r.nextLong()), JSON.numberNode(-i)));

      StringBuilder rangeCols = new StringBuilder();
      for (int want : ranges) {
        long[] gets = new long[ops / 2];
        long[] rounds = new long[ops / 2];
        long[] latency = new long[ops / 2];
        int[] got = new int[ops / 2];
        for (int q = 0; q < ops / 2; q++) {
          int from = r.nextInt(Math.max(1, sorted.length - want));
          Query query = Query.range("bench", Key.of(sorted[from]), Key.of(sorted[Math.min(sorted.length - 1,
              from + want - 1)])).limit(Query.MAX_LIMIT);
          long before = lookups.getAsLong();
          long start = sim.clock.currentTimeMillis();
          CompletableFuture<Results> f = pht.query(query);
          sim.finish(List.of(f));
          latency[q] = sim.clock.currentTimeMillis() - start;
          gets[q] = lookups.getAsLong() - before;
          rounds[q] = f.join().rounds();
          got[q] = f.join().entries().size();
        }
        double meanR = Arrays.stream(got).average().orElse(0);
        long targetGets = (long) Math.ceil(meanR / b) + 6;
        long targetRounds = 2 + (long) Math.ceil(Math.log(Math.max(1, meanR / b)) / Math.log(2));
        Arrays.sort(latency);
        rangeCols.append(String.format("R≈%.0f: %.1f (%d) / %.1f, %d (%d) / %d ms; ", meanR,
            Arrays.stream(gets).average().orElse(0), targetGets, Arrays.stream(rounds).average().orElse(0),
            Arrays.stream(rounds).max().orElse(0), targetRounds, latency[latency.length / 2]));
      }
      System.out.printf("| %d | %d | %s | %.1f / %d, %d ms | %.1f, %d ms | %s |%n", b, keys.size(), shape,
          lookup.meanGets, lookup.maxGets, lookup.p50, insert.meanGets, insert.p50, rangeCols);
    }
  }

  private record Measured(double meanGets, long maxGets, long p50) {}

  private interface Op {
    CompletableFuture<?> run(int i);
  }

  private static Measured measure(SimCluster sim, LongSupplier lookups, int ops, Op op) {
    long[] gets = new long[ops];
    long[] latency = new long[ops];
    for (int i = 0; i < ops; i++) {
      long before = lookups.getAsLong();
      long start = sim.clock.currentTimeMillis();
      CompletableFuture<?> f = op.run(i);
      sim.finish(List.of(f));
      f.join();
      latency[i] = sim.clock.currentTimeMillis() - start;
      gets[i] = lookups.getAsLong() - before;
    }
    Arrays.sort(latency);
    return new Measured(Arrays.stream(gets).average().orElse(0), Arrays.stream(gets).max().orElse(0),
        latency[ops / 2]);
  }
}
