package dev.weft.benchmarks;

import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Measures the namespace-bits trade-off without a network: for each setting, where would every replica of a workload
 * land on N random node ids? Locality is how many distinct nodes hold one namespace (fewer means a namespace-wide scan
 * touches fewer nodes); skew is how unevenly records spread over nodes (max and p99 load over mean).
 *
 * <pre>benchmarks/run.sh NamespaceLocality [--nodes 1000] [--keys 100000] [--namespaces 200] [--replication 8]</pre>
 */
public final class NamespaceLocality {
  private NamespaceLocality() {}

  public static void main(String[] args) {
    int nodes = arg(args, "--nodes", 1000);
    int keys = arg(args, "--keys", 100_000);
    int namespaces = arg(args, "--namespaces", 200);
    int replication = arg(args, "--replication", 8);
    Random random = new Random(1);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      ids.add(NodeId.random(random));
    }
    // Zipf-like namespace sizes: a few big namespaces, a long tail of small ones.
    double[] weights = new double[namespaces];
    double sum = 0;
    for (int i = 0; i < namespaces; i++) {
      weights[i] = 1.0 / (i + 1);
      sum += weights[i];
    }
    int[] sizes = new int[namespaces];
    for (int i = 0; i < namespaces; i++) {
      sizes[i] = Math.max(1, (int) Math.round(keys * weights[i] / sum));
    }
    System.out.printf("%d nodes, %d namespaces (Zipf sizes, largest %d keys, smallest %d), replication %d%n%n", nodes,
        namespaces, sizes[0], sizes[namespaces - 1], replication);
    System.out.println("| namespace bits | nodes holding a namespace (mean, weighted by keys) | nodes holding the"
        + " largest namespace | load max / mean | load p99 / mean | nodes holding nothing |");
    System.out.println("|---|---|---|---|---|---|");
    for (int bits : new int[] {0, 2, 4, 6, 8, 10, 12, 16, 160}) {
      long[] load = new long[nodes];
      double weightedSpread = 0;
      int largestSpread = 0;
      int total = 0;
      for (int ns = 0; ns < namespaces; ns++) {
        Set<Integer> holders = new HashSet<>();
        for (int k = 0; k < sizes[ns]; k++) {
          NodeId key = NodeId.forKey("ns" + ns, "key" + k, bits);
          for (int holder : closest(ids, key, replication)) {
            load[holder]++;
            holders.add(holder);
          }
        }
        weightedSpread += holders.size() * (double) sizes[ns];
        total += sizes[ns];
        if (ns == 0) {
          largestSpread = holders.size();
        }
      }
      long[] sorted = load.clone();
      java.util.Arrays.sort(sorted);
      double mean = (double) total * replication / nodes;
      long empty = java.util.Arrays.stream(load).filter(l -> l == 0).count();
      System.out.printf("| %d | %.1f | %d | %.1f | %.1f | %d |%n", bits, weightedSpread / total, largestSpread,
          sorted[nodes - 1] / mean, sorted[(int) (nodes * 0.99) - 1] / mean, empty);
    }
  }

  private static int[] closest(List<NodeId> ids, NodeId target, int count) {
    PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> target.compareDistance(ids.get(b), ids.get(a)));
    for (int i = 0; i < ids.size(); i++) {
      heap.add(i);
      if (heap.size() > count) {
        heap.poll();
      }
    }
    return heap.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int arg(String[] args, String name, int def) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }
}
