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
 * that miscounts), the same CSV for the same seed.
 */
final class SimulateScanTest {
  @TempDir
  Path dir;

  private List<String> run(Path out) throws IOException {
    SimulateScan.run(new String[] {"--nodes", "30", "--rows", "600", "--scans", "4", "--seed", "3", "--loss", "0.02",
        "--out", out.toString()}, new PrintWriter(new StringWriter()));
    return SimulationTest.simulatedColumns(Files.readAllLines(out.resolve("scan.csv")));
  }

  @Test
  void scansOnALossyNetworkAreCompleteExactAndRepeatable() throws IOException {
    List<String> first = run(dir.resolve("a"));
    assertThat(first).hasSize(3);  // header, COUNT, GROUP BY
    List<String> header = List.of(first.get(0).split(","));
    for (String line : first.subList(1, 3)) {
      String[] v = line.split(",");
      assertThat(v[header.indexOf("complete")]).as(line).isEqualTo(v[header.indexOf("scans")]);
      assertThat(v[header.indexOf("counted_exact")]).as(line).isEqualTo(v[header.indexOf("scans")]);
    }
    assertThat(run(dir.resolve("b"))).isEqualTo(first);
  }
}
