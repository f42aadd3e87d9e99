package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built tarball as a user gets it: unpacked into a temporary directory, two {@code bin/weft node} processes, and
 * the client commands run as processes against them. Run by failsafe in {@code verify}, after {@code package}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class DistributionIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;

  private Path home;
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  void unpack() throws Exception {
    String tarball = System.getProperty("weft.tarball");
    assertThat(tarball).as("system property weft.tarball (set by the pom)").isNotBlank();
    assertThat(Path.of(tarball)).exists();
    Result tar = run(new ProcessBuilder("tar", "-xzf", tarball, "-C", dir.toString()), COMMAND_TIMEOUT);
    assertThat(tar.code()).as(tar.err()).isZero();
    home = dir.resolve("weft-" + System.getProperty("weft.version"));
  }

  @AfterEach
  void destroyProcesses() throws InterruptedException {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    processes.clear();
  }

  @Test
  void tarballHasLauncherLibrariesAndConfiguration() throws IOException {
    Path weft = home.resolve("bin/weft");
    assertThat(Files.getPosixFilePermissions(weft)).contains(PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.readString(weft)).startsWith("#!/bin/sh\n").doesNotContain("\r");
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      assertThat(lib.map(p -> p.getFileName().toString()).toList())
          .anyMatch(n -> n.startsWith("weft-api-"))
          .anyMatch(n -> n.startsWith("weft-kademlia-"))
          .anyMatch(n -> n.startsWith("weft-transport-udp-"))
          .anyMatch(n -> n.startsWith("weft-distribution-"))
          .anyMatch(n -> n.startsWith("jetty-server-"))
          .anyMatch(n -> n.startsWith("picocli-"))
          .anyMatch(n -> n.startsWith("logback-classic-"))
          .anyMatch(n -> n.startsWith("jackson-databind-"))
          .allMatch(n -> n.endsWith(".jar"));
    }
    assertThat(home.resolve("conf/weft.properties")).isRegularFile();
    assertThat(home.resolve("conf/logback.xml")).isRegularFile();
    assertThat(home.resolve("docs/http-api.md")).isRegularFile();
  }

  @Test
  void twoNodesServeTheClientCommandsAndStopOnSigterm() throws Exception {
    Process first = node("first", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0");
    JsonNode firstLine = firstLine(first, "first");
    assertThat(firstLine.get("id").asText()).hasSize(40);
    assertThat(firstLine.get("contacts").asInt()).isZero();
    String firstUdp = firstLine.get("addresses").get(0).asText();
    String firstApi = firstLine.get("api").asText();
    assertThat(firstUdp).startsWith("udp://127.0.0.1:").doesNotEndWith(":0");

    Process second = node("second", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--bootstrap", firstUdp);
    JsonNode secondLine = firstLine(second, "second");
    assertThat(secondLine.get("contacts").asInt()).isEqualTo(1);
    String secondApi = secondLine.get("api").asText();

    Result put = weft("put", "--api", firstApi, "it ns", "key/1 ✓", "{\"n\":1,\"s\":\"ünï\"}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("acknowledged").asInt()).isPositive();

    Result get = weft("get", "--api", secondApi, "it ns", "key/1 ✓");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.json().get("namespace").asText()).isEqualTo("it ns");
    assertThat(get.json().get("key").asText()).isEqualTo("key/1 ✓");
    assertThat(get.json().get("value")).isEqualTo(Http.parse("{\"n\":1,\"s\":\"ünï\"}"));
    assertThat(get.json().get("version").asText()).isEqualTo(put.json().get("version").asText());

    Result missing = weft("get", "--api", secondApi, "it ns", "missing");
    assertThat(missing.code()).as(missing.err()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();

    Result badJson = weft("put", "--api", firstApi, "it ns", "k", "{not json");
    assertThat(badJson.code()).isEqualTo(2);
    assertThat(badJson.err()).contains("invalid JSON value");

    try (Socket reserved = new Socket()) {
      // Bound and not listening: connections to it are refused for as long as we hold it.
      reserved.bind(new InetSocketAddress("127.0.0.1", 0));
      Result dead = weft("get", "--api", "127.0.0.1:" + reserved.getLocalPort(), "it ns", "key/1 ✓");
      assertThat(dead.code()).isEqualTo(3);
      assertThat(dead.err()).contains("cannot reach the node's HTTP API");
    }

    Result envApi = weft(Map.of(Cli.API_ENV, secondApi), "info");
    assertThat(envApi.code()).as(envApi.err()).isZero();
    assertThat(envApi.json().get("id").asText()).isEqualTo(secondLine.get("id").asText());
    assertThat(envApi.json().get("contacts").asInt()).isEqualTo(1);
    assertThat(envApi.json().get("stored").asLong()).isPositive();

    Result lscan = weft("lscan", "--api", firstApi, "it ns");
    assertThat(lscan.code()).as(lscan.err()).isZero();
    assertThat(lscan.lines()).hasSize(1);
    assertThat(lscan.lines().get(0).get("key").asText()).isEqualTo("key/1 ✓");

    Result stats = weft("stats", "--api", firstApi);
    assertThat(stats.code()).isZero();
    assertThat(stats.json().get("rpcs").isObject()).isTrue();

    Result delete = weft("delete", "--api", firstApi, "it ns", "key/1 ✓");
    assertThat(delete.code()).as(delete.err()).isZero();
    Result afterDelete = weft("get", "--api", secondApi, "it ns", "key/1 ✓");
    assertThat(afterDelete.code()).as(afterDelete.err()).isEqualTo(1);

    for (Process p : List.of(first, second)) {
      p.destroy();
    }
    for (Process p : List.of(first, second)) {
      assertThat(p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP_TIMEOUT).isTrue();
      // 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(p.exitValue()).isEqualTo(143);
    }
    assertThat(Files.readString(dir.resolve("first.err"))).contains("stopped");
  }

  @Test
  void helpOnEveryCommand() throws Exception {
    for (String command : List.of("node", "put", "get", "delete", "lscan", "info", "stats")) {
      Result help = weft(command, "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).startsWith("Usage: weft " + command);
    }
    assertThat(weft().code()).isEqualTo(2);
  }

  @Test
  void launcherExplainsMissingOrOldJava() throws Exception {
    Result noJavaHome = run(launcher(Map.of("JAVA_HOME", dir.resolve("no-such-java").toString()), "--version"),
        COMMAND_TIMEOUT);
    assertThat(noJavaHome.code()).isEqualTo(127);
    assertThat(noJavaHome.err()).contains("JAVA_HOME").contains("not an executable Java");

    ProcessBuilder noPath = launcher(Map.of(), "--version");
    noPath.environment().remove("JAVA_HOME");
    noPath.environment().put("PATH", "/nonexistent");
    Result noJava = run(noPath, COMMAND_TIMEOUT);
    assertThat(noJava.code()).isEqualTo(127);
    assertThat(noJava.err()).contains("Java not found").contains("Java 17 or newer");

    Path old = dir.resolve("old-java");
    Files.createDirectories(old.resolve("bin"));
    Path fakeJava = Files.writeString(old.resolve("bin/java"),
        "#!/bin/sh\necho 'java version \"11.0.2\" 2019-01-15 LTS' >&2\n", StandardCharsets.UTF_8);
    fakeJava.toFile().setExecutable(true);
    Result tooOld = run(launcher(Map.of("JAVA_HOME", old.toString()), "--version"), COMMAND_TIMEOUT);
    assertThat(tooOld.code()).isEqualTo(126);
    assertThat(tooOld.err()).contains("Java 11.0.2").contains("needs Java 17 or newer");
  }

  // ----------------------------------------------------------------------------------------------------------------

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

  private ProcessBuilder launcher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/weft").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    // The JDK running the tests: the launcher must find it through JAVA_HOME.
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove(Cli.API_ENV);
    pb.environment().remove("WEFT_JAVA_OPTS");
    pb.environment().putAll(env);
    return pb;
  }

  private Result weft(String... args) throws Exception {
    return weft(Map.of(), args);
  }

  private Result weft(Map<String, String> env, String... args) throws Exception {
    return run(launcher(env, args), COMMAND_TIMEOUT);
  }

  private Result run(ProcessBuilder pb, Duration timeout) throws Exception {
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
  private Process node(String name, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("node"));
    all.addAll(List.of(args));
    ProcessBuilder pb = launcher(Map.of(), all.toArray(String[]::new))
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Waits for the JSON line a node prints when it is up; fails early, with its stderr, if it exits instead. */
  private JsonNode firstLine(Process node, String name) {
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
}
