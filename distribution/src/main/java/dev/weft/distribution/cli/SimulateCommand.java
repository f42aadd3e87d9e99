package dev.weft.distribution.cli;

import dev.weft.simulator.Simulation;
import dev.weft.simulator.Simulation.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weft simulate}: the scale experiments of issue #9 on a simulated network in this process (the unmodified
 * engine and plugins, virtual time, one thread), written as CSV and PNG into {@code --out}. Prints a summary table
 * per workload and the files it wrote; progress goes to stderr.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Runs N simulated nodes in this process (the real engine, store and plugins on a simulated network with "
            + "internet-like latency, in virtual time) through the chosen workloads, and writes CSV files and PNG "
            + "plots into --out. The same --seed gives the same CSV (wall times and heap aside).",
        "Workloads: lookups (100 puts, --minutes idle, 100 gets; with --churn: gets every 2 s under churn, with "
            + "and without republish), sendall (10 broadcasts spread over --minutes: hand-offs per node, share of "
            + "live nodes reached), globals (10 writes, time until every node knows each; always also without "
            + "loss), pht (500 keys, range queries of about 10 and 100 entries, leaf sizes 8 and 32), sql (two "
            + "tables of 5,000 rows, 3 runs each of a filtered scan, a GROUP BY, a join with a key set and the same "
            + "join shipping both sides; with --churn, spread over --minutes).",
        "Prints one table per workload on stdout, then the files written. Each size of N runs on a fresh network; "
            + "1,000 nodes take minutes (their joins), docs/scale.md has measured figures."},
    footer = {"", "Example: weft simulate --nodes 100,1000 --seed 1 --workload sendall --churn 30 --out sim/"})
final class SimulateCommand implements Callable<Integer> {
  static final int MAX_NODES = 100_000;

  @Option(names = "--nodes", paramLabel = "N", required = true, split = ",",
      description = "Network sizes, 2 to " + MAX_NODES + " each; one run per size.")
  List<Integer> nodes;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seeds node ids, latencies, loss, sessions and the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--loss", paramLabel = "P", defaultValue = "0",
      description = "Share of messages every link loses, 0 to 0.9 (default: ${DEFAULT-VALUE}).")
  double loss;

  @Option(names = "--churn", paramLabel = "MEDIAN_MINUTES", defaultValue = "0",
      description = "Nodes leave after exponential sessions of this median and are replaced at once by fresh "
          + "nodes; 0 for none (default). Applies to lookups, sendall and sql.")
  int churn;

  @Option(names = "--workload", paramLabel = "W", split = ",",
      description = "lookups, sendall, globals, pht, sql (default: all; with --churn, lookups, sendall and sql).")
  List<String> workloads;

  @Option(names = "--minutes", paramLabel = "M", defaultValue = "30",
      description = "Virtual minutes of the timed phase: the idle time between puts and gets, the churn period, "
          + "the period the broadcasts are spread over (default: ${DEFAULT-VALUE}).")
  int minutes;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Directory for the CSV and PNG files (created if missing; files of the same name are replaced).")
  Path out;

  private final Cli cli;

  SimulateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    Simulation.Options options = options();
    FileTime start = FileTime.fromMillis(System.currentTimeMillis());
    List<Simulation.Summary> summaries = Simulation.run(options, cli.err());
    for (Simulation.Summary s : summaries) {
      cli.out().println(s.workload().label() + " (" + s.csv().getFileName() + "):");
      cli.out().println(table(Files.readAllLines(s.csv()), s.columns()));
    }
    cli.out().println("files written in " + out + ":");
    for (Path f : written(start)) {
      cli.out().println("  " + out.relativize(f));
    }
    return Cli.OK;
  }

  /** Checks every option before anything runs: a bad one ends the command with exit code 2. */
  private Simulation.Options options() {
    for (int n : nodes) {
      if (n < 2 || n > MAX_NODES) {
        throw new CliException(Cli.USAGE, "--nodes must be 2 to " + MAX_NODES + " each, got " + n);
      }
    }
    if (!(loss >= 0 && loss <= 0.9)) {
      throw new CliException(Cli.USAGE, "--loss must be 0 to 0.9, got " + loss);
    }
    if (churn < 0) {
      throw new CliException(Cli.USAGE, "--churn must be 0 (none) or a median session in minutes, got " + churn);
    }
    if (minutes < 1) {
      throw new CliException(Cli.USAGE, "--minutes must be at least 1, got " + minutes);
    }
    Set<Workload> chosen = EnumSet.noneOf(Workload.class);
    if (workloads == null) {
      Arrays.stream(Workload.values()).filter(w -> churn == 0 || w.churns()).forEach(chosen::add);
    } else {
      for (String name : workloads) {
        Workload w = Arrays.stream(Workload.values()).filter(x -> x.label().equals(name.trim())).findFirst()
            .orElseThrow(() -> new CliException(Cli.USAGE, "unknown --workload '" + name + "': expected "
                + Arrays.stream(Workload.values()).map(Workload::label).collect(Collectors.joining(", "))));
        if (churn > 0 && !w.churns()) {
          throw new CliException(Cli.USAGE, "--churn applies to lookups, sendall and sql, not to " + w.label());
        }
        chosen.add(w);
      }
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new CliException(Cli.USAGE, "--out " + out + " is a file, not a directory");
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new CliException(Cli.USAGE, "cannot create --out " + out + ": " + e.getMessage(), e);
    }
    return new Simulation.Options(nodes, seed, loss, churn, minutes, chosen, out);
  }

  /** The CSV's chosen columns, aligned. */
  static String table(List<String> csv, List<String> columns) {
    List<String> header = List.of(csv.get(0).split(","));
    int[] index = columns.stream().mapToInt(header::indexOf).filter(i -> i >= 0).toArray();
    List<String[]> rows = new ArrayList<>();
    for (String line : csv) {
      String[] cells = line.split(",");
      rows.add(Arrays.stream(index).mapToObj(i -> i < cells.length ? cells[i] : "").toArray(String[]::new));
    }
    int[] width = new int[index.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] r : rows) {
      text.append(' ');
      for (int i = 0; i < r.length; i++) {
        text.append(' ').append(" ".repeat(i == 0 ? 0 : width[i] - r[i].length())).append(r[i])
            .append(" ".repeat(i == 0 ? width[i] - r[i].length() : 0));
      }
      text.append('\n');
    }
    return text.toString();
  }

  /** Files below {@code out} modified since {@code start}, in name order. */
  private List<Path> written(FileTime start) throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      return files.filter(Files::isRegularFile).filter(f -> {
        try {
          return Files.getLastModifiedTime(f).compareTo(start) >= 0;
        } catch (IOException e) {
          return false;
        }
      }).sorted().toList();
    }
  }
}
