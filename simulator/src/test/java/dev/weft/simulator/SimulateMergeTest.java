package dev.weft.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of one size each, merged, give the tables of one run over all sizes (the 100,000-node point runs alone). */
final class SimulateMergeTest {
  @TempDir
  Path dir;

  @Test
  void mergedRunsEqualOneRunOverAllSizes() throws IOException {
    simulate("30", dir.resolve("n30"));
    simulate("20", dir.resolve("n20"));
    simulate("20,30", dir.resolve("both"));

    Simulate.run(new String[] {"--merge", dir.resolve("n30") + "," + dir.resolve("n20"), "--out",
        dir.resolve("merged").toString()}, new PrintWriter(new StringWriter()));

    for (String csv : List.of("nodes.csv", "ops.csv", "hops.csv")) {
      assertThat(simulatedColumns(dir.resolve("merged").resolve(csv)))
          .as(csv).isEqualTo(simulatedColumns(dir.resolve("both").resolve(csv)));
    }
    assertThat(Files.readAllLines(dir.resolve("merged/ops.csv"))).hasSize(5); // header, put and get per size
    for (String png : List.of("hops.png", "messages.png", "memory.png", "idle.png")) {
      assertThat(dir.resolve("merged").resolve(png)).isNotEmptyFile();
    }
  }

  @Test
  void aSizeFromTwoRunsOrAMissingTableIsRefusedAndNothingIsWritten() throws IOException {
    simulate("20", dir.resolve("a"));
    simulate("20", dir.resolve("b"));
    Files.createDirectories(dir.resolve("empty"));

    assertThatThrownBy(() -> Simulate.merge(List.of(dir.resolve("a"), dir.resolve("b")), dir.resolve("out1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N=20 is in both");
    assertThatThrownBy(() -> Simulate.merge(List.of(dir.resolve("a"), dir.resolve("empty")), dir.resolve("out2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes.csv is missing");
    assertThat(dir.resolve("out1")).doesNotExist();
    assertThat(dir.resolve("out2")).doesNotExist();
  }

  private static void simulate(String sizes, Path out) throws IOException {
    Simulate.run(new String[] {"--nodes", sizes, "--seed", "3", "--ops", "5", "--idle-minutes", "1", "--out",
        out.toString()}, new PrintWriter(new StringWriter()));
  }

  private static List<String> simulatedColumns(Path csv) throws IOException {
    return SimulationTest.simulatedColumns(Files.readAllLines(csv));
  }
}
