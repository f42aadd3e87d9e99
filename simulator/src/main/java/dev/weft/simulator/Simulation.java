package dev.weft.simulator;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The experiments of {@code weft simulate}, one call: each chosen workload runs its experiment (the same code as
 * {@code benchmarks/run.sh Simulate...}) with one set of options, writes its CSV and PNG files into the output
 * directory, and names the CSV that summarizes it.
 */
public final class Simulation {
  /** What the simulated nodes do. */
  public enum Workload {
    /** Puts then gets of 100-byte values from random nodes ({@link Simulate}); with churn, gets ({@link SimulateChurn}). */
    LOOKUPS,
    /** Broadcasts with {@code Messaging.sendAll} ({@link SimulateBroadcast}). */
    SENDALL,
    /** Globals written with {@code Schema.setGlobal}, until every node knows them ({@link SimulateGlobals}). */
    GLOBALS,
    /** PHT range queries ({@link SimulatePht}), on a small index: 500 keys, leaves of 8 and 32. */
    PHT,
    /** SQL over two tables of 5,000 rows: a filtered scan, a GROUP BY, a join two ways ({@link SimulateSql}). */
    SQL;

    /** The name users type: {@code lookups}, {@code sendall}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this workload runs under churn. */
    public boolean churns() {
      return this == LOOKUPS || this == SENDALL || this == SQL;
    }
  }

  /**
   * One run's options.
   *
   * @param nodes network sizes, each run on its own network
   * @param seed seeds ids, latencies, loss, sessions and the workload: the same seed gives the same CSV
   * @param loss share of messages lost on every link, in [0, 1)
   * @param churnMinutes median session in minutes (exponential sessions, each leaver replaced at once); 0 for none
   * @param minutes virtual minutes of the timed phase: idle time between puts and gets, the churn period, the period
   *     over which broadcasts are spread
   * @param workloads what to run, in this order
   * @param out where the files go (created if missing)
   */
  public record Options(List<Integer> nodes, long seed, double loss, int churnMinutes, int minutes,
      Set<Workload> workloads, Path out) {
    public Options {
      nodes = List.copyOf(nodes);
      workloads = Set.copyOf(workloads);
      Objects.requireNonNull(out, "out");
    }
  }

  /** One workload's result: its summary CSV (header and rows) and the columns worth a glance. */
  public record Summary(Workload workload, Path csv, List<String> columns) {}

  private Simulation() {}

  /** Runs every chosen workload in declaration order; progress lines go to {@code log}. */
  public static List<Summary> run(Options o, PrintWriter log) throws IOException {
    Files.createDirectories(o.out());
    String nodes = o.nodes().stream().map(String::valueOf).collect(Collectors.joining(","));
    List<String> common = List.of("--seed", Long.toString(o.seed()), "--loss", Double.toString(o.loss()));
    List<Summary> summaries = new ArrayList<>();
    for (Workload w : Workload.values()) {
      if (!o.workloads().contains(w)) {
        continue;
      }
      switch (w) {
        case LOOKUPS -> {
          if (o.churnMinutes() > 0) {
            summaries.add(churnedLookups(o, common, log));
          } else {
            Simulate.run(args(common, "--nodes", nodes, "--idle-minutes", o.minutes(), "--ops", 100,
                "--out", o.out()), log);
            summaries.add(new Summary(w, o.out().resolve("ops.csv"), List.of("nodes", "op", "ops", "succeeded",
                "hops_p50", "hops_p99", "msgs_mean", "latency_p50_ms")));
          }
        }
        case SENDALL -> {
          SimulateBroadcast.run(args(common, "--nodes", nodes, "--medians", o.churnMinutes(), "--broadcasts", 10,
              "--minutes", o.minutes(), "--out", o.out()), log);
          summaries.add(new Summary(w, o.out().resolve("broadcast.csv"), List.of("nodes", "median_session_min",
              "sessions_ended", "handoffs_per_node", "delivery_ratio", "delivery_min")));
        }
        case GLOBALS -> {
          SimulateGlobals.run(args(common, "--nodes", nodes, "--writes", 10, "--out", o.out()), log);
          summaries.add(new Summary(w, o.out().resolve("globals.csv"), List.of("nodes", "loss", "all_p50_ms",
              "all_p99_ms", "all_max_ms", "incomplete_writes", "learned_by_sync")));
        }
        case PHT -> {
          SimulatePht.run(args(common, "--nodes", nodes, "--entries", 500, "--leaf", "8,32", "--ranges", "10,100",
              "--queries", 10, "--out", o.out()), log);
          summaries.add(new Summary(w, o.out().resolve("pht.csv"), List.of("nodes", "leaf", "range_mean",
              "gets_mean", "gets_target", "rounds_mean", "rounds_target")));
        }
        case SQL -> {
          SimulateSql.run(args(common, "--nodes", nodes, "--rows", 5_000, "--runs", 3, "--churn", o.churnMinutes(),
              "--minutes", o.minutes(), "--out", o.out()), log);
          summaries.add(new Summary(w, o.out().resolve("sql.csv"), List.of("nodes", "query", "complete",
              "counted_exact", "coverage", "messages_per_node", "bytes_per_node", "max_inbound", "mean_inbound",
              "latency_p50_ms", "latency_p99_ms")));
        }
      }
    }
    return summaries;
  }

  /** {@link SimulateChurn} runs one N per call: one subdirectory per N, and their rows in one churn.csv. */
  private static Summary churnedLookups(Options o, List<String> common, PrintWriter log) throws IOException {
    List<String> rows = new ArrayList<>();
    for (int n : o.nodes()) {
      Path dir = o.out().resolve("churn-n" + n);
      SimulateChurn.run(args(common, "--nodes", n, "--medians", o.churnMinutes(), "--minutes", o.minutes(),
          "--out", dir), log);
      List<String> lines = Files.readAllLines(dir.resolve("churn.csv"));
      rows.addAll(rows.isEmpty() ? lines : lines.subList(1, lines.size()));
    }
    Path csv = o.out().resolve("churn.csv");
    Files.write(csv, rows);
    return new Summary(Workload.LOOKUPS, csv, List.of("nodes", "median_session_min", "republish",
        "sessions_ended", "gets", "success_ratio", "latency_p50_ms"));
  }

  private static String[] args(Collection<String> common, Object... pairs) {
    List<String> all = new ArrayList<>(common);
    for (Object p : pairs) {
      all.add(p.toString());
    }
    return all.toArray(String[]::new);
  }
}
