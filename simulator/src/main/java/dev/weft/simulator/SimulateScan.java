package dev.weft.simulator;

import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.query.Coverage;
import dev.weft.query.QueryStats;
import dev.weft.query.Sql;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.data.Tables;
import dev.weft.query.internal.Scans;
import dev.weft.schema.Schema;
import dev.weft.sim.Latency;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Cost and latency of a distributed SQL scan (issue #20: "on the simulator at 1,000 nodes: messages and latency of a
 * scan") on a {@link dev.weft.sim.SimNetwork}: for each N, N unmodified nodes with the query plugin join, the table
 * {@code t (id BIGINT PRIMARY KEY, g INTEGER, v BIGINT)} goes into the catalog (a schema global, awaited on every
 * node), {@code rows} rows are written as a row keeper writes them (one DHT object per row in the table's namespace,
 * on its replicas), then {@code scans} full scans from random nodes, alternately {@code SELECT COUNT(*) FROM t} and
 * {@code SELECT g, COUNT(*), SUM(v) FROM t GROUP BY g}: the scan the planner pushes down (partial aggregates per node,
 * merged here as the SQL layer merges them). Writes {@code scan.csv} (one row per N and query) and {@code
 * scan-messages.png}, {@code scan-latency.png} into {@code --out}.
 *
 * <pre>benchmarks/run.sh SimulateScan --nodes 100,1000 --rows 20000 --scans 20 --groups 10 --seed 1 --loss 0
 *     --joins 0 --out target/sim</pre>
 *
 * <p>{@code --joins K}: after the load, K more nodes join (the store's hand-off has not brought them the rows they are
 * now closest to), and the scans run while they settle: each complete scan must still be exact (docs/query.md, "A
 * node that has just joined"); {@code attempts_per_scan} and {@code contested_rows_per_scan} say what that cost.
 *
 * <p>The scans run below the SQL statement ({@link Scans}, served by nodes built with {@code
 * QueryProvider.onScheduler()}): a statement blocks a thread of its own, which the single-threaded virtual-time
 * scheduler cannot wait for. Everything else is the production path: the tree hand-off, each node's store scan and
 * responsible-holder rule, pages and their acknowledgements, coverage and the second attempt. Local computing takes
 * no virtual time, so latency is the network's part.
 *
 * <p>Messages are datagrams sent by all nodes from a scan's start until 5 virtual seconds after its answer (its last
 * acknowledgements), divided by N; split into the {@code sql} channel's requests (hand-offs down the tree and pages)
 * and their answers, address-token handshakes (a first request to a node costs a token answer and the request again),
 * pings (a node that hears from a new contact while that bucket is full pings the bucket's oldest contact), and the
 * rest (retransmissions, other plugins' traffic). Scans start after a quiet minute, and {@code idle_per_node_s} is the
 * background rate of datagrams per node and second with no scan, measured over 30 s before them. {@code
 * origin_inbound} is the mean of the datagrams the asking node received in that window, {@code max_inbound} the most
 * any one node received in one scan's window (aggregating scans merge up the tree: the asking node hears from its
 * children only), {@code origin_sql_in} the mean of the sql channel's messages that reached the asking node (its
 * children's hand-off answers and merged answers; the rest of its datagrams are address handshakes and pings).
 *
 * <p>Coverage: how many scans were complete, the fewest nodes a scan expected and heard from, and how many heard from
 * fewer than N nodes. Every complete scan must count every loaded row once and every group exactly; the run fails
 * otherwise. An incomplete scan (with {@code --loss}, which applies to the scans only) is logged with what it missed,
 * and {@code counted_exact} says how many scans counted exactly.
 */
public final class SimulateScan {
  private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMinutes(1);
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final String SQL_RPC = "APP:sql";

  private SimulateScan() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** The two scans: a COUNT(*) and a GROUP BY with partial COUNT and SUM. */
  private enum Query {
    COUNT("SELECT COUNT(*) FROM t"), GROUP("SELECT g, COUNT(*), SUM(v) FROM t GROUP BY g");

    final String sql;

    Query(String sql) {
      this.sql = sql;
    }

    ScanSpec spec(TableDefinition t) {
      ScanSpec.Aggregate a = this == COUNT
          ? new ScanSpec.Aggregate(List.of(), List.of(new ScanSpec.Call(ScanSpec.Call.Kind.COUNT_STAR, -1)))
          : new ScanSpec.Aggregate(List.of(1), List.of(new ScanSpec.Call(ScanSpec.Call.Kind.COUNT_STAR, -1),
              new ScanSpec.Call(ScanSpec.Call.Kind.SUM, 2)));
      return new ScanSpec(t, new ScanSpec.Access.Full(), Optional.empty(), List.of(), Optional.of(a));
    }
  }

  /** What the loaded table holds: rows, and per group {count, sum of v}. */
  private record Loaded(long rows, long replicas, TreeMap<Integer, long[]> groups) {}

  /** Runs the experiment with {@code main}'s arguments, printing progress to {@code log}. */
  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100,1000"));
    int rows = Integer.parseInt(SimCluster.arg(args, "--rows", "20000"));
    int scans = Integer.parseInt(SimCluster.arg(args, "--scans", "20"));
    int groups = Integer.parseInt(SimCluster.arg(args, "--groups", "10"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0"));
    int joins = Integer.parseInt(SimCluster.arg(args, "--joins", "0"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);

    List<String> csv = new ArrayList<>(List.of("nodes,loss,query,rows,replicas,scans,complete,coverage_nodes_min,"
        + "answered_min,short_of_n,counted_exact,datagrams_per_node,requests_per_node,answers_per_node,"
        + "handshakes_per_node,pings_per_node,other_per_node,idle_per_node_s,timeouts_per_scan,latency_p50_ms,"
        + "latency_p99_ms,latency_max_ms,scan_wall_s,wall_s,joins,attempts_per_scan,contested_rows_per_scan,"
        + "origin_inbound,max_inbound,origin_sql_in"));
    Map<Query, List<double[]>> byQuery = new EnumMap<>(Query.class);
    for (int n : sizes) {
      long wall0 = System.nanoTime();
      try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
        w.query = true;
        int failed = w.grow(n, 64);
        Random r = new Random(seed + n);
        double joined = (System.nanoTime() - wall0) / 1e9;
        TableDefinition t = createTable(w, r);
        Loaded loaded = load(w, t, rows, groups, r);
        log.printf(Locale.ROOT, "N=%d: joined in %.1f s (%d joins failed); table in every catalog, %d rows loaded as %d"
            + " replica objects in %.1f s%n", n, joined, failed, loaded.rows(), loaded.replicas(),
            (System.nanoTime() - wall0) / 1e9 - joined);
        // The load's own aftermath (replicas handed on, pings) dies down first; then the background rate with no scan.
        w.net.scheduler().run(QUIET);
        long idle0 = w.net.sent();
        w.net.scheduler().run(IDLE);
        double idle = (w.net.sent() - idle0) / (double) n / IDLE.toSeconds();
        if (joins > 0) {
          long j0 = w.net.scheduler().nanoTime();
          int joinFailures = w.grow(joins, 16);
          everyCatalogHas(w, t);
          log.printf(Locale.ROOT, "N=%d: %d more nodes joined (%d joins failed) and learned the table in %.1f virtual"
              + " s; the scans run while they settle%n", n, joins, joinFailures,
              (w.net.scheduler().nanoTime() - j0) / 1e9);
        }
        w.net.loss(loss);
        Map<Query, List<Measured>> runs = new EnumMap<>(Query.class);
        for (int s = 0; s < scans; s++) {
          Query q = Query.values()[s % Query.values().length];
          Measured m = scan(w, t, q, loaded, r.nextInt(w.live.size()), log);
          runs.computeIfAbsent(q, x -> new ArrayList<>()).add(m);
        }
        for (Query q : runs.keySet()) {
          double[] point = summarize(w.live.size(), loss, joins, q, loaded, idle, runs.get(q), wall0, csv);
          byQuery.computeIfAbsent(q, x -> new ArrayList<>()).add(point);
          log.println(csv.get(csv.size() - 1));
        }
        Files.write(out.resolve("scan.csv"), csv);
      }
    }
    List<SimPlots.Line> messages = new ArrayList<>();
    List<SimPlots.Line> latency = new ArrayList<>();
    for (Query q : byQuery.keySet()) {
      List<double[]> points = byQuery.get(q);
      List<Double> x = Simulate.column(points, 0);
      messages.add(new SimPlots.Line(q.sql, x, Simulate.column(points, 1), false));
      latency.add(new SimPlots.Line(q.sql + ", p50", x, Simulate.column(points, 2), false));
      latency.add(new SimPlots.Line(q.sql + ", p99", x, Simulate.column(points, 3), true));
    }
    SimPlots.png(out.resolve("scan-messages.png"), "Distributed scan: datagrams per scan per node (loss " + loss + ")",
        "nodes N", "datagrams / N", true, false, messages);
    SimPlots.png(out.resolve("scan-latency.png"), "Distributed scan: latency in virtual time (loss " + loss + ")",
        "nodes N", "ms", true, false, latency);
    log.println("wrote " + out.toAbsolutePath());
  }

  /** Puts the table's definition in the catalog from one node and runs until every node knows it. */
  private static TableDefinition createTable(SimWorld w, Random r) {
    return createTable(w, r, "t", List.of(new Column("id", ColumnType.BIGINT, false, 0, 0),
        new Column("g", ColumnType.INTEGER, true, 0, 0), new Column("v", ColumnType.BIGINT, true, 0, 0)));
  }

  /** Table {@code name} (primary key its first column) in every node's catalog. */
  static TableDefinition createTable(SimWorld w, Random r, String name, List<Column> columns) {
    byte[] incarnation = new byte[16];
    r.nextBytes(incarnation);
    TableDefinition t = new TableDefinition(name, columns, List.of(columns.get(0).name()),
        HexFormat.of().formatHex(incarnation));
    CompletableFuture<?> set = Schema.of(w.any()).setGlobal(t.globalName(), t.toJson());
    w.await(List.of(set), Duration.ofMinutes(1));
    if (!set.isDone() || set.isCompletedExceptionally()) {
      throw new IllegalStateException("the catalog write of table " + name + " failed: " + set);
    }
    everyCatalogHas(w, t);
    return t;
  }

  private static void everyCatalogHas(SimWorld w, TableDefinition t) {
    List<Tables> all = w.live.stream().map(node -> node.service(Tables.class).orElseThrow()).toList();
    boolean everywhere = w.net.scheduler().runUntil(() -> all.stream().allMatch(x -> x.catalog().table(t.name())
        .filter(d -> d.incarnation().equals(t.incarnation())).isPresent()), Duration.ofMinutes(5));
    if (!everywhere) {
      throw new IllegalStateException("table " + t.name() + " did not reach every node's catalog within 5 virtual"
          + " minutes");
    }
  }

  /**
   * Writes the rows as their keepers would (RowKeeper: a put of the row's JSON under its key in the table's
   * namespace), each from a random node, a window at a time; returns what the network holds.
   */
  private static Loaded load(SimWorld w, TableDefinition t, int rows, int groups, Random r) {
    TreeMap<Integer, long[]> byGroup = new TreeMap<>();
    List<Object[]> all = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      Object[] row = {(long) i, i % groups, (long) r.nextInt(1_000_000)};
      long[] g = byGroup.computeIfAbsent((Integer) row[1], x -> new long[2]);
      g[0]++;
      g[1] += (Long) row[2];
      all.add(row);
    }
    SimulateSql.put(w, t, all);
    long written = rows;
    long replicas = 0;
    for (Node node : w.live) {
      Scan next = Scan.namespace(t.rowNamespace()).limit(1000);
      while (next != null) {
        CompletableFuture<Page<StoredObject>> read = node.storage().lscan(next);
        w.await(List.of(read), Duration.ofMinutes(1));
        Page<StoredObject> page = read.join();
        replicas += page.items().size();
        next = page.next().orElse(null);
      }
    }
    return new Loaded(written, replicas, byGroup);
  }

  /** One scan's figures. */
  private record Measured(Coverage coverage, boolean exact, long latencyNanos, long datagrams, long requests,
      long answers, long handshakes, long pings, long timeouts, double wallSeconds, long attempts, long contested,
      long originInbound, long maxInbound, long originSqlIn) {}

  /**
   * The sql channel's messages that reached {@code node}: the requests it answered, and the answers to the requests it
   * sent (those that did not time out).
   */
  private static long sqlIn(Node node) {
    NodeStats.Rpc r = node.stats().rpcs().get(SQL_RPC);
    return r == null ? 0 : r.received() + r.sent() - r.timedOut();
  }

  /** Datagrams each live node has received so far. */
  private static long[] inbound(SimWorld w) {
    long[] out = new long[w.live.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = w.net.deliveredTo(w.live.get(i).addresses().get(0));
    }
    return out;
  }

  /** Attempts of scans beyond their first, and contested rows sent, summed over the live nodes. */
  private static long[] queryCounters(SimWorld w) {
    long[] out = new long[2];
    for (Node node : w.live) {
      QueryStats s = Sql.of(node).stats();
      out[0] += s.scansRepeated();
      out[1] += s.rowsContested();
    }
    return out;
  }

  private static Measured scan(SimWorld w, TableDefinition t, Query q, Loaded loaded, int originIndex,
      PrintWriter log) {
    Node origin = w.live.get(originIndex);
    long[] before = sqlRpcs(w);
    long[] counters0 = queryCounters(w);
    long[] in0 = inbound(w);
    long sqlIn0 = sqlIn(origin);
    long sent0 = w.net.sent();
    long t0 = w.net.scheduler().nanoTime();
    long wall0 = System.nanoTime();
    long[] answeredAt = {-1};
    CompletableFuture<Scans.Result> f = origin.service(Scans.class).orElseThrow().scan(q.spec(t), SCAN_TIMEOUT);
    f.whenComplete((x, e) -> answeredAt[0] = w.net.scheduler().nanoTime());
    w.await(List.of(f), SCAN_TIMEOUT.plusSeconds(5));
    double wall = (System.nanoTime() - wall0) / 1e9;
    if (!f.isDone()) {
      throw new IllegalStateException(q.sql + " from node " + originIndex + " never answered");
    }
    Scans.Result result = f.join();  // a failed scan (a node's error) fails the run
    w.net.scheduler().run(SETTLE);
    long[] after = sqlRpcs(w);
    long[] counters1 = queryCounters(w);
    long[] in1 = inbound(w);
    long sqlIn1 = sqlIn(origin);
    long maxIn = 0;
    for (int i = 0; i < in1.length; i++) {
      maxIn = Math.max(maxIn, in1[i] - in0[i]);
    }
    boolean exact = counts(q, result.rows(), loaded);
    if (!result.coverage().complete()) {
      log.printf(Locale.ROOT, "  incomplete: %s from node %d after %.0f ms, %s: %s (%s)%n", q.sql, originIndex,
          (answeredAt[0] - t0) / 1e6, result.coverage(), result.shortfall(), describe(q, result.rows()));
    }
    if (result.coverage().complete() && !exact) {
      throw new IllegalStateException(q.sql + " from node " + originIndex + " was complete (" + result.coverage()
          + ") but did not count each of the " + loaded.rows() + " rows once: " + describe(q, result.rows()));
    }
    return new Measured(result.coverage(), exact, answeredAt[0] - t0, w.net.sent() - sent0, after[0] - before[0],
        after[1] - before[1], after[3] - before[3], after[4] - before[4] + after[5] - before[5], after[2] - before[2],
        wall, 1 + counters1[0] - counters0[0], counters1[1] - counters0[1], in1[originIndex] - in0[originIndex],
        maxIn, sqlIn1 - sqlIn0);
  }

  /** Whether the merged partial aggregates are exactly the loaded table's. */
  private static boolean counts(Query q, List<Object[]> partials, Loaded loaded) {
    if (q == Query.COUNT) {
      return total(partials) == loaded.rows();
    }
    TreeMap<Integer, long[]> merged = merge(partials);
    if (merged.size() != loaded.groups().size()) {
      return false;
    }
    for (Map.Entry<Integer, long[]> e : loaded.groups().entrySet()) {
      long[] m = merged.get(e.getKey());
      if (m == null || m[0] != e.getValue()[0] || m[1] != e.getValue()[1]) {
        return false;
      }
    }
    return true;
  }

  /** COUNT(*) merges by summing the nodes' counts (a node without rows sends none). */
  private static long total(List<Object[]> partials) {
    long sum = 0;
    for (Object[] p : partials) {
      sum += (Long) p[0];
    }
    return sum;
  }

  /** GROUP BY g: per group, the sum of the nodes' counts and of their sums. */
  private static TreeMap<Integer, long[]> merge(List<Object[]> partials) {
    TreeMap<Integer, long[]> out = new TreeMap<>();
    for (Object[] p : partials) {
      long[] m = out.computeIfAbsent((Integer) p[0], x -> new long[2]);
      m[0] += (Long) p[1];
      m[1] += p[2] == null ? 0 : (Long) p[2];
    }
    return out;
  }

  private static String describe(Query q, List<Object[]> partials) {
    if (q == Query.COUNT) {
      return "COUNT(*) = " + total(partials);
    }
    StringBuilder b = new StringBuilder();
    merge(partials).forEach((g, m) -> b.append(" g=").append(g).append(": ").append(m[0]).append(" rows"));
    return b.toString().trim();
  }

  /**
   * The sql channel's requests sent, requests answered and requests timed out; the address-token handshakes answered
   * (a first request to a node is answered with a token to ask again with); pings sent and answered (a node that hears
   * from a new contact while its bucket is full pings the bucket's oldest): summed over the live nodes.
   */
  private static long[] sqlRpcs(SimWorld w) {
    long[] sum = new long[6];
    for (Node node : w.live) {
      Map<String, NodeStats.Rpc> rpcs = node.stats().rpcs();
      NodeStats.Rpc r = rpcs.get(SQL_RPC);
      if (r != null) {
        sum[0] += r.sent();
        sum[1] += r.received();
        sum[2] += r.timedOut();
      }
      NodeStats.Rpc token = rpcs.get("TOKEN");
      sum[3] += token == null ? 0 : token.received();
      NodeStats.Rpc ping = rpcs.get("PING");
      sum[4] += ping == null ? 0 : ping.sent();
      sum[5] += ping == null ? 0 : ping.received();
    }
    return sum;
  }

  /** One CSV row for N and a query; returns {N, datagrams per node, p50 ms, p99 ms}. */
  private static double[] summarize(int n, double loss, int joins, Query q, Loaded loaded, double idle,
      List<Measured> runs, long wall0, List<String> csv) {
    int complete = 0;
    int exact = 0;
    int coverageMin = Integer.MAX_VALUE;
    int answeredMin = Integer.MAX_VALUE;
    int shortOfN = 0;
    double datagrams = 0;
    double requests = 0;
    double answers = 0;
    double handshakes = 0;
    double pings = 0;
    double timeouts = 0;
    double scanWall = 0;
    double attempts = 0;
    double contested = 0;
    double originIn = 0;
    double originSql = 0;
    long maxIn = 0;
    List<Long> latencies = new ArrayList<>();
    for (Measured m : runs) {
      complete += m.coverage().complete() ? 1 : 0;
      exact += m.exact() ? 1 : 0;
      coverageMin = Math.min(coverageMin, m.coverage().nodes());
      answeredMin = Math.min(answeredMin, m.coverage().answered());
      shortOfN += m.coverage().answered() < n ? 1 : 0;
      datagrams += m.datagrams();
      requests += m.requests();
      answers += m.answers();
      handshakes += m.handshakes();
      pings += m.pings();
      timeouts += m.timeouts();
      scanWall += m.wallSeconds();
      attempts += m.attempts();
      contested += m.contested();
      originIn += m.originInbound();
      originSql += m.originSqlIn();
      maxIn = Math.max(maxIn, m.maxInbound());
      latencies.add(m.latencyNanos());
    }
    latencies.sort(null);
    int k = runs.size();
    double perNode = datagrams / k / n;
    double p50 = Simulate.pct(latencies, 50) / 1e6;
    double p99 = Simulate.pct(latencies, 99) / 1e6;
    // A handshake is two datagrams: the token answer and the request sent again with it.
    csv.add(String.format(Locale.ROOT, "%d,%.3f,%s,%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%.2f,"
        + "%.0f,%.0f,%.0f,%.2f,%.1f,%d,%.2f,%.1f,%.1f,%d,%.1f", n, loss, q.name().toLowerCase(Locale.ROOT), loaded.rows(),
        loaded.replicas(), k, complete, coverageMin, answeredMin, shortOfN, exact, perNode, requests / k / n,
        answers / k / n, 2 * handshakes / k / n, pings / k / n,
        (datagrams - requests - answers - 2 * handshakes - pings) / k / n, idle,
        timeouts / k, p50, p99, latencies.get(k - 1) / 1e6, scanWall / k, (System.nanoTime() - wall0) / 1e9, joins,
        attempts / k, contested / k, originIn / k, maxIn, originSql / k));
    return new double[] {n, perNode, p50, p99};
  }
}
