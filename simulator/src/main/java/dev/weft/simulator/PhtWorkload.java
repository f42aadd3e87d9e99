package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The PHT workload of {@link SimulatePht} and of the benchmarks' {@code PhtBenchmark}: an index loaded with uniformly
 * random 64-bit keys, and range queries that select about R entries each, measured from one client node.
 */
public final class PhtWorkload {
  /** Targets from the issue take log₂ D = 6 for the trie depths these loads reach. */
  public static final int LOG2_DEPTH = 6;

  private PhtWorkload() {}

  /** How operations are waited for and timed: virtual time, or the wall clock. */
  public interface Clock {
    /** Waits for every future; returns the elapsed milliseconds. */
    long await(List<? extends CompletableFuture<?>> futures);
  }

  /** A loaded index: its keys in order, the load time, and the trie's shape ("depth / leaves"). */
  public record Loaded(Long[] sorted, long loadMillis, String shape) {}

  /** Creates {@code index} with leaf capacity {@code b} and inserts {@code entries} random keys, 64 in flight. */
  public static Loaded load(Clock clock, Pht pht, String index, int entries, int b, Random r) {
    clock.await(List.of(pht.create(index, KeyType.LONG, b, 0)));
    TreeSet<Long> keys = new TreeSet<>();
    List<CompletableFuture<Boolean>> window = new ArrayList<>();
    long loadMillis = 0;
    for (int i = 0; i < entries; i++) {
      long k = r.nextLong();
      keys.add(k);
      window.add(pht.insert(index, Key.of(k), JsonNodeFactory.instance.numberNode(i)));
      if (window.size() == 64) {
        loadMillis += clock.await(window);
        window.clear();
      }
    }
    loadMillis += clock.await(window);
    var stats = pht.stats(index);
    clock.await(List.of(stats));
    String shape = stats.join().depth() + " / " + stats.join().leaves();
    if (stats.join().entries() != keys.size()) {
      shape += " (" + stats.join().entries() + " entries!)";
    }
    return new Loaded(keys.toArray(Long[]::new), loadMillis, shape);
  }

  /**
   * What range queries selecting about R entries cost: mean entries returned, DHT gets (mean, and the target
   * ⌈R/B⌉ + log₂ D), rounds of reads (mean, max, and the target 2 + ⌈log₂(R/B)⌉), virtual latency p50 in ms.
   */
  public record Range(double entries, double gets, long targetGets, double rounds, long maxRounds, long targetRounds,
      long latencyP50) {}

  /** Runs {@code queries} range queries for about {@code want} entries each; {@code lookups} counts DHT gets. */
  public static Range range(Clock clock, LongSupplier lookups, Pht pht, String index, Loaded loaded, int b, int want,
      int queries, Random r) {
    Long[] sorted = loaded.sorted();
    long[] gets = new long[queries];
    long[] rounds = new long[queries];
    long[] latency = new long[queries];
    int[] got = new int[queries];
    for (int q = 0; q < queries; q++) {
      int from = r.nextInt(Math.max(1, sorted.length - want));
      Query query = Query.range(index, Key.of(sorted[from]), Key.of(sorted[Math.min(sorted.length - 1,
          from + want - 1)])).limit(Query.MAX_LIMIT);
      long before = lookups.getAsLong();
      CompletableFuture<Results> f = pht.query(query);
      latency[q] = clock.await(List.of(f));
      gets[q] = lookups.getAsLong() - before;
      rounds[q] = f.join().rounds();
      got[q] = f.join().entries().size();
    }
    double meanR = Arrays.stream(got).average().orElse(0);
    long targetGets = (long) Math.ceil(meanR / b) + LOG2_DEPTH;
    long targetRounds = 2 + (long) Math.ceil(Math.log(Math.max(1, meanR / b)) / Math.log(2));
    Arrays.sort(latency);
    return new Range(meanR, Arrays.stream(gets).average().orElse(0), targetGets,
        Arrays.stream(rounds).average().orElse(0), Arrays.stream(rounds).max().orElse(0), targetRounds,
        latency[latency.length / 2]);
  }
}
