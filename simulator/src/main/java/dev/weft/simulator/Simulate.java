package dev.weft.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.sim.Latency;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The scale experiment of issue #9 on a {@link dev.weft.sim.SimNetwork}: for each network size N, N
 * unmodified nodes join (64 at a time, each through a random node already in), then {@code ops} puts from random
 * nodes, {@code idle} virtual minutes without operations, and {@code ops} gets of those keys from random nodes. Links
 * have internet-like latency ({@link Latency#internet}) and the given loss. Writes {@code nodes.csv}, {@code
 * ops.csv}, {@code hops.csv} and PNG plots into {@code --out}.
 *
 * <pre>benchmarks/run.sh Simulate --nodes 100,1000,10000 --seed 1 --ops 200 --idle-minutes 120 --out target/sim</pre>
 *
 * <p>{@code --merge dirA,dirB --out dir} runs nothing: it joins the CSV of earlier runs (each network size from one
 * of them; the largest sizes take hours, so they are run on their own) and plots them together.
 *
 * <p>Figures: lookup hops are rounds of requests of one iterative lookup, as the node counts them ({@link
 * NodeStats#lookupHops}); messages per operation are those the requesting node sent and received during it
 * (requests, answers, stores); memory is the heap after full GC with the network built and joined, less the heap
 * before, divided by N (it includes the simulator's share: event queue, endpoints); idle traffic is every message
 * on the network during the idle phase, per node.
 */
public final class Simulate {
  private static final String NAMESPACE = "sim";
  private static final String NODES_CSV = "nodes.csv";
  private static final String OPS_CSV = "ops.csv";
  private static final String HOPS_CSV = "hops.csv";

  private Simulate() {}

  /** What one operation cost. */
  private static final class OpStats {
    final List<Integer> hops = new ArrayList<>();
    final List<Long> messages = new ArrayList<>();
    final List<Double> latencyMillis = new ArrayList<>();
    int ok;
    int count;
  }

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100,1000,10000"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    int ops = Integer.parseInt(SimCluster.arg(args, "--ops", "200"));
    int idleMinutes = Integer.parseInt(SimCluster.arg(args, "--idle-minutes", "120"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    String merge = SimCluster.arg(args, "--merge", null);
    if (merge != null) {
      merge(Arrays.stream(merge.split(",")).map(String::trim).map(Path::of).toList(), out);
      log.println("wrote " + out.toAbsolutePath());
      return;
    }
    Files.createDirectories(out);

    List<String> nodeRows = new ArrayList<>(List.of("nodes,seed,loss,join_wall_s,failed_joins,heap_bytes_per_node,"
        + "idle_msgs_per_node_min,idle_bytes_per_node_s,sim_events,wall_s"));
    List<String> opRows = new ArrayList<>(List.of("nodes,op,ops,succeeded,lookups,hops_p50,hops_p90,hops_p99,"
        + "hops_max,hops_mean,msgs_mean,msgs_p50,msgs_p99,latency_p50_ms,latency_p99_ms"));
    List<String> hopRows = new ArrayList<>(List.of("nodes,op,hops,lookups"));
    for (int n : sizes) {
      scale(n, seed, ops, idleMinutes, loss, nodeRows, opRows, hopRows, log);
      Files.write(out.resolve(NODES_CSV), nodeRows);
      Files.write(out.resolve(OPS_CSV), opRows);
      Files.write(out.resolve(HOPS_CSV), hopRows);
    }
    plot(out, nodeRows, opRows);
    log.println("wrote " + out.toAbsolutePath());
  }

  /** Runs one network size, adding its rows to the three tables. */
  private static void scale(int n, long seed, int ops, int idleMinutes, double loss, List<String> nodeRows,
      List<String> opRows, List<String> hopRows, PrintWriter log) {
    long wall0 = System.nanoTime();
    long heap0 = usedHeapAfterGc();
    try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
      w.net.loss(loss);
      int failedJoins = w.grow(n, 64);
      double joinSeconds = (System.nanoTime() - wall0) / 1e9;
      long heapPerNode = (usedHeapAfterGc() - heap0) / n;
      log.printf(Locale.ROOT, "N=%d: joined in %.1f s wall (%d failed), heap %.1f KiB/node%n", n, joinSeconds,
          failedJoins, heapPerNode / 1024.0);

      String text = "v".repeat(100);
      OpStats puts = new OpStats();
      for (int i = 0; i < ops; i++) {
        String key = "k" + i;
        measure(w, w.any(), node -> node.storage().put(NAMESPACE, key, JsonNodeFactory.instance.textNode(text)), puts,
            r -> true);
      }

      long msgs0 = w.net.sent();
      long bytes0 = w.net.bytesSent();
      w.net.scheduler().run(Duration.ofMinutes(idleMinutes));
      double idleMsgs = (w.net.sent() - msgs0) / (double) n / idleMinutes;
      double idleBytes = (w.net.bytesSent() - bytes0) / (double) n / (idleMinutes * 60.0);

      OpStats gets = new OpStats();
      for (int i = 0; i < ops; i++) {
        String key = "k" + i;
        measure(w, w.any(), node -> node.storage().get(NAMESPACE, key), gets, r -> ((Optional<?>) r).isPresent());
      }
      double wall = (System.nanoTime() - wall0) / 1e9;
      nodeRows.add(String.format(Locale.ROOT, "%d,%d,%.3f,%.1f,%d,%d,%.2f,%.1f,%d,%.1f", n, seed, loss, joinSeconds,
          failedJoins, heapPerNode, idleMsgs, idleBytes, w.net.scheduler().executed(), wall));
      opRows.add(opRow(n, "put", puts));
      opRows.add(opRow(n, "get", gets));
      hopRows.addAll(hopRows(n, "put", puts));
      hopRows.addAll(hopRows(n, "get", gets));
      log.println("  " + opRows.get(opRows.size() - 2));
      log.println("  " + opRows.get(opRows.size() - 1));
      log.printf(Locale.ROOT, "  idle: %.1f msgs/node/min, %.1f B/s per node; %.0f s wall%n", idleMsgs,
          idleBytes, wall);
    }
  }

  /** Runs one operation from {@code origin} to completion (at most 60 virtual seconds) and records its cost. */
  private static <T> void measure(SimWorld w, Node origin, java.util.function.Function<Node, CompletableFuture<T>> op,
      OpStats into, java.util.function.Predicate<T> success) {
    NodeStats before = origin.stats();
    long t0 = w.net.scheduler().nanoTime();
    CompletableFuture<T> f = op.apply(origin);
    w.await(List.of(f), Duration.ofSeconds(60));
    NodeStats after = origin.stats();
    into.count++;
    if (f.isDone() && !f.isCompletedExceptionally() && success.test(f.join())) {
      into.ok++;
    }
    into.latencyMillis.add((w.net.scheduler().nanoTime() - t0) / 1e6);
    into.messages.add(after.messagesOut() - before.messagesOut() + after.messagesIn() - before.messagesIn());
    after.lookupHops().forEach((hops, count) -> {
      for (long i = count - before.lookupHops().getOrDefault(hops, 0L); i > 0; i--) {
        into.hops.add(hops);
      }
    });
  }

  private static String opRow(int n, String op, OpStats s) {
    return String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.2f,%.1f,%.0f,%.0f,%.1f,%.1f", n, op, s.count,
        s.ok, s.hops.size(), pct(s.hops, 50), pct(s.hops, 90), pct(s.hops, 99), pct(s.hops, 100), mean(s.hops),
        mean(s.messages), pct(s.messages, 50), pct(s.messages, 99), pct(s.latencyMillis, 50),
        pct(s.latencyMillis, 99));
  }

  private static List<String> hopRows(int n, String op, OpStats s) {
    Map<Integer, Long> counts = new java.util.TreeMap<>();
    s.hops.forEach(h -> counts.merge(h, 1L, Long::sum));
    List<String> rows = new ArrayList<>();
    counts.forEach((h, c) -> rows.add(n + "," + op + "," + h + "," + c));
    return rows;
  }

  /**
   * Joins the tables of earlier runs into {@code out} and plots them. Every directory must hold all three files with
   * this version's columns, and each network size may come from one run only: two runs of one size would be two
   * points for one x, and which to keep is the reader's call, not this method's.
   */
  static void merge(List<Path> dirs, Path out) throws IOException {
    Map<String, List<String>> merged = new java.util.LinkedHashMap<>();
    Map<Integer, Path> sizeFrom = new java.util.TreeMap<>();
    for (String name : List.of(NODES_CSV, OPS_CSV, HOPS_CSV)) {
      List<String> rows = new ArrayList<>();
      for (Path dir : dirs) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("--merge: " + file + " is missing (not the output of Simulate?)");
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
          throw new IllegalArgumentException("--merge: " + file + " is empty");
        }
        if (rows.isEmpty()) {
          rows.add(lines.get(0));
        } else if (!rows.get(0).equals(lines.get(0))) {
          throw new IllegalArgumentException("--merge: " + file + " has other columns than " + dirs.get(0)
              .resolve(name) + " (" + lines.get(0) + ")");
        }
        for (String row : lines.subList(1, lines.size())) {
          int n = size(row);
          Path before = name.equals(NODES_CSV) ? sizeFrom.putIfAbsent(n, dir) : sizeFrom.get(n);
          if (before != null && !before.equals(dir)) {
            throw new IllegalArgumentException("--merge: N=" + n + " is in both " + before + " and " + dir);
          }
          rows.add(row);
        }
      }
      List<String> body = new ArrayList<>(rows.subList(1, rows.size()));
      body.sort(java.util.Comparator.comparingInt(Simulate::size));
      rows.subList(1, rows.size()).clear();
      rows.addAll(body); // stable: a size's rows keep their order (put before get, hops ascending)
      merged.put(name, rows);
    }
    Files.createDirectories(out);
    for (Map.Entry<String, List<String>> e : merged.entrySet()) {
      Files.write(out.resolve(e.getKey()), e.getValue());
    }
    plot(out, merged.get(NODES_CSV), merged.get(OPS_CSV));
  }

  /** The network size of a table row: its first column. */
  private static int size(String row) {
    return Integer.parseInt(row.substring(0, row.indexOf(',')));
  }

  /** Plots from the table rows (header first), so that a run and a merge of runs draw the same charts. */
  private static void plot(Path out, List<String> nodeRows, List<String> opRows) throws IOException {
    Table nodes = new Table(nodeRows);
    Table ops = new Table(opRows);
    List<Integer> sizes = nodes.column("nodes", null).stream().map(Double::intValue).toList();
    List<Double> bound = sizes.stream().map(n -> Math.log(n) / Math.log(2)).toList();
    SimPlots.png(out.resolve("hops.png"), "Lookup hops against N",
        "nodes N", "hops (rounds of requests)", true, false, List.of(
            new SimPlots.Line("get p50", sizes, ops.column("hops_p50", "get"), false),
            new SimPlots.Line("get p99", sizes, ops.column("hops_p99", "get"), false),
            new SimPlots.Line("put p50", sizes, ops.column("hops_p50", "put"), false),
            new SimPlots.Line("put p99", sizes, ops.column("hops_p99", "put"), false),
            new SimPlots.Line("Kademlia bound log2 N", sizes, bound, true)));
    SimPlots.png(out.resolve("messages.png"), "Messages per operation at the requesting node", "nodes N",
        "messages sent + received (mean)", true, false, List.of(
            new SimPlots.Line("get", sizes, ops.column("msgs_mean", "get"), false),
            new SimPlots.Line("put", sizes, ops.column("msgs_mean", "put"), false)));
    SimPlots.png(out.resolve("memory.png"), "Heap per simulated node", "nodes N", "KiB per node", true, false,
        List.of(new SimPlots.Line("heap after GC / N", sizes,
            nodes.column("heap_bytes_per_node", null).stream().map(b -> b / 1024).toList(), false)));
    SimPlots.png(out.resolve("idle.png"), "Idle maintenance traffic per node", "nodes N", "bytes/s per node", true,
        false, List.of(new SimPlots.Line("measured", sizes, nodes.column("idle_bytes_per_node_s", null), false),
            new SimPlots.Line("target 1 KiB/s", sizes, Collections.nCopies(sizes.size(), 1024.0), true)));
  }

  /** A CSV table: a header row naming the columns, then rows in network-size order. */
  private static final class Table {
    private final List<String> header;
    private final List<String[]> rows = new ArrayList<>();

    Table(List<String> lines) {
      header = List.of(lines.get(0).split(","));
      lines.subList(1, lines.size()).forEach(l -> rows.add(l.split(",")));
    }

    /** One column's values, of the rows whose {@code op} column is {@code op} (every row for null). */
    List<Double> column(String name, String op) {
      int i = header.indexOf(name);
      int opIndex = header.indexOf("op");
      return rows.stream().filter(r -> op == null || r[opIndex].equals(op)).map(r -> Double.parseDouble(r[i]))
          .toList();
    }
  }

  static List<Double> column(List<double[]> rows, int i) {
    return rows.stream().map(row -> row[i]).toList();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double pct(List<? extends Number> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static double mean(List<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).average().orElse(Double.NaN);
  }
}
