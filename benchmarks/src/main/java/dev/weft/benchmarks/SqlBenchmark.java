package dev.weft.benchmarks;

import dev.weft.api.Node;
import dev.weft.query.Sql;
import dev.weft.query.SqlResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The query layer on N real nodes in this JVM over UDP on 127.0.0.1 (wall-clock time): loading R rows with multi-row
 * INSERTs from one node, then from random nodes Q times each: a primary-key query, a full-scan {@code COUNT(*)}, and a
 * {@code GROUP BY} with SUM and AVG; p50 and p99 of each, and the messages a scan costs (all nodes' datagrams out
 * during the scans, divided by scans and by N).
 *
 * <pre>benchmarks/run.sh SqlBenchmark [--nodes 20] [--rows 20000] [--queries 30] [--batch 500]</pre>
 */
public final class SqlBenchmark {
  private SqlBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(arg(args, "--nodes", "20"));
    int rows = Integer.parseInt(arg(args, "--rows", "20000"));
    int queries = Integer.parseInt(arg(args, "--queries", "30"));
    int batch = Integer.parseInt(arg(args, "--batch", "500"));
    Random random = new Random(7);
    List<Node> nodes = new ArrayList<>();
    try {
      InProcessNodes.start(nodes, n, random);
      Sql first = Sql.of(nodes.get(0));
      first.execute("CREATE TABLE bench (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, amount BIGINT, note TEXT)")
          .get(60, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      for (int from = 0; from < rows; from += batch) {
        StringBuilder insert = new StringBuilder("INSERT INTO bench VALUES ");
        for (int id = from; id < Math.min(rows, from + batch); id++) {
          insert.append(id == from ? "" : ", ").append('(').append(id).append(", ").append(id % 50).append(", ")
              .append(random.nextInt(1_000_000)).append(", 'row ").append(id).append("')");
        }
        first.execute(insert.toString()).get(10, TimeUnit.MINUTES);
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("loaded %d rows into %d nodes in %.1f s: %.0f rows/s%n", rows, n, loadSeconds,
          rows / loadSeconds);
      run(nodes, random, queries, "primary-key query", false, r -> "SELECT note FROM bench WHERE id = "
          + r.nextInt(rows));
      run(nodes, random, queries, "COUNT(*) (full scan)", true, r -> "SELECT COUNT(*) FROM bench");
      run(nodes, random, queries, "GROUP BY 50 groups (full scan)", true,
          r -> "SELECT grp, COUNT(*), SUM(amount), AVG(amount) FROM bench GROUP BY grp");
    } finally {
      nodes.forEach(Node::close);
    }
  }

  private interface Statement {
    String make(Random r);
  }

  private static void run(List<Node> nodes, Random random, int queries, String what, boolean scan, Statement make)
      throws Exception {
    for (int w = 0; w < 3; w++) {  // warm the plan cache and the JIT
      Sql.of(nodes.get(random.nextInt(nodes.size()))).query(make.make(random)).get(60, TimeUnit.SECONDS);
    }
    long messagesBefore = messages(nodes);
    long[] micros = new long[queries];
    for (int q = 0; q < queries; q++) {
      long start = System.nanoTime();
      SqlResult r = Sql.of(nodes.get(random.nextInt(nodes.size()))).query(make.make(random)).get(60,
          TimeUnit.SECONDS);
      micros[q] = (System.nanoTime() - start) / 1000;
      if (scan && !r.coverage().complete()) {
        throw new IllegalStateException(what + " was incomplete: " + r.coverage());
      }
    }
    long messages = messages(nodes) - messagesBefore;
    Arrays.sort(micros);
    System.out.printf("| %s | %.1f ms | %.1f ms | %s |%n", what, micros[queries / 2] / 1000.0,
        micros[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)] / 1000.0,
        String.format("%.2f", messages / (double) queries / nodes.size()));
  }

  private static long messages(List<Node> nodes) {
    return nodes.stream().mapToLong(n -> n.stats().messagesOut()).sum();
  }

  private static String arg(String[] args, String name, String def) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
  }
}
