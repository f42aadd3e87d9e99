package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.messaging.Messaging;
import dev.weft.sim.Churn;
import dev.weft.sim.Latency;
import dev.weft.sim.Sessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Cost and reach of messaging's structured broadcast ({@code Messaging.of(node).sendAll}) on a {@link
 * dev.weft.sim.SimNetwork}: for each N and each churn level, N unmodified nodes join, then {@code
 * broadcasts} broadcasts from random live nodes, spread evenly over {@code minutes} of virtual time, while (with a
 * median session M &gt; 0) every node leaves after an exponential session of median M and is replaced at once by a
 * fresh node. Writes {@code broadcast.csv} (one row per N and churn level) and {@code broadcast-cost.png}, {@code
 * broadcast-delivery.png} into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulateBroadcast --nodes 100,1000 --medians 0,30,10 --broadcasts 20 --minutes 30 --seed 1
 *     --out target/sim</pre>
 *
 * <p>Cost is hand-offs (acknowledged messaging requests, retries included, counted by every node that took part,
 * also those that left since) per broadcast, divided by the nodes live when it was sent: 1 is the ideal of one
 * message per node. Delivery counts, for each broadcast, the nodes live when it was sent and still live 30 virtual
 * seconds later (those that could have received it), and how many of them did.
 */
public final class SimulateBroadcast {
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private SimulateBroadcast() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100,1000"));
    List<Integer> medians = SimCluster.ints(SimCluster.arg(args, "--medians", "0,30,10"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0"));
    int broadcasts = Integer.parseInt(SimCluster.arg(args, "--broadcasts", "20"));
    int minutes = Integer.parseInt(SimCluster.arg(args, "--minutes", "30"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> rows = new ArrayList<>(List.of("nodes,median_session_min,loss,broadcasts,minutes,sessions_ended,"
        + "handoffs_per_node,delivery_ratio,delivery_min,unreachable_subtrees,wall_s"));
    Map<Integer, List<double[]>> byMedian = new HashMap<>();
    for (int median : medians) {
      for (int n : sizes) {
        double[] r = once(n, median, seed, loss, broadcasts, minutes, rows);
        log.println(rows.get(rows.size() - 1));
        byMedian.computeIfAbsent(median, m -> new ArrayList<>()).add(r);
        Files.write(out.resolve("broadcast.csv"), rows);
      }
    }
    List<SimPlots.Line> cost = new ArrayList<>();
    List<SimPlots.Line> delivery = new ArrayList<>();
    for (int median : medians) {
      String name = median == 0 ? "no churn" : "median session " + median + " min";
      cost.add(new SimPlots.Line(name, sizes, Simulate.column(byMedian.get(median), 0), false));
      List<Double> missed = Simulate.column(byMedian.get(median), 1).stream().map(d -> (1 - d) * 10_000).toList();
      delivery.add(new SimPlots.Line(name, sizes, missed, false));
    }
    cost.add(new SimPlots.Line("ideal: one per node", sizes, java.util.Collections.nCopies(sizes.size(), 1.0), true));
    SimPlots.png(out.resolve("broadcast-cost.png"), "sendAll: hand-offs per broadcast per node (loss " + loss + ")",
        "nodes N", "hand-offs / live nodes", true, false, cost);
    // Misses, not the ratio: a ratio plot is a flat line at 1 that hides them.
    SimPlots.png(out.resolve("broadcast-delivery.png"), "sendAll: live nodes that missed a broadcast (loss " + loss
        + ")", "nodes N", "missed per 10,000 live nodes (mean over broadcasts)", true, false, delivery);
    log.println("wrote " + out.toAbsolutePath());
  }

  /** One N and churn level; returns {hand-offs per node, delivery ratio}. */
  private static double[] once(int n, int median, long seed, double loss, int broadcasts, int minutes,
      List<String> rows) {
    long wall0 = System.nanoTime();
    try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
      // Which broadcasts each node present (live or joining) received; and the hand-offs of nodes that left.
      Map<Node, BitSet> received = new HashMap<>();
      long[] handoffsOfGone = {0};
      w.onStart = node -> {
        BitSet got = new BitSet();
        received.put(node, got);
        Messaging.of(node).registerMessageHandler(m -> got.set(m.payload().intValue()));
      };
      w.onLeave = node -> {
        received.remove(node);
        handoffsOfGone[0] += handoffs(node);
      };
      w.grow(n, 64);
      w.net.loss(loss);
      Churn churn = median > 0 ? w.churn(Sessions.exponential(Duration.ofMinutes(median)), seed + 1) : null;

      long gap = TimeUnit.MINUTES.toNanos(minutes) / broadcasts;
      double handoffsPerNode = 0;
      double deliveredSum = 0;
      double deliveredMin = 1;
      int unreachable = 0;
      for (int b = 0; b < broadcasts; b++) {
        // Broadcasts are spread over the period; each is given SETTLE to arrive before it is counted.
        w.net.scheduler().run(Duration.ofNanos(Math.max(0, gap - SETTLE.toNanos())));
        Set<Node> before = Set.copyOf(w.live);
        long handoffs0 = handoffs(received.keySet()) + handoffsOfGone[0];
        var sent = Messaging.of(w.any()).sendAll(JsonNodeFactory.instance.numberNode(b));
        w.net.scheduler().run(SETTLE);
        handoffsPerNode += (handoffs(received.keySet()) + handoffsOfGone[0] - handoffs0) / (double) before.size();
        int eligible = 0;
        int got = 0;
        for (Node node : w.live) {
          if (before.contains(node)) { // joined before the broadcast and still here
            eligible++;
            got += received.get(node).get(b) ? 1 : 0;
          }
        }
        double ratio = got / (double) eligible;
        deliveredSum += ratio;
        deliveredMin = Math.min(deliveredMin, ratio);
        if (sent.isDone() && !sent.isCompletedExceptionally()) {
          unreachable += sent.join().unreachable();
        }
      }
      if (churn != null) {
        churn.stop();
      }
      double[] r = {handoffsPerNode / broadcasts, deliveredSum / broadcasts};
      rows.add(String.format(Locale.ROOT, "%d,%d,%.3f,%d,%d,%d,%.3f,%.4f,%.4f,%d,%.1f", n, median, loss, broadcasts,
          minutes, churn == null ? 0 : churn.ended(), r[0], r[1], deliveredMin, unreachable,
          (System.nanoTime() - wall0) / 1e9));
      return r;
    }
  }

  private static long handoffs(Set<Node> nodes) {
    long sum = 0;
    for (Node node : nodes) {
      sum += handoffs(node);
    }
    return sum;
  }

  private static long handoffs(Node node) {
    NodeStats.Rpc r = node.stats().rpcs().get("APP:messaging");
    return r == null ? 0 : r.sent();
  }
}
