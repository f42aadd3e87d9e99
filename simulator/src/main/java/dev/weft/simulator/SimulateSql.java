package dev.weft.simulator;

import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.query.Coverage;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.JoinSpec;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.KeySet;
import dev.weft.query.internal.Scans;
import dev.weft.query.row.RowCodec;
import dev.weft.query.row.RowKeys;
import dev.weft.sim.Churn;
import dev.weft.sim.Latency;
import dev.weft.sim.Sessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The SQL workload of {@code weft simulate --workload sql} (issue #21, "Scale experiments"): for each N, unmodified
 * nodes with the query plugin, two tables of {@code rows} rows each, {@code t (id BIGINT PRIMARY KEY, g INTEGER, v
 * BIGINT)} and {@code u (id BIGINT PRIMARY KEY, tid BIGINT, w BIGINT)} ({@code tid} a random id of t), then {@code
 * runs} of each query from random nodes, in turn:
 *
 * <ul>
 *   <li>{@code scan}: {@code SELECT id, v FROM t WHERE v < 10000} (1% of the rows, sent straight to the asking node);
 *   <li>{@code group}: {@code SELECT g, COUNT(*), SUM(v) FROM t GROUP BY g} (partial aggregates merged up the tree);
 *   <li>{@code join}: {@code SELECT t.id, u.w FROM t JOIN u ON u.tid = t.id WHERE t.v < 10000} as weft's planner runs
 *       it: the scan of t, then a scan of u that carries t's keys (a {@link KeySet}: a Bloom filter of them) when
 *       that pays ({@link KeySet#pays}, as the join decides it), so that only u's matching rows move;
 *   <li>{@code join_ship}: the same join by shipping both sides (the scan of t, then all of u): what the key set saves;
 *   <li>{@code join_rehash}: the same join rehashing both sides ({@link Scans#join}: t's selected rows and all of u
 *       sent to the nodes closest to the hash of their join key, joined there, the pairs sent to the asking node), as
 *       the planner runs a join of two large sides (docs/query.md, "Joins that rehash");
 *   <li>{@code range}: {@code SELECT * FROM u WHERE w < 1000} through an index on {@code u.w} (0.1% of the rows): a
 *       range query of the index's PHT (leaves of 16, as weft's indexes), then a DHT get of each row it names.
 * </ul>
 *
 * <p>The scans run below the SQL statement, as in {@link SimulateScan} (whose measurement this shares), with the specs
 * the planner makes for these statements; the join's second scan is built as {@code JoinRunner} builds it. Writes
 * {@code sql.csv}: per N and query, {@code messages_per_node} (datagrams ÷ N per run, both scans of a join),
 * {@code bytes_per_node}, {@code max_inbound} (the most datagrams one node received in a run) against {@code
 * mean_inbound} (and the same in bytes, {@code max_inbound_bytes} and {@code mean_inbound_bytes}), latency p50/p99
 * in virtual time, {@code coverage} (answered ÷ expected nodes, mean) and how many runs
 * were complete and exact, {@code idle_per_node_s} (datagrams per node and second with no query, measured over 30 s
 * before them: a run's window, its answer plus 5 s for the last acknowledgements, holds that background too); and
 * {@code sql-messages.png}, {@code sql-bytes.png}, {@code sql-latency.png}.
 *
 * <p>{@code --churn M}: nodes leave after exponential sessions of median M minutes, each replaced at once by a fresh
 * node; the runs are spread over {@code --minutes} of churn. Rows a leaver held live on in their other replicas. Under
 * churn or loss a complete answer that is not exact is counted ({@code counted_exact}) and logged, not fatal (heavy loss
 * can count a row twice: docs/query.md, "Open points"); without either it fails the run.
 *
 * <pre>benchmarks/run.sh SimulateSql --nodes 100,1000 --rows 20000 --runs 5 --seed 1 --loss 0 --churn 0 --minutes 10
 *     --out target/sim</pre>
 */
public final class SimulateSql {
  private static final Duration ROW_TTL = Duration.ofDays(365L * 100);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final int WRITE_WINDOW = 256;
  private static final long SELECTIVE = 10_000;
  private static final int GROUPS = 10;
  private static final String INDEX = "u_w";
  /** The range query's bound on u.w. */
  private static final long NARROW = 1_000;
  /** Index keys are w then the row's id in the low bits, unique per row as a PHT key must be. */
  private static final int ID_BITS = 24;

  private SimulateSql() {}

  public static void main(String[] args) throws IOException {
    run(args, new PrintWriter(System.out, true));
  }

  /** The queries, in the order they run. */
  enum Kind { SCAN, GROUP, JOIN, JOIN_SHIP, JOIN_REHASH, RANGE }

  /** What the tables hold, to check answers against. */
  private record Data(TableDefinition t, TableDefinition u, Map<Long, Long> tv, Map<Long, long[]> uRows,
      TreeMap<Integer, long[]> groups, List<Object[]> uList) {}

  /** One run's figures. */
  private record Measured(boolean complete, boolean exact, double coverage, long latencyNanos, long datagrams,
      long bytes, long maxInbound, double meanInbound, long maxInboundBytes, double meanInboundBytes) {}

  static void run(String[] args, PrintWriter log) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Integer> sizes = SimCluster.ints(SimCluster.arg(args, "--nodes", "100,1000"));
    int rows = Integer.parseInt(SimCluster.arg(args, "--rows", "20000"));
    int runs = Integer.parseInt(SimCluster.arg(args, "--runs", "5"));
    long seed = Long.parseLong(SimCluster.arg(args, "--seed", "1"));
    double loss = Double.parseDouble(SimCluster.arg(args, "--loss", "0"));
    int churn = Integer.parseInt(SimCluster.arg(args, "--churn", "0"));
    int minutes = Integer.parseInt(SimCluster.arg(args, "--minutes", "10"));
    Path out = Path.of(SimCluster.arg(args, "--out", "target/sim"));
    Files.createDirectories(out);
    List<String> csv = new ArrayList<>(List.of("nodes,loss,churn_median_min,query,rows,runs,complete,counted_exact,"
        + "coverage,messages_per_node,bytes_per_node,max_inbound,mean_inbound,latency_p50_ms,latency_p99_ms,"
        + "idle_per_node_s,wall_s,max_inbound_bytes,mean_inbound_bytes"));
    Map<Kind, List<double[]>> points = new EnumMap<>(Kind.class);
    for (int n : sizes) {
      long wall0 = System.nanoTime();
      try (SimWorld w = new SimWorld(seed, Latency.internet(seed), Map.of())) {
        w.query = true;
        int failed = w.grow(n, 64);
        Random r = new Random(seed + n);
        Data data = load(w, r, rows);
        log.printf(Locale.ROOT, "N=%d: joined (%d joins failed), tables t and u loaded with %d rows each in %.1f s%n",
            n, failed, rows, (System.nanoTime() - wall0) / 1e9);
        w.net.scheduler().run(Duration.ofMinutes(1));
        long idle0 = w.net.sent();
        w.net.scheduler().run(IDLE);
        double idle = (w.net.sent() - idle0) / (double) n / IDLE.toSeconds();
        Churn sessions = churn > 0 ? w.churn(Sessions.exponential(Duration.ofMinutes(churn)), seed + 1) : null;
        w.net.loss(loss);
        long gapNanos = churn > 0 ? Duration.ofMinutes(minutes).toNanos() / Math.max(1, runs * Kind.values().length)
            : 0;
        Map<Kind, List<Measured>> measured = new EnumMap<>(Kind.class);
        for (Kind phase : List.of(Kind.SCAN, Kind.RANGE)) {
          if (phase == Kind.RANGE) {
            long i0 = System.nanoTime();
            if (!index(w, data, churn > 0 || loss > 0, log)) {
              break;
            }
            w.net.scheduler().run(Duration.ofMinutes(1));
            log.printf(Locale.ROOT, "N=%d: index on u.w loaded in %.1f s%n", n, (System.nanoTime() - i0) / 1e9);
          }
          for (int k = 0; k < runs; k++) {
            for (Kind q : phase == Kind.RANGE ? List.of(Kind.RANGE) : List.of(Kind.SCAN, Kind.GROUP, Kind.JOIN,
                Kind.JOIN_SHIP, Kind.JOIN_REHASH)) {
              if (gapNanos > 0) {
                w.net.scheduler().run(Duration.ofNanos(gapNanos));
              }
              Measured m = measure(w, q, data, r.nextInt(w.live.size()), churn > 0 || loss > 0, log);
              measured.computeIfAbsent(q, x -> new ArrayList<>()).add(m);
            }
          }
        }
        if (sessions != null) {
          sessions.stop();
        }
        for (Kind q : measured.keySet()) {
          double[] point = summarize(n, loss, churn, q, rows, idle, measured.get(q), wall0, csv);
          points.computeIfAbsent(q, x -> new ArrayList<>()).add(point);
          log.println(csv.get(csv.size() - 1));
        }
        Files.write(out.resolve("sql.csv"), csv);
      }
    }
    plot(out, points, loss, churn);
    log.println("wrote " + out.toAbsolutePath());
  }

  private static Data load(SimWorld w, Random r, int rows) {
    TableDefinition t = SimulateScan.createTable(w, r, "t", List.of(new Column("id", ColumnType.BIGINT, false, 0, 0),
        new Column("g", ColumnType.INTEGER, true, 0, 0), new Column("v", ColumnType.BIGINT, true, 0, 0)));
    TableDefinition u = SimulateScan.createTable(w, r, "u", List.of(new Column("id", ColumnType.BIGINT, false, 0, 0),
        new Column("tid", ColumnType.BIGINT, true, 0, 0), new Column("w", ColumnType.BIGINT, true, 0, 0)));
    Map<Long, Long> tv = new HashMap<>();
    Map<Long, long[]> uRows = new HashMap<>();
    TreeMap<Integer, long[]> groups = new TreeMap<>();
    List<Object[]> tRows = new ArrayList<>();
    List<Object[]> us = new ArrayList<>();
    for (long i = 0; i < rows; i++) {
      long v = r.nextInt(1_000_000);
      tRows.add(new Object[] {i, (int) (i % GROUPS), v});
      tv.put(i, v);
      long[] g = groups.computeIfAbsent((int) (i % GROUPS), x -> new long[2]);
      g[0]++;
      g[1] += v;
      long tid = r.nextInt(rows);
      long uw = r.nextInt(1_000_000);
      us.add(new Object[] {i, tid, uw});
      uRows.put(i, new long[] {tid, uw});
    }
    put(w, t, tRows);
    put(w, u, us);
    return new Data(t, u, tv, uRows, groups, us);
  }

  /**
   * The index on u.w: a PHT of leaves of 16, an entry per row. Loaded after the other queries ran: its maintenance
   * traffic (replicas of trie nodes handed on) would count in their messages.
   */
  private static boolean index(SimWorld w, Data d, boolean lenient, PrintWriter log) {
    List<Object[]> us = d.uList();
    CompletableFuture<?> created = null;
    for (int attempt = 0; attempt < 5 && (created == null || created.isCompletedExceptionally()); attempt++) {
      created = Pht.of(w.any()).create(INDEX, KeyType.LONG, 16, 0);
      w.await(List.of(created), Duration.ofMinutes(1));
    }
    if (!created.isDone() || created.isCompletedExceptionally()) {
      if (!lenient) {
        throw new IllegalStateException("the index could not be created: " + created);
      }
      log.println("  the index could not be created (" + created + "): no range queries");
      return false;
    }
    for (int from = 0; from < us.size(); from += 64) {
      List<Object[]> batch = us.subList(from, Math.min(us.size(), from + 64));
      // An insert that timed out (a trie node's keeper busy splitting) is sent again, as a keeper's would be.
      for (int attempt = 1; !batch.isEmpty(); attempt++) {
        List<CompletableFuture<Boolean>> window = new ArrayList<>();
        for (Object[] row : batch) {
          long key = ((Long) row[2] << ID_BITS) | (Long) row[0];
          window.add(Pht.of(w.any()).insert(INDEX, Key.of(key),
              JsonNodeFactory.instance.textNode(RowKeys.key(d.u(), row))));
        }
        w.await(window, Duration.ofMinutes(5));
        List<Object[]> failed = new ArrayList<>();
        for (int i = 0; i < window.size(); i++) {
          if (!window.get(i).isDone() || window.get(i).isCompletedExceptionally()) {
            failed.add(batch.get(i));
          }
        }
        if (!failed.isEmpty() && attempt == 5) {
          if (!lenient) {
            throw new IllegalStateException(failed.size() + " index entries failed 5 times");
          }
          log.printf(Locale.ROOT, "  %d index entries failed 5 times: the range will miss their rows%n",
              failed.size());
          failed = List.of();
        }
        batch = failed;
      }
    }
    return true;
  }

  /** Writes rows as their keepers would, from random nodes, a window at a time. */
  static void put(SimWorld w, TableDefinition table, List<Object[]> rows) {
    for (int from = 0; from < rows.size(); from += WRITE_WINDOW) {
      List<CompletableFuture<PutResult>> puts = new ArrayList<>();
      for (Object[] row : rows.subList(from, Math.min(rows.size(), from + WRITE_WINDOW))) {
        puts.add(w.any().storage().put(table.rowNamespace(), RowKeys.key(table, row), RowCodec.toJson(table, row),
            ROW_TTL));
      }
      w.await(puts, Duration.ofMinutes(5));
      for (CompletableFuture<PutResult> p : puts) {
        if (!p.isDone() || p.isCompletedExceptionally()) {
          throw new IllegalStateException("a row's write failed: " + p);
        }
      }
    }
  }

  /** {@code WHERE v < 10000} on t. */
  private static Expr selective(TableDefinition t) {
    return new Expr.Call(Expr.Op.LT, List.of(new Expr.Column(2, ColumnType.BIGINT),
        new Expr.Literal(SELECTIVE, ColumnType.BIGINT)));
  }

  private static ScanSpec spec(Kind q, Data d) {
    return switch (q) {
      case SCAN -> new ScanSpec(d.t(), new ScanSpec.Access.Full(), Optional.of(selective(d.t())), List.of(0, 2),
          Optional.empty());
      case GROUP -> new ScanSpec(d.t(), new ScanSpec.Access.Full(), Optional.empty(), List.of(), Optional.of(
          new ScanSpec.Aggregate(List.of(1), List.of(new ScanSpec.Call(ScanSpec.Call.Kind.COUNT_STAR, -1),
              new ScanSpec.Call(ScanSpec.Call.Kind.SUM, 2)))));
      case JOIN, JOIN_SHIP -> new ScanSpec(d.t(), new ScanSpec.Access.Full(), Optional.of(selective(d.t())),
          List.of(0), Optional.empty());
      case RANGE, JOIN_REHASH -> throw new IllegalArgumentException(q + " is not one scan");
    };
  }

  /** The second scan of a join: u's rows whose tid is one of {@code ids} (a key set), or all of u. */
  private static ScanSpec inner(SimWorld w, Kind q, Data d, Set<Long> ids) {
    Optional<Expr> filter = Optional.empty();
    if (q == Kind.JOIN) {
      List<List<Object>> keys = ids.stream().map(id -> List.<Object>of(id)).toList();
      filter = KeySet.of(List.of(ColumnType.BIGINT), keys).filter(set -> set.pays(w.live.size(), d.uRows().size(), 2))
          .map(set -> new Expr.Among(List.of(new Expr.Column(1, ColumnType.BIGINT)), set));
    }
    return new ScanSpec(d.u(), new ScanSpec.Access.Full(), filter, List.of(1, 2), Optional.empty());
  }

  private static Measured measure(SimWorld w, Kind q, Data d, int originIndex, boolean lenient, PrintWriter log) {
    Node origin = w.live.get(originIndex);
    Scans scans = origin.service(Scans.class).orElseThrow();
    Map<Node, Long> in0 = inbound(w);
    Map<Node, Long> inBytes0 = inboundBytes(w);
    long sent0 = w.net.sent();
    long bytes0 = w.net.bytesSent();
    long t0 = w.net.scheduler().nanoTime();
    Coverage coverage;
    List<Object[]> answer;
    if (q == Kind.RANGE) {
      answer = range(w, origin, d);
      coverage = answer == null ? new Coverage(1, 0, false) : Coverage.LOCAL;
      answer = answer == null ? List.of() : answer;
    } else if (q == Kind.JOIN_REHASH) {
      Scans.Result joined = await(w, scans.join(new JoinSpec(spec(Kind.JOIN, d), List.of(0), inner(w, Kind.JOIN_SHIP,
          d, Set.of()), List.of(0)), TIMEOUT), q);
      coverage = joined.coverage();
      answer = joined.rows();
    } else {
      Scans.Result first = await(w, scans.scan(spec(q, d), TIMEOUT), q);
      coverage = first.coverage();
      answer = first.rows();
    }
    Set<Long> ids = new HashSet<>();
    if (q == Kind.JOIN || q == Kind.JOIN_SHIP) {
      answer.forEach(row -> ids.add((Long) row[0]));
      Scans.Result second = await(w, scans.scan(inner(w, q, d, ids), TIMEOUT), q);
      coverage = coverage.plus(second.coverage());
      answer = second.rows();
    }
    long latency = w.net.scheduler().nanoTime() - t0;
    w.net.scheduler().run(SETTLE);
    Map<Node, Long> in1 = inbound(w);
    Map<Node, Long> inBytes1 = inboundBytes(w);
    long maxIn = 0;
    long sumIn = 0;
    long maxInBytes = 0;
    long sumInBytes = 0;
    int common = 0;
    for (Map.Entry<Node, Long> e : in1.entrySet()) {
      Long before = in0.get(e.getKey());
      if (before != null) { // nodes there all along (under churn, others came and went)
        maxIn = Math.max(maxIn, e.getValue() - before);
        sumIn += e.getValue() - before;
        long b = inBytes1.get(e.getKey()) - inBytes0.get(e.getKey());
        maxInBytes = Math.max(maxInBytes, b);
        sumInBytes += b;
        common++;
      }
    }
    boolean exact = exact(q, d, answer, ids);
    if (coverage.complete() && !exact && !lenient) {
      throw new IllegalStateException(q + " from node " + originIndex + " was complete (" + coverage
          + ") but not exact");
    }
    if (!coverage.complete() || !exact) {
      log.printf(Locale.ROOT, "  %s from node %d: %s, %s%n", q, originIndex, coverage, exact ? "exact" : "not exact");
    }
    double covered = coverage.nodes() == 0 ? 1 : coverage.answered() / (double) coverage.nodes();
    return new Measured(coverage.complete(), exact, covered, latency, w.net.sent() - sent0,
        w.net.bytesSent() - bytes0, maxIn, sumIn / (double) Math.max(1, common), maxInBytes,
        sumInBytes / (double) Math.max(1, common));
  }

  /**
   * The rows of u with {@code w < 1000} as an index range reads them: the PHT's entries in that range, then a get of
   * each row they name (64 at a time). Null when the range query or a get failed.
   */
  private static List<Object[]> range(SimWorld w, Node origin, Data d) {
    CompletableFuture<Results> found = Pht.of(origin).query(Query.range(INDEX, Key.of(0L),
        Key.of((NARROW << ID_BITS) - 1)).limit(Query.MAX_LIMIT));
    w.await(List.of(found), TIMEOUT);
    if (!found.isDone() || found.isCompletedExceptionally()) {
      return null;
    }
    List<String> keys = found.join().entries().stream().map(e -> e.value().textValue()).toList();
    List<Object[]> rows = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += 64) {
      List<CompletableFuture<Optional<StoredObject>>> gets = new ArrayList<>();
      for (String key : keys.subList(from, Math.min(keys.size(), from + 64))) {
        gets.add(origin.storage().get(d.u().rowNamespace(), key));
      }
      w.await(gets, TIMEOUT);
      for (CompletableFuture<Optional<StoredObject>> g : gets) {
        if (!g.isDone() || g.isCompletedExceptionally()) {
          return null;
        }
        g.join().ifPresent(o -> rows.add(RowCodec.fromJson(d.u(), o.value())));
      }
    }
    return rows;
  }

  /** Bytes each live node has received so far. */
  private static Map<Node, Long> inboundBytes(SimWorld w) {
    Map<Node, Long> out = new HashMap<>();
    for (Node node : w.live) {
      out.put(node, w.net.bytesDeliveredTo(node.addresses().get(0)));
    }
    return out;
  }

  /** Datagrams each live node has received so far. */
  private static Map<Node, Long> inbound(SimWorld w) {
    Map<Node, Long> out = new HashMap<>();
    for (Node node : w.live) {
      out.put(node, w.net.deliveredTo(node.addresses().get(0)));
    }
    return out;
  }

  private static Scans.Result await(SimWorld w, CompletableFuture<Scans.Result> f, Kind q) {
    w.await(List.of(f), TIMEOUT.plusSeconds(5));
    if (!f.isDone()) {
      throw new IllegalStateException(q + " never answered");
    }
    return f.join();
  }

  /** Whether the answer is the tables' own: the selected rows, the groups, the joined pairs (each once). */
  private static boolean exact(Kind q, Data d, List<Object[]> answer, Set<Long> ids) {
    Set<Long> selected = new HashSet<>();
    d.tv().forEach((id, v) -> {
      if (v < SELECTIVE) {
        selected.add(id);
      }
    });
    return switch (q) {
      case SCAN -> answer.size() == selected.size()
          && answer.stream().allMatch(row -> selected.contains((Long) row[0]));
      case RANGE -> answer.size() == d.uRows().values().stream().filter(u -> u[1] < NARROW).count()
          && answer.stream().allMatch(row -> (Long) row[2] < NARROW);
      case GROUP -> {
        TreeMap<Integer, long[]> merged = new TreeMap<>();
        for (Object[] p : answer) {
          long[] m = merged.computeIfAbsent((Integer) p[0], x -> new long[2]);
          m[0] += (Long) p[1];
          m[1] += p[2] == null ? 0 : (Long) p[2];
        }
        yield merged.size() == d.groups().size() && merged.entrySet().stream().allMatch(e ->
            e.getValue()[0] == d.groups().get(e.getKey())[0] && e.getValue()[1] == d.groups().get(e.getKey())[1]);
      }
      case JOIN, JOIN_SHIP -> {
        long expected = d.uRows().values().stream().filter(u -> selected.contains(u[0])).count();
        long joined = answer.stream().filter(row -> ids.contains((Long) row[0])).count();
        yield ids.equals(selected) && joined == expected;
      }
      case JOIN_REHASH -> {
        long expected = d.uRows().values().stream().filter(u -> selected.contains(u[0])).count();
        yield answer.size() == expected && answer.stream().allMatch(row -> selected.contains((Long) row[0])
            && row[0].equals(row[1]));
      }
    };
  }

  /** One CSV row; returns {N, messages per node, bytes per node, p50 ms, p99 ms}. */
  private static double[] summarize(int n, double loss, int churn, Kind q, int rows, double idle, List<Measured> runs,
      long wall0, List<String> csv) {
    int complete = 0;
    int exact = 0;
    double coverage = 0;
    double datagrams = 0;
    double bytes = 0;
    double meanIn = 0;
    long maxIn = 0;
    double meanInBytes = 0;
    long maxInBytes = 0;
    List<Long> latencies = new ArrayList<>();
    for (Measured m : runs) {
      complete += m.complete() ? 1 : 0;
      exact += m.exact() ? 1 : 0;
      coverage += m.coverage();
      datagrams += m.datagrams();
      bytes += m.bytes();
      meanIn += m.meanInbound();
      maxIn = Math.max(maxIn, m.maxInbound());
      meanInBytes += m.meanInboundBytes();
      maxInBytes = Math.max(maxInBytes, m.maxInboundBytes());
      latencies.add(m.latencyNanos());
    }
    latencies.sort(null);
    int k = runs.size();
    double p50 = Simulate.pct(latencies, 50) / 1e6;
    double p99 = Simulate.pct(latencies, 99) / 1e6;
    csv.add(String.format(Locale.ROOT, "%d,%.3f,%d,%s,%d,%d,%d,%d,%.4f,%.2f,%.0f,%d,%.1f,%.0f,%.0f,%.3f,%.1f,%d,%.0f",
        n, loss, churn, q.name().toLowerCase(Locale.ROOT), rows, k, complete, exact, coverage / k, datagrams / k / n,
        bytes / k / n, maxIn, meanIn / k, p50, p99, idle, (System.nanoTime() - wall0) / 1e9, maxInBytes,
        meanInBytes / k));
    return new double[] {n, datagrams / k / n, bytes / k / n, p50, p99};
  }

  private static void plot(Path out, Map<Kind, List<double[]>> points, double loss, int churn) throws IOException {
    List<SimPlots.Line> messages = new ArrayList<>();
    List<SimPlots.Line> bytes = new ArrayList<>();
    List<SimPlots.Line> latency = new ArrayList<>();
    for (Map.Entry<Kind, List<double[]>> e : points.entrySet()) {
      String name = e.getKey().name().toLowerCase(Locale.ROOT);
      List<Double> x = Simulate.column(e.getValue(), 0);
      messages.add(new SimPlots.Line(name, x, Simulate.column(e.getValue(), 1), false));
      bytes.add(new SimPlots.Line(name, x, Simulate.column(e.getValue(), 2), false));
      latency.add(new SimPlots.Line(name + ", p50", x, Simulate.column(e.getValue(), 3), false));
      latency.add(new SimPlots.Line(name + ", p99", x, Simulate.column(e.getValue(), 4), true));
    }
    String setting = "(loss " + loss + (churn > 0 ? ", sessions " + churn + " min" : "") + ")";
    SimPlots.png(out.resolve("sql-messages.png"), "SQL: datagrams per query per node " + setting, "nodes N",
        "datagrams / N", true, false, messages);
    SimPlots.png(out.resolve("sql-bytes.png"), "SQL: bytes sent per query per node " + setting, "nodes N",
        "bytes / N", true, true, bytes);
    SimPlots.png(out.resolve("sql-latency.png"), "SQL: latency in virtual time " + setting, "nodes N", "ms", true,
        false, latency);
  }
}
