package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.schema.Schema;
import dev.weft.sim.Latency;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long a global ({@code Schema.of(node).setGlobal}) takes to reach every node, on a {@link
 * dev.weft.sim.SimNetwork}: for each N and each loss (none, then {@code --loss}), N unmodified nodes join on
 * a clean network, the loss is set, and {@code writes} globals are written one at a time from random nodes; after
 * each, the simulation runs until every node's listener has seen it (at most {@code --limit-minutes}). The write is
 * broadcast ({@code sendAll}); what a lost broadcast misses, anti-entropy (a digest exchange with a random neighbour
 * every minute) fills in. Writes {@code globals.csv} (one row per N and loss), {@code globals-coverage.csv} (share
 * of nodes that know a write against the time since it was written) and {@code globals-time.png}, {@code
 * globals-coverage.png} into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulateGlobals --nodes 100,1000 --loss 0.1 --writes 20 --seed 1 --out target/sim</pre>
 */
public final class SimulateGlobals {
  private SimulateGlobals() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100,1000"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0.1"));
    int writes = Integer.parseInt(SimCluster.arg(args, "--writes", "20"));
    int limitMinutes = Integer.parseInt(SimCluster.arg(args, "--limit-minutes", "10"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> rows = new ArrayList<>(List.of("nodes,loss,writes,all_p50_ms,all_p99_ms,all_max_ms,node_p50_ms,"
        + "node_p99_ms,incomplete_writes,learned_by_broadcast,learned_by_sync,wall_s"));
    List<String> coverageRows = new ArrayList<>(List.of("nodes,loss,ms,share_of_nodes"));
    List<Double> losses = loss > 0 ? List.of(0.0, loss) : List.of(0.0);
    Map<Double, List<double[]>> byLoss = new HashMap<>();
    List<SimPlots.Line> coverage = new ArrayList<>();
    for (double l : losses) {
      for (int n : sizes) {
        List<Double> learnedAfter = new ArrayList<>();
        byLoss.computeIfAbsent(l, x -> new ArrayList<>())
            .add(once(n, l, seed, writes, limitMinutes, rows, learnedAfter));
        log.println(rows.get(rows.size() - 1));
        SimPlots.Line curve = coverage("N=" + n + ", loss " + l, learnedAfter, n * writes);
        coverage.add(curve);
        for (int i = 0; i < curve.x().size(); i++) {
          coverageRows.add(String.format(Locale.ROOT, "%d,%.3f,%.1f,%.5f", n, l, curve.x().get(i).doubleValue(),
              curve.y().get(i).doubleValue()));
        }
        Files.write(out.resolve("globals.csv"), rows);
        Files.write(out.resolve("globals-coverage.csv"), coverageRows);
      }
    }
    List<SimPlots.Line> times = new ArrayList<>();
    for (double l : losses) {
      List<double[]> r = byLoss.get(l);
      times.add(new SimPlots.Line("p50, loss " + l, sizes, Simulate.column(r, 0), false));
      times.add(new SimPlots.Line("max, loss " + l, sizes, Simulate.column(r, 2), false));
    }
    SimPlots.png(out.resolve("globals-time.png"), "Time until every node knows a new global (p50, max of "
        + writes + " writes)", "nodes N", "seconds (virtual)", true, true, times);
    // What is still missing, on a log scale: the last fraction of a percent is what anti-entropy fills in.
    List<SimPlots.Line> missing = new ArrayList<>();
    for (SimPlots.Line c : coverage) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < c.x().size(); i++) {
        double m = 1 - c.y().get(i).doubleValue();
        if (m > 1e-9) {
          x.add(c.x().get(i).doubleValue());
          y.add(m);
        }
      }
      missing.add(new SimPlots.Line(c.name(), x, y, false));
    }
    SimPlots.png(out.resolve("globals-coverage.png"), "Share of nodes that do not know a global yet",
        "seconds since setGlobal (virtual)", "share of nodes still missing it", true, true, missing);
    log.println("wrote " + out.toAbsolutePath());
  }

  /**
   * One N and loss; adds every node-write's delay in seconds to {@code learnedAfter}; returns {p50, p99, max} over
   * the writes of the time until all nodes knew it, in seconds.
   */
  private static double[] once(int n, double loss, long seed, int writes, int limitMinutes, List<String> rows,
      List<Double> learnedAfter) {
    long wall0 = System.nanoTime();
    try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
      // name → virtual nanos at which each node's listener first saw it
      Map<String, List<Long>> learned = new HashMap<>();
      w.onStart = node -> {
        java.util.Set<String> seen = new java.util.HashSet<>();
        Schema.of(node).addListener(g -> {
          if (seen.add(g.name())) {
            learned.computeIfAbsent(g.name(), k -> new ArrayList<>()).add(w.net.scheduler().nanoTime());
          }
        });
      };
      w.grow(n, 64);
      w.net.loss(loss);
      long[] before = learnedBy(w.live);
      List<Double> all = new ArrayList<>();
      int incomplete = 0;
      for (int i = 0; i < writes; i++) {
        String name = "sim." + i;
        long t0 = w.net.scheduler().nanoTime();
        Schema.of(w.any()).setGlobal(name, JsonNodeFactory.instance.numberNode(i));
        w.net.scheduler().runUntil(() -> learned.getOrDefault(name, List.of()).size() >= n,
            Duration.ofMinutes(limitMinutes));
        List<Long> at = learned.getOrDefault(name, List.of());
        if (at.size() < n) {
          incomplete++;
          all.add(Double.POSITIVE_INFINITY);
        } else {
          all.add((at.get(at.size() - 1) - t0) / 1e9);
        }
        at.forEach(t -> learnedAfter.add((t - t0) / 1e9));
        w.net.scheduler().run(Duration.ofSeconds(1));
      }
      long[] after = learnedBy(w.live);
      double[] r = {Simulate.pct(all, 50), Simulate.pct(all, 99), Simulate.pct(all, 100)};
      rows.add(String.format(Locale.ROOT, "%d,%.3f,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%d,%d,%d,%.1f", n, loss, writes,
          r[0] * 1000, r[1] * 1000, r[2] * 1000, Simulate.pct(learnedAfter, 50) * 1000,
          Simulate.pct(learnedAfter, 99) * 1000, incomplete, after[0] - before[0], after[1] - before[1],
          (System.nanoTime() - wall0) / 1e9));
      return r;
    }
  }

  /** Versions the nodes learned from broadcasts and from anti-entropy, summed. */
  private static long[] learnedBy(List<Node> nodes) {
    long[] sum = new long[2];
    for (Node node : nodes) {
      Schema.Stats s = Schema.of(node).stats();
      sum[0] += s.fromBroadcast();
      sum[1] += s.fromSync();
    }
    return sum;
  }

  /** Share of the {@code total} node-writes known at each delay (writes never learned keep it below 1). */
  private static SimPlots.Line coverage(String name, List<Double> delays, int total) {
    List<Double> sorted = delays.stream().sorted().toList();
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    int step = Math.max(1, sorted.size() / 300);
    // Every point of the last 200: the tail is where anti-entropy shows.
    for (int i = 0; i < sorted.size(); i += i < sorted.size() - 200 ? step : 1) {
      // The writer knows its own write at once: a log axis starts at 1 ms.
      x.add(Math.max(0.001, sorted.get(i)));
      y.add((i + 1) / (double) total);
    }
    if (!sorted.isEmpty()) {
      x.add(Math.max(0.001, sorted.get(sorted.size() - 1)));
      y.add(sorted.size() / (double) total);
    }
    return new SimPlots.Line(name, x, y, false);
  }
}
