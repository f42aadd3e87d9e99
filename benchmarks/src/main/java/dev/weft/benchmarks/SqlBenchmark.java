package dev.weft.benchmarks;

import dev.weft.api.Node;
import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.query.QueryException;
import dev.weft.query.Sql;
import dev.weft.query.SqlOptions;
import dev.weft.query.SqlResult;
import dev.weft.query.data.Tables;
import dev.weft.simulator.SimCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The query layer on N real nodes over UDP on 127.0.0.1 (wall-clock time). By default N − 1 node processes and one
 * node in this process that every statement goes through; with {@code --in-process}, N nodes in this JVM and
 * statements from random ones. It loads P rows into a table without an index and then indexes it (what loading and
 * building an index cost), loads R rows with multi-row INSERTs into a table whose index on a column holding a
 * permutation of 0…R−1 exists before them (what an index costs a write), and then runs Q times each: a primary-key query, an index range of 100 rows, a full-scan {@code COUNT(*)} and a {@code
 * GROUP BY} with SUM and AVG. Prints p50 and p99 of each and the messages it costs (all nodes' datagrams out during the
 * statements, divided by statements and by N), then drops the table and prints how long until the nodes in this
 * process hold no copy of it. Fails when a scan is incomplete or a count is wrong.
 *
 * <p>Settings given as {@code -Dweft.*=…} in {@code BENCH_JAVA_OPTS} apply to every node.
 *
 * <pre>benchmarks/run.sh SqlBenchmark [--nodes 20] [--rows 100000] [--queries 30] [--batch 500]
 *     [--plain-rows 10000] [--in-process] [--node-jvm-opts "-XX:+UseSerialGC -Xmx320m"]</pre>
 */
public final class SqlBenchmark {
  /** Long enough for building an index over every row. */
  private static final SqlOptions SLOW = SqlOptions.DEFAULTS.withTimeout(Duration.ofHours(1));

  private SqlBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(SimCluster.arg(args, "--nodes", "20"));
    int rows = Integer.parseInt(SimCluster.arg(args, "--rows", "100000"));
    int queries = Integer.parseInt(SimCluster.arg(args, "--queries", "30"));
    int batch = Integer.parseInt(SimCluster.arg(args, "--batch", "500"));
    int plainRows = Integer.parseInt(SimCluster.arg(args, "--plain-rows", "10000"));
    Random random = new Random(7);
    if (Arrays.asList(args).contains("--in-process")) {
      List<Node> nodes = new ArrayList<>();
      try {
        InProcessNodes.start(nodes, n, random);
        new SqlBenchmark.Run(nodes, () -> nodes.stream().mapToLong(x -> x.stats().messagesOut()).sum(), n, random)
            .all(rows, queries, batch, plainRows);
      } finally {
        nodes.forEach(Node::close);
      }
      return;
    }
    String nodeOpts = SimCluster.arg(args, "--node-jvm-opts", "-XX:+UseSerialGC -Xmx320m -Xss512k");
    var builder = Weft.builder().listen("udp://127.0.0.1:0");
    // -Dweft.*=... settings apply to every node, this one too (NodeProcesses passes them to the others)
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("weft."))
        .forEach(k -> builder.set(k, System.getProperty(k)));
    try (NodeProcesses cluster = new NodeProcesses(n - 1, nodeOpts);
         Node client = builder.build()) {
      client.join(List.of(cluster.bootstrap)).get(30, TimeUnit.SECONDS);
      System.out.printf("%d node processes started in %.1f s, and the asking node in this process%n", n - 1,
          cluster.startSeconds);
      LongSupplier messages = () -> {
        try {
          return client.stats().messagesOut() + cluster.messagesOut();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      new SqlBenchmark.Run(List.of(client), messages, n, random).all(rows, queries, batch, plainRows);
    }
  }

  private interface Statement {
    String make(Random r);
  }

  /** The statements, sent through {@code askers} (one picked at random each time) to a network of {@code n} nodes. */
  private record Run(List<Node> askers, LongSupplier messages, int n, Random random) {
    void all(int rows, int queries, int batch, int plainRows) throws Exception {
      String columns = " (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, score INTEGER NOT NULL, amount BIGINT,"
          + " note TEXT)";
      double plain = 0;
      if (plainRows > 0) {
        sql("CREATE TABLE bench_plain" + columns);
        plain = load("bench_plain", plainRows, batch);
        long t0 = System.nanoTime();
        sql("CREATE INDEX bench_plain_score ON bench_plain (score)");
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CREATE INDEX over %d rows: %.1f s, %.0f rows/s%n", plainRows, s, plainRows / s);
      }
      // The measured table's index exists before its rows: every write keeps it current.
      sql("CREATE TABLE bench" + columns);
      sql("CREATE INDEX bench_score ON bench (score)");
      double indexed = load("bench", rows, batch);
      if (plainRows > 0) {
        System.out.printf("an index costs loading %.0f%% of its speed (%.0f against %.0f rows/s)%n",
            100 * (1 - indexed / plain), indexed, plain);
      }
      System.out.println(sql("EXPLAIN PLAN FOR SELECT id, note FROM bench WHERE score BETWEEN 10 AND 109").rows());
      System.out.println("| statement | p50 | p99 | datagrams per statement ÷ N |");
      System.out.println("|---|---|---|---|");
      run(queries, "primary-key query", r -> "SELECT note FROM bench WHERE id = " + r.nextInt(rows),
          (s, r) -> r.rows().size() == 1);
      run(queries, "index range of 100 rows", r -> {
        int lo = r.nextInt(rows - 100);
        return "SELECT id, note FROM bench WHERE score BETWEEN " + lo + " AND " + (lo + 99);
      }, (s, r) -> r.rows().size() == 100);
      run(queries, "COUNT(*) (full scan)", r -> "SELECT COUNT(*) FROM bench",
          (s, r) -> r.coverage().complete() && ((Number) r.rows().get(0).get(0)).longValue() == rows);
      run(queries, "GROUP BY 50 groups (full scan)",
          r -> "SELECT grp, COUNT(*), SUM(amount), AVG(amount) FROM bench GROUP BY grp",
          (s, r) -> r.coverage().complete() && r.rows().size() == Math.min(50, rows)
              && r.rows().stream().mapToLong(row -> ((Number) row.get(1)).longValue()).sum() == rows);
      drop();
    }

    /**
     * DROP TABLE bench: how long the statement takes, and how long until none of the nodes in this process holds a
     * copy of its rows or index entries (every node, with {@code --in-process}; the asking node otherwise).
     */
    private void drop() throws Exception {
      Tables tables = askers.get(0).service(Tables.class).orElseThrow();
      String rowsAt = tables.catalog().table("bench").orElseThrow().rowNamespace();
      String entriesAt = "pht:" + tables.catalog().index("bench_score").orElseThrow().phtIndex();
      long copies = copies(rowsAt) + copies(entriesAt);
      long reclaimed0 = askers.stream().mapToLong(a -> Sql.of(a).stats().objectsReclaimed()).sum();
      long t0 = System.nanoTime();
      sql("DROP TABLE bench");
      double statement = (System.nanoTime() - t0) / 1e9;
      while (copies(rowsAt) + copies(entriesAt) > 0) {
        if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("copies of the dropped table's rows still held after 10 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(100);  // a benchmark's poll, not a test's wait
      }
      double freed = (System.nanoTime() - t0) / 1e9;
      long reclaimed = askers.stream().mapToLong(a -> Sql.of(a).stats().objectsReclaimed()).sum() - reclaimed0;
      System.out.printf("DROP TABLE bench: the statement %.2f s; the %d copies of rows and index entries on the %d"
          + " nodes in this process gone after %.2f s (%d counted as reclaimed)%n", statement, copies,
          askers.size(), freed, reclaimed);
    }

    /** Copies of {@code namespace}'s objects held by the nodes in this process. */
    private long copies(String namespace) throws Exception {
      long out = 0;
      for (Node node : askers) {
        Scan scan = Scan.namespace(namespace).limit(Scan.MAX_LIMIT);
        for (Optional<Scan> next = Optional.of(scan); next.isPresent(); ) {
          Page<StoredObject> page = node.storage().lscan(next.get()).get(60, TimeUnit.SECONDS);
          out += page.items().size();
          next = page.next();
        }
      }
      return out;
    }

    private SqlResult sql(String statement) throws Exception {
      return Sql.of(askers.get(0)).execute(SLOW, statement).get(1, TimeUnit.HOURS);
    }

    /**
     * Loads ids 0…rows−1 in INSERTs of {@code batch} rows; answers rows per second. A batch with failed rows (a keeper
     * that did not answer in time: "may or may not be written") is checked by key, and the rows missing are inserted
     * again; how many is printed.
     */
    private double load(String table, int rows, int batch) throws Exception {
      long t0 = System.nanoTime();
      int again = 0;
      for (int from = 0; from < rows; from += batch) {
        List<String> values = new ArrayList<>();
        for (int id = from; id < Math.min(rows, from + batch); id++) {
          // 7,919 is prime, so id × 7,919 mod rows runs through 0…rows−1 once while rows is not a multiple of it
          values.add("(" + id + ", " + id % 50 + ", " + (int) ((long) id * 7919 % rows) + ", "
              + random.nextInt(1_000_000) + ", 'row " + id + "')");
        }
        try {
          insert(table, values);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof QueryException q) || q.reason() != QueryException.Reason.ROWS_FAILED) {
            throw e;
          }
          System.out.println("a batch had failed rows: " + q.getMessage());
          List<String> missing = missing(table, from, values);
          again += missing.size();
          if (!missing.isEmpty()) {
            insert(table, missing);
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("loaded %d rows into %s on %d nodes in %.1f s: %.0f rows/s (%d rows inserted a second time)%n",
          rows, table, n, seconds, rows / seconds, again);
      return rows / seconds;
    }

    private void insert(String table, List<String> values) throws Exception {
      SqlResult r = Sql.of(askers.get(random.nextInt(askers.size())))
          .execute(SLOW, "INSERT INTO " + table + " VALUES " + String.join(", ", values)).get(1, TimeUnit.HOURS);
      if (r.updated() != values.size()) {
        throw new IllegalStateException("an INSERT wrote " + r.updated() + " of " + values.size() + " rows");
      }
    }

    /**
     * The values of ids from {@code from} on that the table does not hold, asked 19 keys at a time: a longer IN list
     * becomes a join with a VALUES list in Calcite (its threshold is 20), which reads the whole table.
     */
    private List<String> missing(String table, int from, List<String> values) throws Exception {
      java.util.Set<Integer> present = new java.util.HashSet<>();
      for (int at = 0; at < values.size(); at += 19) {
        StringBuilder ids = new StringBuilder();
        for (int i = at; i < Math.min(values.size(), at + 19); i++) {
          ids.append(i == at ? "" : ", ").append(from + i);
        }
        for (List<Object> row : sql("SELECT id FROM " + table + " WHERE id IN (" + ids + ")").rows()) {
          present.add(((Number) row.get(0)).intValue());
        }
      }
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (!present.contains(from + i)) {
          missing.add(values.get(i));
        }
      }
      return missing;
    }

    private interface Check {
      boolean ok(String statement, SqlResult result);
    }

    private void run(int queries, String what, Statement make, Check check) throws Exception {
      for (int w = 0; w < 3; w++) {  // warm the plan cache and the JIT
        Sql.of(askers.get(random.nextInt(askers.size()))).query(make.make(random)).get(60, TimeUnit.SECONDS);
      }
      long messagesBefore = messages.getAsLong();
      long[] micros = new long[queries];
      for (int q = 0; q < queries; q++) {
        String statement = make.make(random);
        long start = System.nanoTime();
        SqlResult r = Sql.of(askers.get(random.nextInt(askers.size()))).query(statement).get(60, TimeUnit.SECONDS);
        micros[q] = (System.nanoTime() - start) / 1000;
        if (!check.ok(statement, r)) {
          throw new IllegalStateException(what + ": wrong answer to " + statement + ": " + r.rows().size()
              + " rows, " + r.coverage());
        }
      }
      long sent = messages.getAsLong() - messagesBefore;
      Arrays.sort(micros);
      System.out.printf("| %s | %.1f ms | %.1f ms | %.2f |%n", what, micros[queries / 2] / 1000.0,
          micros[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1000.0,
          sent / (double) queries / n);
    }
  }
}
