package dev.weft.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan simulation on a small lossy network: every scan complete and exact (the run itself fails on a complete scan
 * that miscounts), the same CSV for the same seed; and with nodes that joined after the load, while they settle.
 */
final class SimulateScanTest {
  @TempDir
  Path dir;

  private List<String> run(Path out, String joins) throws IOException {
    SimulateScan.run(new String[] {"--nodes", "30", "--rows", "600", "--scans", "4", "--seed", "3", "--loss", "0.02",
        "--joins", joins, "--out", out.toString()}, new PrintWriter(new StringWriter()));
    return SimulationTest.simulatedColumns(Files.readAllLines(out.resolve("scan.csv")));
  }

  /** Each line of the CSV after the header: every scan complete and counted exactly; the header. */
  private static List<String> everyScanCompleteAndExact(List<String> lines) {
    assertThat(lines).hasSize(3);  // header, COUNT, GROUP BY
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines.subList(1, 3)) {
      String[] v = line.split(",");
      assertThat(v[header.indexOf("complete")]).as(line).isEqualTo(v[header.indexOf("scans")]);
      assertThat(v[header.indexOf("counted_exact")]).as(line).isEqualTo(v[header.indexOf("scans")]);
    }
    return header;
  }

  @Test
  void scansOnALossyNetworkAreCompleteExactAndRepeatable() throws IOException {
    List<String> first = run(dir.resolve("a"), "0");
    everyScanCompleteAndExact(first);
    assertThat(run(dir.resolve("b"), "0")).isEqualTo(first);
  }

  @Test
  void aggregatesMergeUpTheTreeAndSurviveHeavyLoss() throws IOException {
    List<String> lines = run(dir.resolve("d"), "0");
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines.subList(1, 3)) {
      // The asking node hears from its children (two messages each), not from each of the 30 nodes.
      assertThat(Double.parseDouble(line.split(",")[header.indexOf("origin_sql_in")])).as(line).isLessThan(25);
    }
    // A fifth of the datagrams lost: hand-offs and merged answers time out and are sent again; a complete scan that
    // miscounted fails the run, and most scans end complete.
    Path lossy = dir.resolve("e");
    SimulateScan.run(new String[] {"--nodes", "30", "--rows", "600", "--scans", "6", "--seed", "4", "--loss", "0.2",
        "--joins", "0", "--out", lossy.toString()}, new PrintWriter(new StringWriter()));
    List<String> heavy = Files.readAllLines(lossy.resolve("scan.csv"));
    int complete = 0;
    for (String line : heavy.subList(1, 3)) {
      complete += Integer.parseInt(line.split(",")[header.indexOf("complete")]);
    }
    assertThat(complete).as(String.join("\n", heavy)).isGreaterThanOrEqualTo(4);
  }

  @Test
  void scansWhileNewcomersSettleAreCompleteAndExact() throws IOException {
    List<String> lines = run(dir.resolve("c"), "8");
    List<String> header = everyScanCompleteAndExact(lines);
    double contested = 0;
    for (String line : lines.subList(1, 3)) {
      contested += Double.parseDouble(line.split(",")[header.indexOf("contested_rows_per_scan")]);
    }
    assertThat(contested).as("rows near the newcomers were taken once each by key").isPositive();
  }
}
