package dev.weft.query.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.query.data.MemoryTables;
import dev.weft.query.data.Tables;
import dev.weft.testkit.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import net.hydromatic.sqllogictest.Main;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SltFailures;
import net.hydromatic.sqllogictest.TestStatistics;
import net.hydromatic.sqllogictest.executors.WeftSltExecutor;
import org.junit.jupiter.api.Test;

/**
 * SQLite's sqllogictest through {@code jdbc:weft:} on a 3-node UDP network (statements through one node; every scan
 * goes to all three, every row written through its keeper): a fixed sample of each file (every k-th query; all
 * statements run), at least 99% of the queries run must give SQLite's answer. {@code -Dslt.full=true} runs every query
 * (about an hour here); {@code -Dslt.memory=true} runs on in-memory tables instead of the network, to tell the SQL
 * layer's failures from the data layer's.
 */
class SqlLogicSampleTest {
  /** File (as the runner names it) and the sample step that keeps the whole run within minutes. */
  private static final Map<String, Integer> FILES = new LinkedHashMap<>();

  static {
    FILES.put("select1.test", 5);
    FILES.put("select2.test", 5);
    FILES.put("select3.test", 20);
    FILES.put("select4.test", 16);
    FILES.put("select5.test", 122);
    FILES.put("random/aggregates/slt_good_0.test", 20);
    FILES.put("random/groupby/slt_good_0.test", 20);
    FILES.put("index/between/1/slt_good_0.test", 20);
  }

  /** Where the runner's own output and the failures' stack traces go. */
  private static final Path LOG = Path.of("target", "sqllogictest.log");

  @Test
  void sampledQueriesGiveSqlitesAnswers() throws Exception {
    boolean memory = Boolean.getBoolean("slt.memory");
    try (TestCluster cluster = memory ? null : TestCluster.builder().nodes(3).seed(60)
        .set("weft.query.ddl-settle", "50ms").start()) {
      Supplier<Tables> tables = memory ? MemoryTables::new
          : () -> cluster.node(0).service(Tables.class).orElseThrow();
      run(tables);
    }
  }

  private static void run(Supplier<Tables> tables) throws Exception {
    boolean full = Boolean.getBoolean("slt.full");
    Files.createDirectories(LOG.getParent());
    Files.deleteIfExists(LOG);
    int passed = 0;
    int failed = 0;
    Map<String, Integer> causes = new TreeMap<>();
    for (Map.Entry<String, Integer> file : FILES.entrySet()) {
      ByteArrayOutputStream noise = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(noise, true, StandardCharsets.UTF_8);
      OptionsParser options = new OptionsParser(false, sink, sink);
      AtomicReference<WeftSltExecutor> executor = new AtomicReference<>();
      int step = full ? 1 : file.getValue();
      options.registerExecutor("weft", () -> {
        executor.set(new WeftSltExecutor(options.getOptions(), tables, step));
        return executor.get();
      });
      long t0 = System.nanoTime();
      TestStatistics s = Main.execute(options, "-e", "weft", file.getKey());
      passed += s.getPassedTestCount();
      failed += s.getFailedTestCount();
      System.out.printf("sqllogictest %s (every %d): passed %d, failed %d, ignored %d, files not parsed %d;"
          + " %.1f ms/query, %d s%n", file.getKey(), step, s.getPassedTestCount(), s.getFailedTestCount(),
          s.getIgnoredTestCount(), s.getParseFailureCount(), executor.get().millisPerQuery(),
          (System.nanoTime() - t0) / 1_000_000_000);
      Files.writeString(LOG, "== " + file.getKey() + "\n" + noise.toString(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      for (TestStatistics.FailedTestDescription d : SltFailures.of(s)) {
        if (d.exception != null) {
          StringWriter trace = new StringWriter();
          d.exception.printStackTrace(new PrintWriter(trace));
          Files.writeString(LOG, "FAILED " + d.query.getQuery() + "\n" + trace + "\n", StandardOpenOption.APPEND);
        }
        String cause = String.valueOf(d.error).replaceAll("[0-9]+", "N").replace('\n', ' ');
        causes.merge(cause.substring(0, Math.min(140, cause.length())), 1, Integer::sum);
        System.out.println("  FAILED " + d.query.getQuery().replace('\n', ' ') + " => "
            + String.valueOf(d.error).replace('\n', ' '));
      }
      assertThat(s.getParseFailureCount()).as("files not parsed").isZero();
    }
    causes.forEach((cause, n) -> System.out.println("  " + n + " x " + cause));
    double rate = 100.0 * passed / Math.max(1, passed + failed);
    System.out.printf("sqllogictest sample: %d of %d queries passed (%.2f%%)%n", passed, passed + failed, rate);
    assertThat(passed + failed).isPositive();
    assertThat(rate).isGreaterThanOrEqualTo(99.0);
  }
}
