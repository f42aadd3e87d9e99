package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.kademlia.KademliaSettings;
import dev.weft.testkit.sim.Churn;
import dev.weft.testkit.sim.Latency;
import dev.weft.testkit.sim.Sessions;
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
 * Gets under churn on a {@link dev.weft.testkit.sim.SimNetwork}: N nodes join, random nodes put {@code keys} values,
 * then for {@code minutes} of virtual time nodes leave after exponential sessions of the given median (each replaced
 * at once by a fresh node with a new id that joins through a random live node) while a random live node gets a random
 * key every {@code get-interval}; with republish at the engine's default interval (1 h) and without (interval 1,000
 * h). Links have internet-like latency and the given loss. Writes {@code churn.csv}, {@code churn-latency.csv}
 * (every get's latency, for CDFs) and {@code churn-cdf.png} into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulateChurn --nodes 500 --medians 60,30,10 --loss 0.1 --minutes 120 --out target/sim</pre>
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
    List<Integer> medians = SimCluster.ints(SimCluster.arg(args, "--medians", "60,30,10"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0.1"));
    int minutes = Integer.parseInt(SimCluster.arg(args, "--minutes", "120"));
    int keys = Integer.parseInt(SimCluster.arg(args, "--keys", "200"));
    long getEveryMillis = Duration.parse("PT" + SimCluster.arg(args, "--get-interval", "2s")).toMillis();
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> rows = new ArrayList<>(List.of("nodes,median_session_min,loss,republish,minutes,sessions_ended,"
        + "gets,succeeded,success_ratio,latency_p50_ms,latency_p90_ms,latency_p99_ms,wall_s"));
    List<String> latencyRows = new ArrayList<>(List.of("median_session_min,republish,latency_ms,found"));
    List<SimPlots.Line> cdfs = new ArrayList<>();
    for (int median : medians) {
      for (boolean republish : List.of(true, false)) {
        long wall0 = System.nanoTime();
        List<Double> latencies = new ArrayList<>();
        int[] counts = new int[3];
        Map<String, String> settings = republish ? Map.of()
            : Map.of(KademliaSettings.REPUBLISH_INTERVAL, "1000h");
        try (SimWorld w = new SimWorld(seed, Latency.internet(seed), settings)) {
          w.net.loss(loss);
          w.grow(n, 64);
          List<CompletableFuture<?>> puts = new ArrayList<>();
          for (int i = 0; i < keys; i++) {
            puts.add(w.any().storage().put("churn", "k" + i, JsonNodeFactory.instance.textNode("value " + i)));
          }
          w.await(puts, Duration.ofMinutes(2));
          Churn churn = w.churn(Sessions.exponential(Duration.ofMinutes(median)), seed + 1);
          long end = w.net.scheduler().nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
          getLoop(w, keys, getEveryMillis, end, latencies, counts, latencyRows, median, republish);
          w.net.scheduler().run(Duration.ofMinutes(minutes).plusMinutes(1));
          churn.stop();
          double wall = (System.nanoTime() - wall0) / 1e9;
          String row = String.format(Locale.ROOT, "%d,%d,%.3f,%b,%d,%d,%d,%d,%.4f,%.1f,%.1f,%.1f,%.1f", n, median, loss,
              republish, minutes, churn.ended(), counts[0], counts[1], counts[1] / (double) counts[0],
              Simulate.pct(latencies, 50), Simulate.pct(latencies, 90), Simulate.pct(latencies, 99), wall);
          rows.add(row);
          log.println(row);
          Files.write(out.resolve("churn.csv"), rows);
          Files.write(out.resolve("churn-latency.csv"), latencyRows);
        }
        cdfs.add(cdf("median " + median + " min" + (republish ? "" : ", no republish"), latencies));
      }
    }
    SimPlots.png(out.resolve("churn-cdf.png"), "Get latency under churn (N=" + n + ", loss " + loss + ")",
        "latency (ms, virtual)", "fraction of gets", true, false, cdfs);
    log.println("wrote " + out.toAbsolutePath());
  }

  /** Issues a get every {@code everyMillis} until {@code endNanos}, from a random live node, for a random key. */
  private static void getLoop(SimWorld w, int keys, long everyMillis, long endNanos, List<Double> latencies,
      int[] counts, List<String> rows, int median, boolean republish) {
    w.net.scheduler().schedule(() -> {
      if (w.net.scheduler().nanoTime() >= endNanos) {
        return;
      }
      long t0 = w.net.scheduler().nanoTime();
      String key = "k" + w.random.nextInt(keys);
      counts[0]++;
      CompletableFuture<Optional<dev.weft.api.StoredObject>> get = w.any().storage().get("churn", key);
      // A get that has not answered after 60 s counts as failed at 60 s.
      dev.weft.api.spi.Scheduler.Cancellable deadline = w.net.scheduler().schedule(
          () -> get.completeExceptionally(new java.util.concurrent.TimeoutException()), 60, TimeUnit.SECONDS);
      get.whenComplete((o, e) -> {
        deadline.cancel();
        double ms = (w.net.scheduler().nanoTime() - t0) / 1e6;
        boolean found = o != null && o.isPresent();
        if (found) {
          counts[1]++;
        }
        latencies.add(found ? ms : Double.POSITIVE_INFINITY);
        rows.add(median + "," + republish + "," + String.format(Locale.ROOT, "%.1f", ms) + "," + found);
      });
      getLoop(w, keys, everyMillis, endNanos, latencies, counts, rows, median, republish);
    }, everyMillis, TimeUnit.MILLISECONDS);
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
