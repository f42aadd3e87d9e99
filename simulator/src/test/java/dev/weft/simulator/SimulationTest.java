package dev.weft.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.simulator.Simulation.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs are repeatable: the same seed gives the same CSV, another seed another. */
final class SimulationTest {
  @TempDir
  Path dir;

  @Test
  void theSameSeedGivesTheSameCsvAndAnotherSeedAnother() throws IOException {
    Map<String, List<String>> first = run(1, dir.resolve("a"));
    Map<String, List<String>> again = run(1, dir.resolve("b"));
    Map<String, List<String>> other = run(2, dir.resolve("c"));

    assertThat(first.keySet()).containsExactly("broadcast.csv", "globals-coverage.csv", "globals.csv", "hops.csv",
        "nodes.csv", "ops.csv");
    assertThat(first.get("ops.csv")).hasSize(3); // header, put, get
    assertThat(first.get("broadcast.csv")).hasSize(2);
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  /**
   * One small run; every CSV without the columns measured on this machine rather than in the simulation (wall time,
   * heap), which no seed can repeat.
   */
  private static Map<String, List<String>> run(long seed, Path out) throws IOException {
    Simulation.run(new Simulation.Options(List.of(30), seed, 0.05, 0, 5,
        EnumSet.of(Workload.LOOKUPS, Workload.SENDALL, Workload.GLOBALS), out), new PrintWriter(new StringWriter()));
    Map<String, List<String>> csv = new TreeMap<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        csv.put(f.getFileName().toString(), simulatedColumns(Files.readAllLines(f)));
      }
    }
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.filter(p -> p.toString().endsWith(".png"))).isNotEmpty();
    }
    return csv;
  }

  static List<String> simulatedColumns(List<String> lines) {
    String[] header = lines.get(0).split(",");
    List<String> kept = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",");
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (!header[i].contains("wall_s") && !header[i].startsWith("heap_")) {
          row.append(cells[i]).append(',');
        }
      }
      kept.add(row.toString());
    }
    return kept;
  }
}
