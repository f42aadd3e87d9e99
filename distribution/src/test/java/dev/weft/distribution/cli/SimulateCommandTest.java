package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft simulate}, in-process: the files it writes, what it prints, and its exit codes for bad options. */
final class SimulateCommandTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private static Run weft(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CommandRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new ByteArrayInputStream(new byte[0]));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void writesEveryWorkloadsCsvAndPlots() throws IOException {
    Path out = dir.resolve("sim");
    Run run = weft("simulate", "--nodes", "50", "--seed", "1", "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();

    // ops.csv: a put row and a get row for N = 50, every operation done
    List<String> ops = Files.readAllLines(out.resolve("ops.csv"));
    assertThat(ops).hasSize(3);
    assertThat(ops.get(1)).startsWith("50,put,100,100,");
    assertThat(ops.get(2)).startsWith("50,get,100,100,");
    List<String> broadcast = Files.readAllLines(out.resolve("broadcast.csv"));
    assertThat(broadcast).hasSize(2);
    assertThat(cell(broadcast, "delivery_ratio")).isEqualTo("1.0000");
    List<String> globals = Files.readAllLines(out.resolve("globals.csv"));
    assertThat(globals).hasSize(2);
    assertThat(cell(globals, "incomplete_writes")).isEqualTo("0");
    assertThat(Files.readAllLines(out.resolve("pht.csv"))).hasSize(1 + 2 * 2); // leaves 8, 32 × ranges 10, 100
    List<String> sql = Files.readAllLines(out.resolve("sql.csv"));
    assertThat(sql).hasSize(1 + 6); // scan, group, join, join_ship, join_rehash, range
    for (int i = 1; i < sql.size(); i++) {
      assertThat(cellOf(sql, i, "counted_exact")).as(sql.get(i)).isEqualTo("3");
    }
    // The join with a key set moves less than the same join shipping both sides.
    assertThat(Double.parseDouble(cellOf(sql, 3, "bytes_per_node")))
        .isLessThan(Double.parseDouble(cellOf(sql, 4, "bytes_per_node")));
    // Rehashing both sides, the asking node receives the pairs, not all of u: the most any node receives in bytes is
    // less than when both sides are shipped to it.
    assertThat(Long.parseLong(cellOf(sql, 5, "max_inbound_bytes")))
        .isLessThan(Long.parseLong(cellOf(sql, 4, "max_inbound_bytes")));

    for (String png : List.of("hops.png", "messages.png", "memory.png", "idle.png", "broadcast-cost.png",
        "broadcast-delivery.png", "globals-time.png", "globals-coverage.png", "pht-gets.png", "pht-rounds.png", "sql-messages.png",
        "sql-bytes.png", "sql-latency.png")) {
      byte[] bytes = Files.readAllBytes(out.resolve(png));
      assertThat(bytes.length).as(png).isGreaterThan(1000);
      assertThat(Arrays.copyOf(bytes, PNG_MAGIC.length)).as(png).isEqualTo(PNG_MAGIC);
    }
    assertThat(run.out()).contains("lookups (ops.csv):").contains("sendall (broadcast.csv):")
        .contains("globals (globals.csv):").contains("pht (pht.csv):").contains("sql (sql.csv):")
        .containsPattern("(?m)^ +nodes +op +ops +succeeded")
        .contains("files written in " + out + ":").contains("  pht-gets.png");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void churnRunsLookupsPerSizeAndGathersTheirRows() throws IOException {
    Path out = dir.resolve("churn");
    Run run = weft("simulate", "--nodes", "20,25", "--churn", "10", "--minutes", "2", "--workload", "lookups",
        "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    // one row per size and republish setting (default and off), gathered from one directory per size
    List<String> rows = Files.readAllLines(out.resolve("churn.csv"));
    assertThat(rows).hasSize(5);
    assertThat(rows.subList(1, 5)).extracting(r -> r.substring(0, r.indexOf(',', 3)))
        .containsExactly("20,10", "20,10", "25,10", "25,10");
    assertThat(out.resolve("churn-n20/churn-cdf.png")).isNotEmptyFile();
    assertThat(run.out()).contains("lookups (churn.csv):").contains("  churn-n25/churn.csv");
  }

  private static String cell(List<String> csv, String column) {
    return cellOf(csv, 1, column);
  }

  private static String cellOf(List<String> csv, int row, String column) {
    int i = List.of(csv.get(0).split(",")).indexOf(column);
    return csv.get(row).split(",")[i];
  }

  @Test
  void badOptionsEndWithExitCode2BeforeAnythingRuns() throws IOException {
    String out = dir.resolve("never").toString();
    assertUsage(weft("simulate", "--seed", "1", "--out", out), "Missing required option: '--nodes=N'");
    assertUsage(weft("simulate", "--nodes", "50"), "Missing required option: '--out=DIR'");
    assertUsage(weft("simulate", "--nodes", "1", "--out", out), "--nodes must be 2 to 100000 each, got 1");
    assertUsage(weft("simulate", "--nodes", "50,x", "--out", out), "Invalid value for option '--nodes'");
    assertUsage(weft("simulate", "--nodes", "50", "--loss", "1", "--out", out), "--loss must be 0 to 0.9, got 1.0");
    assertUsage(weft("simulate", "--nodes", "50", "--churn", "-5", "--out", out), "--churn must be 0 (none)");
    assertUsage(weft("simulate", "--nodes", "50", "--minutes", "0", "--out", out), "--minutes must be at least 1");
    assertUsage(weft("simulate", "--nodes", "50", "--workload", "gets,flood", "--out", out),
        "unknown --workload 'gets': expected lookups, sendall, globals, pht, sql");
    assertUsage(weft("simulate", "--nodes", "50", "--churn", "30", "--workload", "pht", "--out", out),
        "--churn applies to lookups, sendall and sql, not to pht");
    assertUsage(weft("simulate", "--nodes", "50", "--frobnicate", "--out", out), "Unknown option: '--frobnicate'");
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertUsage(weft("simulate", "--nodes", "50", "--out", file.toString()), "is a file, not a directory");
    assertThat(dir.resolve("never")).doesNotExist();

    Run help = weft("simulate", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--nodes=N[,N...]").contains("--churn=MEDIAN_MINUTES").contains("--workload")
        .contains("lookups, sendall, globals, pht, sql");
  }

  private static void assertUsage(Run run, String message) {
    assertThat(run.code()).as(run.err()).isEqualTo(Cli.USAGE);
    assertThat(run.err()).contains(message);
  }
}
