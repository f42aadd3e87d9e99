package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.http.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built tarball unpacked in a directory, and the processes started from it: what the integration tests share.
 * Every process it starts is ended by {@link #destroyAll()}.
 */
final class Tarball {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  final Path dir;
  final Path home;
  /** Words before {@code bin/weft}, e.g. {@code ip netns exec NS} to run it in a network namespace; empty for none. */
  private final List<String> prefix;
  private final List<Process> processes;

  /** What a finished command printed and returned. */
  record Result(int code, String out, String err) {
    List<JsonNode> lines() {
      return out.lines().filter(l -> !l.isBlank()).map(Http::parse).toList();
    }

    JsonNode json() {
      assertThat(lines()).as("stdout: %s%nstderr: %s", out, err).hasSize(1);
      return lines().get(0);
    }
  }

  private Tarball(Path dir, Path home, List<String> prefix, List<Process> processes) {
    this.dir = dir;
    this.home = home;
    this.prefix = List.copyOf(prefix);
    this.processes = processes;
  }

  /** The same installation, its commands run inside network namespace {@code ns}; processes are ended together. */
  Tarball inNamespace(String ns) {
    return new Tarball(dir, home, List.of("ip", "netns", "exec", ns), processes);
  }

  /** Unpacks the tarball named by the system property {@code weft.tarball} (set by the pom) into {@code dir}. */
  static Tarball unpack(Path dir) throws Exception {
    String tarball = System.getProperty("weft.tarball");
    assertThat(tarball).as("system property weft.tarball (set by the pom)").isNotBlank();
    assertThat(Path.of(tarball)).exists();
    Tarball t = new Tarball(dir, dir.resolve("weft-" + System.getProperty("weft.version")), List.of(),
        new ArrayList<>());
    Result tar = t.run(new ProcessBuilder("tar", "-xzf", tarball, "-C", dir.toString()), COMMAND_TIMEOUT);
    assertThat(tar.code()).as(tar.err()).isZero();
    return t;
  }

  ProcessBuilder launcher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(home.resolve("bin/weft").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    // The JDK running the tests: the launcher must find it through JAVA_HOME.
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("WEFT_API");
    pb.environment().remove("WEFT_JAVA_OPTS");
    pb.environment().putAll(env);
    return pb;
  }

  Result weft(String... args) throws Exception {
    return weft(Map.of(), args);
  }

  Result weft(Map<String, String> env, String... args) throws Exception {
    return run(launcher(env, args), COMMAND_TIMEOUT);
  }

  Result run(ProcessBuilder pb, Duration timeout) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    processes.add(p);
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(pb.command() + " did not finish within " + timeout + "; stderr: "
          + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Starts {@code bin/weft node}; its stdout and stderr go to {@code name.out} and {@code name.err}. */
  Process node(String name, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("node"));
    all.addAll(List.of(args));
    return background(name, all.toArray(String[]::new));
  }

  /**
   * Starts {@code bin/weft} with {@code args} and leaves it running, for commands that run until stopped ({@code
   * node}, {@code listen}); its stdout and stderr go to {@code name.out} and {@code name.err}.
   */
  Process background(String name, String... args) throws IOException {
    ProcessBuilder pb = launcher(Map.of(), args)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".err").toFile()));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Waits until {@code name.err} of a process from {@link #background} has a line containing {@code text}. */
  void awaitErr(Process process, String name, String text) {
    Path err = dir.resolve(name + ".err");
    await().atMost(COMMAND_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      String seen = Files.exists(err) ? Files.readString(err) : "";
      if (!process.isAlive() && !seen.contains(text)) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ": " + seen);
      }
      return seen.contains(text);
    });
  }

  /** The JSON lines printed so far on {@code name.out} by a process from {@link #background}. */
  List<JsonNode> outLines(String name) throws IOException {
    Path out = dir.resolve(name + ".out");
    if (!Files.exists(out)) {
      return List.of();
    }
    // A line is complete only once its newline is there.
    String text = Files.readString(out);
    String complete = text.substring(0, text.lastIndexOf('\n') + 1);
    return complete.lines().filter(l -> !l.isBlank()).map(Http::parse).toList();
  }

  /** Waits for the JSON line a node prints when it is up; fails early, with its stderr, if it exits instead. */
  JsonNode firstLine(Process node, String name) {
    Path out = dir.resolve(name + ".out");
    await().atMost(COMMAND_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!node.isAlive()) {
        throw new AssertionError("node " + name + " exited with " + node.exitValue() + ": "
            + Files.readString(dir.resolve(name + ".err")));
      }
      return Files.readString(out).contains("\n");
    });
    try {
      return Json.parse(Files.readString(out).lines().findFirst().orElseThrow());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  void destroyAll() throws InterruptedException {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    processes.clear();
  }
}
