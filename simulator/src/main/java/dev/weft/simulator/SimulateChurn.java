package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.kademlia.KademliaSettings;
import dev.weft.sim.Churn;
import dev.weft.sim.Latency;
import dev.weft.sim.Sessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gets under churn on a {@link dev.weft.sim.SimNetwork}: N nodes join, random nodes put {@code keys} values,
 * then for {@code minutes} of virtual time nodes leave after exponential sessions of the given medians (minutes,
 * fractions allowed; each node is replaced at once by a fresh node with a new id that joins through a random live
 * node) while a random live node gets a random key every {@code get-interval}; with republish at the engine's default
 * interval (1 h) and without (interval 1,000 h), or only one of them ({@code --republish on|off}). {@code --set
 * key=value,...} passes engine settings to every node. Links have internet-like latency and the given loss.
 *
 * <p>Writes {@code churn.csv} (one row per run: success, latency percentiles, failed gets by cause, network traffic
 * per node), {@code churn-latency.csv} (every get's latency, for CDFs), {@code churn-failures.csv} (every failed get
 * with its cause), {@code churn-cdf.png} and {@code churn-success.png} into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulateChurn --nodes 500 --medians 240,60,30,10 --loss 0.1 --minutes 120 --out target/sim</pre>
 *
 * <p>A get succeeds when it returns the value within 60 virtual seconds; its latency is measured either way.
 */
public final class SimulateChurn {
  private SimulateChurn() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int n = Integer.parseInt(SimCluster.arg(args, "--nodes", "500"));
    List<Double> medians = doubles(SimCluster.arg(args, "--medians", "60,30,10"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0.1"));
    int minutes = Integer.parseInt(SimCluster.arg(args, "--minutes", "120"));
    int keys = Integer.parseInt(SimCluster.arg(args, "--keys", "200"));
    long getEveryMillis = Duration.parse("PT" + SimCluster.arg(args, "--get-interval", "2s")).toMillis();
    String republishArg = SimCluster.arg(args, "--republish", "both");
    List<Boolean> republishModes = switch (republishArg) {
      case "both" -> List.of(true, false);
      case "on" -> List.of(true);
      case "off" -> List.of(false);
      default -> throw new IllegalArgumentException("--republish is both, on or off: " + republishArg);
    };
    Map<String, String> extra = settings(SimCluster.arg(args, "--set", ""));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> rows = new ArrayList<>(List.of("nodes,median_session_min,loss,republish,minutes,sessions_ended,"
        + "gets,succeeded,success_ratio,latency_p50_ms,latency_p90_ms,latency_p99_ms,"
        + "failed_lost,failed_far,failed_few,failed_held,failed_notfound,failed_error,failed_timeout,"
        + "messages_per_node_s,bytes_per_node_s,wall_s"));
    List<String> latencyRows = new ArrayList<>(List.of("median_session_min,republish,latency_ms,found"));
    List<String> failureRows = new ArrayList<>(List.of(
        "median_session_min,republish,time_s,outcome,closest_holders,live_holders"));
    List<SimPlots.Line> cdfs = new ArrayList<>();
    Map<Boolean, List<Double>> successX = new java.util.TreeMap<>();
    Map<Boolean, List<Double>> successY = new java.util.TreeMap<>();
    for (double median : medians) {
      for (boolean republish : republishModes) {
        long wall0 = System.nanoTime();
        List<Double> latencies = new ArrayList<>();
        int[] counts = new int[2];
        Map<String, Integer> classes = new java.util.TreeMap<>();
        Map<String, String> settings = new java.util.HashMap<>(extra);
        if (!republish) {
          settings.put(KademliaSettings.REPUBLISH_INTERVAL.key(), "1000h");
        }
        String label = fmt(median);
        try (SimWorld w = new SimWorld(seed, Latency.internet(seed), settings)) {
          w.net.loss(loss);
          w.grow(n, 64);
          List<CompletableFuture<?>> puts = new ArrayList<>();
          for (int i = 0; i < keys; i++) {
            puts.add(w.any().storage().put("churn", "k" + i, JsonNodeFactory.instance.textNode("value " + i)));
          }
          w.await(puts, Duration.ofMinutes(2));
          Churn churn = w.churn(Sessions.exponential(Duration.ofMillis(Math.round(median * 60_000))), seed + 1);
          long start = w.net.scheduler().nanoTime();
          long end = start + TimeUnit.MINUTES.toNanos(minutes);
          long messages0 = w.net.sent();
          long bytes0 = w.net.bytesSent();
          Probe probe = new Probe(w, keys, start, latencies, counts, classes, latencyRows, failureRows,
              label + "," + republish);
          probe.loop(getEveryMillis, end);
          w.net.scheduler().run(Duration.ofMinutes(minutes).plusMinutes(1));
          churn.stop();
          double perNodeSecond = n * (minutes + 1) * 60.0;
          double messageRate = (w.net.sent() - messages0) / perNodeSecond;
          double byteRate = (w.net.bytesSent() - bytes0) / perNodeSecond;
          double wall = (System.nanoTime() - wall0) / 1e9;
          String row = String.format(Locale.ROOT,
              "%d,%s,%.3f,%b,%d,%d,%d,%d,%.4f,%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%d,%d,%.2f,%.1f,%.1f", n, label, loss,
              republish, minutes, churn.ended(), counts[0], counts[1], counts[1] / (double) counts[0],
              Simulate.pct(latencies, 50), Simulate.pct(latencies, 90), Simulate.pct(latencies, 99),
              classes.getOrDefault("lost", 0), classes.getOrDefault("far", 0), classes.getOrDefault("few", 0),
              classes.getOrDefault("held", 0), classes.getOrDefault("notfound", 0), classes.getOrDefault("error", 0),
              classes.getOrDefault("timeout", 0), messageRate, byteRate, wall);
          rows.add(row);
          log.println(row);
          Files.write(out.resolve("churn.csv"), rows);
          Files.write(out.resolve("churn-latency.csv"), latencyRows);
          Files.write(out.resolve("churn-failures.csv"), failureRows);
        }
        cdfs.add(cdf("median " + label + " min" + (republish ? "" : ", no republish"), latencies));
        successX.computeIfAbsent(republish, r -> new ArrayList<>()).add(median);
        successY.computeIfAbsent(republish, r -> new ArrayList<>()).add(100.0 * counts[1] / counts[0]);
      }
    }
    SimPlots.png(out.resolve("churn-cdf.png"), "Get latency under churn (N=" + n + ", loss " + loss + ")",
        "latency (ms, virtual)", "fraction of gets", true, false, cdfs);
    List<SimPlots.Line> success = new ArrayList<>();
    successX.forEach((republish, x) -> success.add(new SimPlots.Line(republish ? "republish every 1 h"
        : "no republish", x, successY.get(republish), !republish)));
    SimPlots.png(out.resolve("churn-success.png"), "Gets found within 60 s (N=" + n + ", loss " + loss + ")",
        "median session (minutes)", "gets found (%)", true, false, success);
    log.println("wrote " + out.toAbsolutePath());
  }

  private static String fmt(double median) {
    return median == Math.rint(median) ? Long.toString((long) median) : Double.toString(median);
  }

  static List<Double> doubles(String csv) {
    List<Double> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Double.parseDouble(s.trim()));
    }
    return out;
  }

  /** {@code key=value,key=value}: engine settings for every node of the run, e.g. to compare a setting. */
  private static Map<String, String> settings(String csv) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String pair : csv.split(",")) {
      if (!pair.isBlank()) {
        int eq = pair.indexOf('=');
        out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return out;
  }

  /**
   * Issues a get every {@code everyMillis} from a random live node for a random key, and classifies each failed get
   * by the replicas online when it was issued (the runner looks into the nodes' stores; the engine is not asked):
   * {@code lost} no online node holds the value, {@code far} only nodes outside the key's replication-factor closest
   * online nodes (by XOR) hold it, {@code few} 1 or 2 of those closest hold it, {@code held} 3 or more do; and by
   * outcome: {@code notfound} (the lookup ended without the value), {@code error} (it failed: no node answered),
   * {@code timeout} (no answer within 60 s).
   */
  private static final class Probe {
    private static final int REPLICATION = 8;
    private final SimWorld w;
    private final int keys;
    private final long startNanos;
    private final List<Double> latencies;
    private final int[] counts;
    private final Map<String, Integer> classes;
    private final List<String> latencyRows;
    private final List<String> failureRows;
    private final String prefix;

    Probe(SimWorld w, int keys, long startNanos, List<Double> latencies, int[] counts, Map<String, Integer> classes,
        List<String> latencyRows, List<String> failureRows, String prefix) {
      this.w = w;
      this.keys = keys;
      this.startNanos = startNanos;
      this.latencies = latencies;
      this.counts = counts;
      this.classes = classes;
      this.latencyRows = latencyRows;
      this.failureRows = failureRows;
      this.prefix = prefix;
    }

    void loop(long everyMillis, long endNanos) {
      w.net.scheduler().schedule(() -> {
        if (w.net.scheduler().nanoTime() >= endNanos) {
          return;
        }
        once();
        loop(everyMillis, endNanos);
      }, everyMillis, TimeUnit.MILLISECONDS);
    }

    private void once() {
      long t0 = w.net.scheduler().nanoTime();
      String key = "k" + w.random.nextInt(keys);
      int[] holders = holders(key);
      counts[0]++;
      CompletableFuture<Optional<dev.weft.api.StoredObject>> get = w.any().storage().get("churn", key);
      // A get that has not answered after 60 s counts as failed at 60 s.
      boolean[] late = {false};
      dev.weft.api.spi.Scheduler.Cancellable deadline = w.net.scheduler().schedule(() -> {
        late[0] = true;
        get.completeExceptionally(new java.util.concurrent.TimeoutException());
      }, 60, TimeUnit.SECONDS);
      get.whenComplete((o, e) -> {
        deadline.cancel();
        double ms = (w.net.scheduler().nanoTime() - t0) / 1e6;
        boolean found = o != null && o.isPresent();
        if (found) {
          counts[1]++;
        } else {
          String outcome = late[0] ? "timeout" : e != null ? "error" : "notfound";
          String replicas = holders[1] == 0 ? "lost" : holders[0] == 0 ? "far" : holders[0] < 3 ? "few" : "held";
          classes.merge(outcome, 1, Integer::sum);
          classes.merge(replicas, 1, Integer::sum);
          failureRows.add(prefix + "," + String.format(Locale.ROOT, "%.1f", (t0 - startNanos) / 1e9) + ","
              + outcome + "," + holders[0] + "," + holders[1]);
        }
        latencies.add(found ? ms : Double.POSITIVE_INFINITY);
        latencyRows.add(prefix + "," + String.format(Locale.ROOT, "%.1f", ms) + "," + found);
      });
    }

    /** How many of the key's closest online nodes hold its live value, and how many online nodes hold it at all. */
    private int[] holders(String key) {
      NodeId target = NodeId.forKey("churn", key, 2);
      long now = w.net.scheduler().currentTimeMillis();
      List<Map.Entry<Node, LocalStore>> online = new ArrayList<>(w.stores.entrySet());
      online.sort((a, b) -> target.compareDistance(a.getKey().id(), b.getKey().id()));
      int[] out = new int[2];
      for (int i = 0; i < online.size(); i++) {
        Optional<Record> r = online.get(i).getValue().get("churn", key).join();
        if (r.isPresent() && !r.get().tombstone() && !r.get().isExpired(now)) {
          out[1]++;
          if (i < REPLICATION) {
            out[0]++;
          }
        }
      }
      return out;
    }
  }

  /** The empirical CDF of {@code values} (failed gets, infinite, never reach 1). */
  private static SimPlots.Line cdf(String name, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i += Math.max(1, sorted.size() / 200)) {
      if (Double.isFinite(sorted.get(i)) && sorted.get(i) > 0) {
        x.add(sorted.get(i));
        y.add((i + 1) / (double) sorted.size());
      }
    }
    return new SimPlots.Line(name, x, y, false);
  }
}
