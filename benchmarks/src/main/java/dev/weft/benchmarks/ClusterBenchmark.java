package dev.weft.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeStats;
import dev.weft.api.Weft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core issue's cluster benchmark, shaped like the OpenDHT reference run: N node processes on loopback, two client
 * nodes in this process; client A puts {@code ops} values, client B gets them, sequentially and then with {@code
 * inflight} requests in flight. Prints a Markdown table, then the main figures as {@code RESULT <name> <value>} lines,
 * the same names as benchmarks/opendht/bench.py prints, which benchmarks/side-by-side.sh reads.
 *
 * <p>Before measuring, at least {@code --warmup} puts and gets run unmeasured, and more until the JIT compilers of both
 * the clients and the nodes are done with the put and get paths (the CPU they used during the measured puts is
 * printed, to check). A node runs for days; the first seconds of a JVM are not what a put costs.
 *
 * <pre>benchmarks/run.sh ClusterBenchmark [--nodes 20] [--ops 1000] [--inflight 32] [--value-bytes 200]
 *     [--warmup 3000]</pre>
 */
public final class ClusterBenchmark {
  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = intArg(args, "--nodes", 20);
    int ops = intArg(args, "--ops", 1000);
    int inflight = intArg(args, "--inflight", 32);
    int valueBytes = intArg(args, "--value-bytes", 200);
    int bulk = intArg(args, "--bulk", 0);
    int warmup = intArg(args, "--warmup", 3000);
    String nodeOpts = strArg(args, "--node-jvm-opts", "-XX:+UseSerialGC -Xmx48m -Xss256k -XX:TieredStopAtLevel=1");

    NodeProcesses cluster = new NodeProcesses(nodes, nodeOpts);
    List<Long> pids = cluster.pids;
    double startSeconds = cluster.startSeconds;

    Address boot = cluster.bootstrap;
    try (Node a = client();
         Node b = client()) {
      a.join(List.of(boot)).get(30, TimeUnit.SECONDS);
      b.join(List.of(boot)).get(30, TimeUnit.SECONDS);
      Random random = new Random(1);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < ops; i++) {
        keys.add("key-" + i);
      }
      char[] pad = new char[Math.max(0, valueBytes - 2)];
      Arrays.fill(pad, 'x');
      String text = new String(pad);

      // Warm-up, not measured: rounds of puts then gets, shaped like the measured phases, until the JIT compilers of
      // the clients and the nodes used under 5% of a round's CPU (at least --warmup operations, at most five times
      // that). Compiling in the measured phase cost up to 1.4 s of a 2.5 s phase on this 2-core machine.
      int warmed;
      int round = 500;
      warmed = 0;
      for (boolean quiet = false; warmed < warmup || !quiet && warmed < 5 * warmup; warmed += round) {
        long[] before = plus(cpuTicks(pids), NodeProcesses.cpuTicks("self"));
        for (int i = warmed; i < warmed + round; i++) {
          a.storage().put("warmup", "w" + i, JsonNodeFactory.instance.textNode(text)).get(10, TimeUnit.SECONDS);
        }
        for (int i = warmed; i < warmed + round; i++) {
          b.storage().get("warmup", "w" + i).get(10, TimeUnit.SECONDS);
        }
        long[] used = minus(plus(cpuTicks(pids), NodeProcesses.cpuTicks("self")), before);
        quiet = used[1] * 20 < used[0];
      }

      long[] putLat = new long[ops];
      long[] nodesCpu0 = cpuTicks(pids);
      long[] clientCpu0 = NodeProcesses.cpuTicks("self");
      long putStart = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        long s = System.nanoTime();
        a.storage().put("bench", keys.get(i), JsonNodeFactory.instance.textNode(text)).get(10, TimeUnit.SECONDS);
        putLat[i] = System.nanoTime() - s;
      }
      double putSeconds = (System.nanoTime() - putStart) / 1e9;
      long[] nodesCpu = minus(cpuTicks(pids), nodesCpu0);
      long[] clientCpu = minus(NodeProcesses.cpuTicks("self"), clientCpu0);

      NodeStats before = b.stats();
      long[] getLat = new long[ops];
      int found = 0;
      long getStart = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        long s = System.nanoTime();
        Optional<?> o = b.storage().get("bench", keys.get(i)).get(10, TimeUnit.SECONDS);
        getLat[i] = System.nanoTime() - s;
        if (o.isPresent()) {
          found++;
        }
      }
      double getSeconds = (System.nanoTime() - getStart) / 1e9;
      NodeStats afterSeq = b.stats();

      long[] parLat = new long[ops];
      AtomicInteger parFound = new AtomicInteger();
      Semaphore window = new Semaphore(inflight);
      List<String> shuffled = new ArrayList<>(keys);
      Collections.shuffle(shuffled, random);
      List<CompletableFuture<?>> all = new ArrayList<>();
      long parStart = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        window.acquire();
        int idx = i;
        long s = System.nanoTime();
        all.add(b.storage().get("bench", shuffled.get(i)).whenComplete((o, e) -> {
          parLat[idx] = System.nanoTime() - s;
          if (o != null && o.isPresent()) {
            parFound.incrementAndGet();
          }
          window.release();
        }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      double parSeconds = (System.nanoTime() - parStart) / 1e9;
      NodeStats afterPar = b.stats();

      long seqRequests = requests(afterSeq) - requests(before);
      long parRequests = requests(afterPar) - requests(afterSeq);
      long rssTotal = 0;
      long rssMax = 0;
      long pssTotal = 0;
      for (long pid : pids) {
        long rss = NodeProcesses.rssKib(pid);
        rssTotal += rss;
        rssMax = Math.max(rssMax, rss);
        pssTotal += NodeProcesses.pssKib(pid);
      }

      System.out.printf("%n| figure | value |%n|---|---|%n");
      System.out.printf("| node processes | %d (started and joined in %.1f s) |%n", nodes, startSeconds);
      System.out.printf("| warm-up, unmeasured | %d puts, then as many gets |%n", warmed);
      System.out.printf("| puts (sequential, client A) | %d, p50 %.2f ms, p99 %.2f ms, %.0f puts/s |%n", ops,
          pct(putLat, 50), pct(putLat, 99), ops / putSeconds);
      System.out.printf("| CPU per put, during the sequential puts | node processes %.0f µs (JIT %.0f), client JVM %.0f µs"
          + " (JIT %.0f) |%n", us(nodesCpu[0], ops), us(nodesCpu[1], ops), us(clientCpu[0], ops), us(clientCpu[1], ops));
      System.out.printf("| gets sequential (client B) | found %d/%d, p50 %.3f ms, p99 %.3f ms, %.0f gets/s |%n", found,
          ops, pct(getLat, 50), pct(getLat, 99), ops / getSeconds);
      System.out.printf("| gets, %d in flight | found %d/%d, p50 %.3f ms, p99 %.3f ms, %.0f gets/s |%n", inflight,
          parFound.get(), ops, pct(parLat, 50), pct(parLat, 99), ops / parSeconds);
      System.out.printf("| requests per get | %.2f sequential, %.2f in flight |%n", seqRequests / (double) ops,
          parRequests / (double) ops);
      StringBuilder byType = new StringBuilder();
      afterPar.rpcs().forEach((t, r) -> {
        long d = r.sent() - before.rpcs().getOrDefault(t, new NodeStats.Rpc(0, 0, 0, 0)).sent();
        if (d > 0) {
          byType.append(byType.length() == 0 ? "" : ", ").append(t).append(' ').append(d);
        }
      });
      System.out.printf("| requests sent by client B during the gets | %s |%n", byType);
      System.out.printf("| lookup hops (client B, all lookups) | %s |%n", hops(afterPar.lookupHops(), before.lookupHops()));
      System.out.printf("| RSS per node process | mean %.1f MiB, max %.1f MiB; PSS mean %.1f MiB |%n",
          rssTotal / 1024.0 / nodes, rssMax / 1024.0, pssTotal / 1024.0 / nodes);
      System.out.printf("| node JVM options | `%s` |%n", nodeOpts);
      messaging(a, b, ops, inflight, text);
      double[] bulkFigures = bulk > 0 ? bulk(a, b, bulk, text) : null;

      System.out.println();
      result("ops", ops);
      result("put_p50_ms", pct(putLat, 50));
      result("put_p99_ms", pct(putLat, 99));
      result("puts_per_s", ops / putSeconds);
      result("put_cpu_us", us(nodesCpu[0] + clientCpu[0], ops));
      result("get_p50_ms", pct(getLat, 50));
      result("get_p99_ms", pct(getLat, 99));
      result("gets_per_s", ops / getSeconds);
      result("found", found);
      result("inflight", inflight);
      result("inflight_p50_ms", pct(parLat, 50));
      result("inflight_p99_ms", pct(parLat, 99));
      result("inflight_gets_per_s", ops / parSeconds);
      result("inflight_found", parFound.get());
      result("requests_per_get", seqRequests / (double) ops);
      result("inflight_requests_per_get", parRequests / (double) ops);
      result("rss_mib", rssTotal / 1024.0 / nodes);
      result("rss_max_mib", rssMax / 1024.0);
      result("pss_mib", pssTotal / 1024.0 / nodes);
      if (bulkFigures != null) {
        result("bulk_records_per_s", bulkFigures[0]);
        result("bulk_failed", bulkFigures[1]);
        result("bulk_min_acknowledged", bulkFigures[2]);
        result("bulk_found", bulkFigures[3]);
      }
    } finally {
      cluster.close();
    }
  }

  /**
   * {@code Storage.putAll} of {@code count} values from client A, in batches of 5,000 with two in flight (as
   * {@code weft put-all} sends them); then client B reads 1,000 of them. Returns records/s, failures, the fewest replicas that
   * acknowledged a record, and how many of the reads found their value.
   */
  private static double[] bulk(Node a, Node b, int count, String text) throws Exception {
    int batch = 5_000;
    var value = JsonNodeFactory.instance.textNode(text);
    List<CompletableFuture<List<dev.weft.api.PutOutcome>>> running = new ArrayList<>();
    long failed = 0;
    int minAcks = Integer.MAX_VALUE;
    NodeStats before = a.stats();
    long t0 = System.nanoTime();
    for (int start = 0; start < count || !running.isEmpty(); ) {
      if (start < count && running.size() < 2) {
        List<dev.weft.api.Write> writes = new ArrayList<>(batch);
        for (int i = start; i < Math.min(count, start + batch); i++) {
          writes.add(new dev.weft.api.Write("bulk", "row-" + i, value));
        }
        start += writes.size();
        running.add(a.storage().putAll(writes));
        continue;
      }
      for (dev.weft.api.PutOutcome o : running.remove(0).get(120, TimeUnit.SECONDS)) {
        if (o.ok()) {
          minAcks = Math.min(minAcks, o.result().acknowledged());
        } else {
          failed++;
        }
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    NodeStats after = a.stats();
    StringBuilder sent = new StringBuilder();
    after.rpcs().forEach((t, r) -> {
      NodeStats.Rpc was = before.rpcs().getOrDefault(t, new NodeStats.Rpc(0, 0, 0, 0));
      if (r.sent() > was.sent()) {
        sent.append(sent.length() == 0 ? "" : ", ").append(t).append(' ').append(r.sent() - was.sent())
            .append(r.timedOut() > was.timedOut() ? " (" + (r.timedOut() - was.timedOut()) + " timed out)" : "");
      }
    });
    int found = 0;
    Random random = new Random(3);
    for (int i = 0; i < 1000; i++) {
      if (b.storage().get("bulk", "row-" + random.nextInt(count)).get(10, TimeUnit.SECONDS).isPresent()) {
        found++;
      }
    }
    System.out.printf("| bulk load (putAll from client A, batches of %d, 2 in flight) | %d records of %d B in %.2f s: "
        + "%.0f records/s, %d failed, every record acknowledged by at least %d replicas; %d/1000 read back; "
        + "requests sent: %s |%n", batch, count, text.length() + 2, seconds, count / seconds, failed, minAcks, found,
        sent);
    return new double[] {count / seconds, failed, minAcks, found};
  }

  /** send / sendNode latency between the clients and the node processes (acknowledged deliveries). */
  private static void messaging(Node a, Node b, int ops, int inflight, String text) throws Exception {
    dev.weft.messaging.Messaging ma = dev.weft.messaging.Messaging.of(a);
    List<dev.weft.api.NodeId> targets = new ArrayList<>();
    for (var bucket : b.info().buckets()) {
      bucket.contacts().forEach(ci -> targets.add(ci.contact().id()));
    }
    var payload = JsonNodeFactory.instance.textNode(text);
    for (int i = 0; i < 200; i++) {
      ma.sendNode(targets.get(i % targets.size()), payload).get(10, TimeUnit.SECONDS);
    }
    long[] nodeLat = new long[ops];
    long t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      long s = System.nanoTime();
      ma.sendNode(targets.get(i % targets.size()), payload).get(10, TimeUnit.SECONDS);
      nodeLat[i] = System.nanoTime() - s;
    }
    double nodeSeconds = (System.nanoTime() - t0) / 1e9;
    long[] keyLat = new long[ops];
    t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      long s = System.nanoTime();
      ma.send("bench", "key-" + i, payload).get(10, TimeUnit.SECONDS);
      keyLat[i] = System.nanoTime() - s;
    }
    double keySeconds = (System.nanoTime() - t0) / 1e9;
    Semaphore window = new Semaphore(inflight);
    List<CompletableFuture<?>> all = new ArrayList<>();
    t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      window.acquire();
      all.add(ma.sendNode(targets.get(i % targets.size()), payload).whenComplete((d, e) -> window.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    double parSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("| sendNode (sequential, acknowledged) | p50 %.3f ms, p99 %.3f ms, %.0f msgs/s |%n", pct(nodeLat, 50),
        pct(nodeLat, 99), ops / nodeSeconds);
    System.out.printf("| send to a key's owner (lookup + delivery) | p50 %.3f ms, p99 %.3f ms, %.0f msgs/s |%n",
        pct(keyLat, 50), pct(keyLat, 99), ops / keySeconds);
    System.out.printf("| sendNode, %d in flight | %.0f msgs/s |%n", inflight, ops / parSeconds);
  }

  /** One figure for scripts (benchmarks/side-by-side.sh): {@code RESULT name value}. */
  private static void result(String name, double value) {
    System.out.println("RESULT " + name + " " + String.format(Locale.ROOT, "%.4f", value));
  }

  private static long[] cpuTicks(List<Long> pids) {
    long[] sum = new long[2];
    for (long pid : pids) {
      long[] t = NodeProcesses.cpuTicks(Long.toString(pid));
      sum[0] += t[0];
      sum[1] += t[1];
    }
    return sum;
  }

  private static long[] plus(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1]};
  }

  private static long[] minus(long[] a, long[] b) {
    return new long[] {a[0] - b[0], a[1] - b[1]};
  }

  /** Clock ticks (10 ms on Linux) spread over {@code ops} operations, in microseconds each. */
  private static double us(long ticks, int ops) {
    return ticks * 10_000.0 / ops;
  }

  private static Node client() {
    var builder = Weft.builder().listen("udp://127.0.0.1:0");
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("weft."))
        .forEach(k -> builder.set(k, System.getProperty(k)));
    return builder.build();
  }

  private static long requests(NodeStats s) {
    return s.rpcs().values().stream().mapToLong(NodeStats.Rpc::sent).sum();
  }

  private static String hops(Map<Integer, Long> after, Map<Integer, Long> before) {
    StringBuilder sb = new StringBuilder();
    after.forEach((h, n) -> {
      long d = n - before.getOrDefault(h, 0L);
      if (d > 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append(h).append(" hop").append(h == 1 ? "" : "s").append(": ")
            .append(d);
      }
    });
    return sb.toString();
  }

  static double pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    int idx = (int) Math.min(s.length - 1, Math.ceil(p / 100.0 * s.length) - 1);
    return s[Math.max(0, idx)] / 1e6;
  }

  static int intArg(String[] args, String name, int def) {
    return Integer.parseInt(strArg(args, name, String.valueOf(def)));
  }

  static String strArg(String[] args, String name, String def) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return def;
  }
}
