package dev.weft.simulator;

import dev.weft.api.Node;
import dev.weft.pht.Pht;
import dev.weft.sim.Latency;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * PHT range-query cost on a {@link dev.weft.sim.SimNetwork}: for each N and leaf capacity B, N unmodified
 * nodes join, one client loads {@code entries} random 64-bit keys (the {@link PhtWorkload} that the benchmarks'
 * PhtBenchmark also runs, here with internet-like latency), then runs {@code queries} range queries selecting about R
 * entries for each R. Writes {@code pht.csv} and {@code pht-gets.png}, {@code pht-rounds.png} (against R/B, with the
 * issue's targets) into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulatePht --nodes 100 --leaf 4,16,64 --ranges 10,100,1000 --entries 2000 --queries 20
 *     --seed 1 --out target/sim</pre>
 */
public final class SimulatePht {
  private SimulatePht() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100"));
    List<Integer> leaves = SimCluster.ints(SimCluster.arg(args, "--leaf", "4,16,64"));
    List<Integer> ranges = SimCluster.ints(SimCluster.arg(args, "--ranges", "10,100,1000"));
    int entries = Integer.parseInt(SimCluster.arg(args, "--entries", "2000"));
    int queries = Integer.parseInt(SimCluster.arg(args, "--queries", "20"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> rows = new ArrayList<>(List.of("nodes,loss,leaf,entries,depth_leaves,range_wanted,range_mean,"
        + "r_over_b,gets_mean,gets_target,rounds_mean,rounds_max,rounds_target,latency_p50_ms,wall_s"));
    // per N and B: {R/B, gets, rounds}, and the targets at each R/B
    List<SimPlots.Line> gets = new ArrayList<>();
    List<SimPlots.Line> rounds = new ArrayList<>();
    List<double[]> targets = new ArrayList<>();
    for (int n : sizes) {
      for (int b : leaves) {
        long wall0 = System.nanoTime();
        List<double[]> points = new ArrayList<>();
        try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
          w.grow(n, 64);
          w.net.loss(loss);
          Node client = w.any();
          Pht pht = Pht.of(client);
          PhtWorkload.Clock clock = futures -> {
            long t0 = w.net.scheduler().currentTimeMillis();
            w.await(futures, Duration.ofMinutes(5));
            return w.net.scheduler().currentTimeMillis() - t0;
          };
          Random r = new Random(seed + b);
          PhtWorkload.Loaded loaded = PhtWorkload.load(clock, pht, "sim", entries, b, r);
          for (int want : ranges) {
            PhtWorkload.Range q = PhtWorkload.range(clock, () -> client.stats().lookups(), pht, "sim", loaded, b,
                want, queries, r);
            double rb = q.entries() / b;
            points.add(new double[] {rb, q.gets(), q.rounds()});
            targets.add(new double[] {rb, q.targetGets(), q.targetRounds()});
            rows.add(String.format(Locale.ROOT, "%d,%.3f,%d,%d,%s,%d,%.1f,%.2f,%.2f,%d,%.2f,%d,%d,%d,%.1f", n, loss, b,
                loaded.sorted().length, loaded.shape().replace(" ", ""), want, q.entries(), rb, q.gets(),
                q.targetGets(), q.rounds(), q.maxRounds(), q.targetRounds(), q.latencyP50(),
                (System.nanoTime() - wall0) / 1e9));
            log.println(rows.get(rows.size() - 1));
            Files.write(out.resolve("pht.csv"), rows);
          }
        }
        String name = (sizes.size() > 1 ? "N=" + n + ", " : "") + "B=" + b;
        gets.add(new SimPlots.Line(name, Simulate.column(points, 0), Simulate.column(points, 1), false));
        rounds.add(new SimPlots.Line(name, Simulate.column(points, 0), Simulate.column(points, 2), false));
      }
    }
    targets.sort(Comparator.comparingDouble(t -> t[0]));
    gets.add(new SimPlots.Line("target ⌈R/B⌉ + log2 D", Simulate.column(targets, 0), Simulate.column(targets, 1),
        true));
    rounds.add(new SimPlots.Line("target 2 + ⌈log2(R/B)⌉", Simulate.column(targets, 0), Simulate.column(targets, 2),
        true));
    SimPlots.png(out.resolve("pht-gets.png"), "PHT range query: DHT gets per query", "R/B (entries returned / leaf "
        + "capacity)", "DHT gets (mean)", true, true, gets);
    SimPlots.png(out.resolve("pht-rounds.png"), "PHT range query: rounds of reads per query", "R/B (entries "
        + "returned / leaf capacity)", "rounds (mean)", true, false, rounds);
    log.println("wrote " + out.toAbsolutePath());
  }
}
