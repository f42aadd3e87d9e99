package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weft put-all}: loads NDJSON objects through {@code POST /v1/objects}, in requests of {@code --batch} lines,
 * {@code --parallel} of them at a time, so a file of any size costs bounded memory here and at the node. Prints one
 * line per object that was not stored, with its line in the input, then a summary.
 */
@Command(name = "put-all", mixinStandardHelpOptions = true,
    description = {"Stores many objects at once: NDJSON, one {\"namespace\", \"key\", \"value\"} per line, from FILE or "
        + "standard input (-). Prints {\"line\", \"namespace\", \"key\", \"error\"} for each object not stored, then "
        + "{\"stored\", \"failed\", \"seconds\", \"perSecond\"}.",
        "Exit code 0 when every object was stored, 1 when some were not."})
final class PutAllCommand extends ClientCommands.Base {
  @Parameters(index = "0", paramLabel = "FILE", defaultValue = "-",
      description = "NDJSON file; - (the default) reads standard input.")
  String file;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "How long the objects live, e.g. 30s, 5m, 24h, 7d (default: the node's).")
  String ttl;

  @Option(names = "--batch", paramLabel = "LINES", defaultValue = "5000",
      description = "Lines per request (default: ${DEFAULT-VALUE}; a request's body is at most 16 MiB).")
  int batch;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "2",
      description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  PutAllCommand(Cli cli) {
    super(cli);
  }

  /** One request's lines: the body, and the input line its first line is. */
  private record Chunk(int firstLine, String[] lines, byte[] body) {}

  @Override
  public Integer call() {
    if (batch < 1 || batch > 100_000) {
      throw new CliException(Cli.USAGE, "--batch must be between 1 and 100000: " + batch);
    }
    if (parallel < 1 || parallel > 16) {
      throw new CliException(Cli.USAGE, "--parallel must be between 1 and 16: " + parallel);
    }
    ApiClient client = client();
    String path = "/v1/objects" + (ttl == null ? "" : "?ttl=" + Urls.encodeSegment(ttl));
    long started = System.nanoTime();
    long stored = 0;
    long failed = 0;
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "weft-put-all");
      t.setDaemon(true);
      return t;
    });
    ArrayDeque<Future<JsonNode>> inFlight = new ArrayDeque<>();
    ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    try (BufferedReader in = reader()) {
      int lineNo = 0;
      while (true) {
        String[] lines = new String[batch];
        int n = 0;
        int first = lineNo + 1;
        String line;
        while (n < batch && (line = in.readLine()) != null) {
          lines[n++] = line;
          lineNo++;
        }
        if (n == 0) {
          break;
        }
        String[] taken = n == batch ? lines : java.util.Arrays.copyOf(lines, n);
        Chunk chunk = new Chunk(first, taken, String.join("\n", taken).getBytes(StandardCharsets.UTF_8));
        while (inFlight.size() >= parallel) {
          long[] counts = report(chunks.poll(), await(inFlight.poll()));
          stored += counts[0];
          failed += counts[1];
        }
        chunks.add(chunk);
        inFlight.add(pool.submit(() -> client.call("POST", path, chunk.body()).body()));
        if (n < batch) {
          break;
        }
      }
      while (!inFlight.isEmpty()) {
        long[] counts = report(chunks.poll(), await(inFlight.poll()));
        stored += counts[0];
        failed += counts[1];
      }
    } catch (IOException e) {
      throw new CliException(Cli.USAGE, "cannot read " + (file.equals("-") ? "standard input" : file) + ": "
          + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    ObjectNode summary = JsonTree.NODES.objectNode().put("stored", stored).put("failed", failed)
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("perSecond", seconds > 0 ? Math.round(stored / seconds) : 0);
    print(summary);
    return failed == 0 ? Cli.OK : Cli.NOT_FOUND;
  }

  private BufferedReader reader() throws IOException {
    if (file.equals("-")) {
      return new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8));
    }
    try {
      return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(Cli.USAGE, "no such file: " + file, e);
    }
  }

  private static JsonNode await(Future<JsonNode> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.UNAVAILABLE, "interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CliException c) {
        throw c;
      }
      throw e.getCause() instanceof UncheckedIOException u ? u : new IllegalStateException(e.getCause());
    }
  }

  /** Prints the chunk's failures with their input lines; returns {stored, failed}. */
  private long[] report(Chunk chunk, JsonNode answer) {
    for (JsonNode r : answer.path("results")) {
      if (r.has("error")) {
        int line = chunk.firstLine() + r.path("line").asInt() - 1;
        ObjectNode out = JsonTree.NODES.objectNode().put("line", line);
        JsonNode object = parsed(chunk.lines()[r.path("line").asInt() - 1]);
        if (object != null && object.path("namespace").isTextual() && object.path("key").isTextual()) {
          out.put("namespace", object.get("namespace").asText()).put("key", object.get("key").asText());
        }
        out.put("error", r.get("error").asText());
        print(out);
      }
    }
    return new long[] {answer.path("stored").asLong(), answer.path("failed").asLong()};
  }

  private static JsonNode parsed(String line) {
    try {
      return JsonTree.parse(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
