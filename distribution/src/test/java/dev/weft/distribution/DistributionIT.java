package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.http.Http;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built tarball as a user gets it: unpacked into a temporary directory, two or three {@code bin/weft node}
 * processes, and the client commands run as processes against them. Run by failsafe in {@code verify}, after {@code package}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class DistributionIT {
  private static final Duration COMMAND_TIMEOUT = Tarball.COMMAND_TIMEOUT;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  static Path dir;

  private Tarball tarball;
  private Path home;

  @BeforeAll
  void unpack() throws Exception {
    tarball = Tarball.unpack(dir);
    home = tarball.home;
  }

  @AfterEach
  void destroyProcesses() throws InterruptedException {
    tarball.destroyAll();
  }

  @Test
  void tarballHasLauncherLibrariesAndConfiguration() throws IOException {
    Path weft = home.resolve("bin/weft");
    assertThat(Files.getPosixFilePermissions(weft)).contains(PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.readString(weft)).startsWith("#!/bin/sh\n").doesNotContain("\r");
    // lib/: what every command needs, the client commands alone; lib/node/: what only nodes need. Files only: lib/cds
    // is the class-data archive the first client command of another test may have made.
    assertJars(home.resolve("lib"), List.of("weft-api-", "weft-messaging-", "weft-schema-", "weft-pht-",
        "weft-distribution-", "picocli-", "logback-classic-", "jackson-databind-", "jline-reader-",
        "jline-terminal-"),
        List.of("jetty-", "weft-kademlia-", "mapdb-", "weft-query-", "calcite-"));
    // `weft simulate` needs testkit's simulated network, not its test libraries
    assertJars(home.resolve("lib/node"), List.of("weft-kademlia-", "weft-transport-udp-", "weft-storage-mapdb-",
        "jetty-server-", "weft-simulator-", "xchart-", "weft-query-", "calcite-core-"),
        List.of("picocli-", "weft-distribution-", "junit-", "assertj-",
        "awaitility-", "byte-buddy-", "VectorGraphics2D-"));
    assertThat(home.resolve("conf/weft.properties")).isRegularFile();
    assertThat(home.resolve("conf/logback.xml")).isRegularFile();
    assertThat(home.resolve("docs/http-api.md")).isRegularFile();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("conf/weft.service")).content().contains("ExecStart=/opt/weft/bin/weft node");
    assertThat(home.resolve("README")).content().contains("bin/weft cluster --nodes 5");
    assertThat(home.resolve("LICENSE")).content().contains("Third-party components");
    String tarball = System.getProperty("weft.tarball");
    assertThat(Path.of(tarball.substring(0, tarball.length() - ".tar.gz".length()) + ".zip")).isRegularFile();
  }

  /** The launcher gives `weft simulate` a JVM that can draw headless, with the libraries of the tarball alone. */
  @Test
  void simulateRunsFromTheTarball() throws Exception {
    Path out = dir.resolve("sim");
    Tarball.Result run = tarball.weft("simulate", "--nodes", "20", "--workload", "sendall", "--minutes", "5", "--out",
        out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("sendall (broadcast.csv):").contains("  broadcast-cost.png");
    assertThat(Files.readAllLines(out.resolve("broadcast.csv"))).hasSize(2);
    assertThat(Files.size(out.resolve("broadcast-delivery.png"))).isGreaterThan(1000);
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

    Tarball.Result put = weft("put", "--api", firstApi, "it ns", "key/1 ✓", "{\"n\":1,\"s\":\"ünï\"}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("acknowledged").asInt()).isPositive();

    Tarball.Result get = weft("get", "--api", secondApi, "it ns", "key/1 ✓");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.json().get("namespace").asText()).isEqualTo("it ns");
    assertThat(get.json().get("key").asText()).isEqualTo("key/1 ✓");
    assertThat(get.json().get("value")).isEqualTo(Http.parse("{\"n\":1,\"s\":\"ünï\"}"));
    assertThat(get.json().get("version").asText()).isEqualTo(put.json().get("version").asText());

    Tarball.Result missing = weft("get", "--api", secondApi, "it ns", "missing");
    assertThat(missing.code()).as(missing.err()).isEqualTo(1);
    assertThat(missing.out()).isEmpty();

    Tarball.Result badJson = weft("put", "--api", firstApi, "it ns", "k", "{not json");
    assertThat(badJson.code()).isEqualTo(2);
    assertThat(badJson.err()).contains("invalid JSON value");

    try (Socket reserved = new Socket()) {
      // Bound and not listening: connections to it are refused for as long as we hold it.
      reserved.bind(new InetSocketAddress("127.0.0.1", 0));
      Tarball.Result dead = weft("get", "--api", "127.0.0.1:" + reserved.getLocalPort(), "it ns", "key/1 ✓");
      assertThat(dead.code()).isEqualTo(3);
      assertThat(dead.err()).contains("cannot reach the node's HTTP API");
    }

    Tarball.Result envApi = weft(Map.of("WEFT_API", secondApi), "info");
    assertThat(envApi.code()).as(envApi.err()).isZero();
    assertThat(envApi.json().get("id").asText()).isEqualTo(secondLine.get("id").asText());
    assertThat(envApi.json().get("contacts").asInt()).isEqualTo(1);
    assertThat(envApi.json().get("stored").asLong()).isPositive();

    Tarball.Result lscan = weft("lscan", "--api", firstApi, "it ns");
    assertThat(lscan.code()).as(lscan.err()).isZero();
    assertThat(lscan.lines()).hasSize(1);
    assertThat(lscan.lines().get(0).get("key").asText()).isEqualTo("key/1 ✓");

    Tarball.Result stats = weft("stats", "--api", firstApi);
    assertThat(stats.code()).isZero();
    assertThat(stats.json().get("rpcs").isObject()).isTrue();

    Tarball.Result delete = weft("delete", "--api", firstApi, "it ns", "key/1 ✓");
    assertThat(delete.code()).as(delete.err()).isZero();
    Tarball.Result afterDelete = weft("get", "--api", secondApi, "it ns", "key/1 ✓");
    assertThat(afterDelete.code()).as(afterDelete.err()).isEqualTo(1);

    for (Process p : List.of(first, second)) {
      p.destroy();
    }
    for (Process p : List.of(first, second)) {
      assertThat(p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP_TIMEOUT).isTrue();
      // 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(p.exitValue()).isEqualTo(143);
    }
    assertThat(Files.readString(dir.resolve("first.err"))).contains("stopped").contains("no --bootstrap given");
    assertThat(Files.readString(dir.resolve("second.err"))).doesNotContain("no --bootstrap given");
  }

  @Test
  void listenPrintsMessagesFromTheOtherNodeUntilStoppedOrTheNodeGoesAway() throws Exception {
    Process first = node("msg-first", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0");
    JsonNode firstLine = firstLine(first, "msg-first");
    String firstId = firstLine.get("id").asText();
    String firstApi = firstLine.get("api").asText();
    Process second = node("msg-second", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--bootstrap",
        firstLine.get("addresses").get(0).asText());
    JsonNode secondLine = firstLine(second, "msg-second");
    String secondApi = secondLine.get("api").asText();

    // One listener per node, started together: each JVM start costs a second or so.
    Process listenFirst = tarball.background("listen-first", "listen", "--api", firstApi);
    Process listenSecond = tarball.background("listen-second", "listen", "--api", secondApi);
    tarball.awaitErr(listenFirst, "listen-first", "weft listen: listening to");
    tarball.awaitErr(listenSecond, "listen-second", "weft listen: listening to");

    Tarball.Result toNode = weft("send-node", "--api", secondApi, firstId, "{\"text\":\"hi ✓\"}");
    assertThat(toNode.code()).as(toNode.err()).isZero();
    assertThat(toNode.json().get("to").asText()).isEqualTo(firstId);
    JsonNode received = awaitLine("listen-first", toNode.json().get("id").asText());
    assertThat(received.get("kind").asText()).isEqualTo("node");
    assertThat(received.get("sender").asText()).isEqualTo(secondLine.get("id").asText());
    assertThat(received.get("payload")).isEqualTo(Http.parse("{\"text\":\"hi ✓\"}"));

    Tarball.Result toAll = weft("send-all", "--api", secondApi, "[1,2]");
    assertThat(toAll.code()).as(toAll.err()).isZero();
    assertThat(toAll.json().get("subtrees").asInt()).isEqualTo(1);
    String broadcast = toAll.json().get("id").asText();
    assertThat(awaitLine("listen-first", broadcast).get("kind").asText()).isEqualTo("broadcast");
    assertThat(awaitLine("listen-second", broadcast).get("payload")).isEqualTo(Http.parse("[1,2]"));

    Tarball.Result noSuchNode = weft("send-node", "--api", secondApi, "0".repeat(40), "1");
    assertThat(noSuchNode.code()).as(noSuchNode.err()).isEqualTo(1);
    assertThat(noSuchNode.err()).contains("is not in the network");

    // Stopped by a signal: the JVM's exit status for SIGTERM.
    listenFirst.destroy();
    assertThat(listenFirst.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(listenFirst.exitValue()).isEqualTo(143);

    // Its node going away: exit code 3 with the reason.
    second.destroy();
    assertThat(listenSecond.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(listenSecond.exitValue()).isEqualTo(3);
    assertThat(Files.readString(dir.resolve("listen-second.err"))).contains("ended the stream");
    assertThat(second.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    first.destroy();
  }

  @Test
  void globalSetOnOneNodeIsReadOnAnotherAndWatchedOnAThird() throws Exception {
    Process first = node("g-first", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0");
    JsonNode firstLine = firstLine(first, "g-first");
    String bootstrap = firstLine.get("addresses").get(0).asText();
    // Started together, and the watcher as soon as its node is up: each JVM start costs a second or so.
    Process second = node("g-second", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--bootstrap", bootstrap);
    Process third = node("g-third", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--bootstrap", bootstrap);
    String thirdApi = firstLine(third, "g-third").get("api").asText();
    Process watch = tarball.background("g-watch", "global", "watch", "--api", thirdApi);
    String secondApi = firstLine(second, "g-second").get("api").asText();
    tarball.awaitErr(watch, "g-watch", "weft global watch: watching");

    Tarball.Result set = weft("global", "set", "--api", firstLine.get("api").asText(), "it.colour",
        "{\"hue\":\"ünï ✓\",\"n\":1.50}");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.json().get("name").asText()).isEqualTo("it.colour");

    // The broadcast has as a rule reached every node when the first answers; trying again covers a late one.
    AtomicReference<Tarball.Result> get = new AtomicReference<>();
    await().atMost(COMMAND_TIMEOUT).until(() -> {
      get.set(weft("global", "get", "--api", secondApi, "it.colour"));
      return get.get().code() == 0;
    });
    assertThat(get.get().out().trim()).isEqualTo("{\"hue\":\"ünï ✓\",\"n\":1.50}");

    assertThat(awaitLine("g-watch", "name", "it.colour")).isEqualTo(set.json());
    assertThat(watch.isAlive()).isTrue();
  }

  @Test
  void phtEntriesInsertedThroughOneNodeAreRangedThroughAnother() throws Exception {
    Process first = node("p-first", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0");
    JsonNode firstLine = firstLine(first, "p-first");
    String firstApi = firstLine.get("api").asText();
    Process second = node("p-second", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--bootstrap",
        firstLine.get("addresses").get(0).asText());
    String secondApi = firstLine(second, "p-second").get("api").asText();

    Tarball.Result create = weft("pht", "create", "--api", firstApi, "it.prices", "--type", "long", "--leaf-capacity",
        "2");
    assertThat(create.code()).as(create.err()).isZero();
    assertThat(create.json().get("type").asText()).isEqualTo("long");
    // Three entries in a trie of leaves of two: the root has split.
    for (String[] entry : List.of(new String[] {"120", "{\"item\":\"tea ✓\"}"}, new String[] {"-40", "\"refund\""},
        new String[] {"75", "[1.50]"})) {
      Tarball.Result insert = weft("pht", "insert", "--api", firstApi, "it.prices", entry[0], entry[1]);
      assertThat(insert.code()).as(insert.err()).isZero();
      assertThat(insert.json().get("added").asBoolean()).isTrue();
    }

    Tarball.Result range = weft("pht", "range", "--api", secondApi, "--page-size", "1", "it.prices", "-100", "100");
    assertThat(range.code()).as(range.err()).isZero();
    assertThat(range.out()).isEqualTo("{\"key\":-40,\"value\":\"refund\"}\n{\"key\":75,\"value\":[1.50]}\n");
    Tarball.Result get = weft("pht", "get", "--api", secondApi, "it.prices", "120");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).isEqualTo("{\"item\":\"tea ✓\"}\n");
  }

  @Test
  void helpOnEveryCommand() throws Exception {
    for (String command : List.of("node", "put", "get", "delete", "lscan", "info", "stats", "send", "send-node",
        "send-all", "listen", "global", "pht")) {
      Tarball.Result help = weft(command, "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).startsWith("Usage: weft " + command);
    }
    assertThat(weft().code()).isEqualTo(2);
  }

  @Test
  void launcherExplainsMissingOrOldJava() throws Exception {
    Tarball.Result noJavaHome = run(launcher(Map.of("JAVA_HOME", dir.resolve("no-such-java").toString()), "--version"),
        COMMAND_TIMEOUT);
    assertThat(noJavaHome.code()).isEqualTo(127);
    assertThat(noJavaHome.err()).contains("JAVA_HOME").contains("not an executable Java");

    ProcessBuilder noPath = launcher(Map.of(), "--version");
    noPath.environment().remove("JAVA_HOME");
    noPath.environment().put("PATH", "/nonexistent");
    Tarball.Result noJava = run(noPath, COMMAND_TIMEOUT);
    assertThat(noJava.code()).isEqualTo(127);
    assertThat(noJava.err()).contains("Java not found").contains("Java 17 or newer");

    Path old = dir.resolve("old-java");
    Files.createDirectories(old.resolve("bin"));
    Path fakeJava = Files.writeString(old.resolve("bin/java"),
        "#!/bin/sh\necho 'java version \"11.0.2\" 2019-01-15 LTS' >&2\n", StandardCharsets.UTF_8);
    fakeJava.toFile().setExecutable(true);
    Tarball.Result tooOld = run(launcher(Map.of("JAVA_HOME", old.toString()), "--version"), COMMAND_TIMEOUT);
    assertThat(tooOld.code()).isEqualTo(126);
    assertThat(tooOld.err()).contains("Java 11.0.2").contains("needs Java 17 or newer");
  }

  // ----------------------------------------------------------------------------------------------------------------

  /** The files of {@code dir} are jars: one named with each prefix of {@code present}, none with {@code absent}. */
  private static void assertJars(Path dir, List<String> present, List<String> absent) throws IOException {
    List<String> names;
    try (Stream<Path> files = Files.list(dir)) {
      names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
    }
    assertThat(names).as(dir.toString()).allMatch(n -> n.endsWith(".jar"));
    for (String prefix : present) {
      assertThat(names).as(dir.toString()).anyMatch(n -> n.startsWith(prefix));
    }
    for (String prefix : absent) {
      assertThat(names).as(dir.toString()).noneMatch(n -> n.startsWith(prefix));
    }
  }


  private ProcessBuilder launcher(Map<String, String> env, String... args) {
    return tarball.launcher(env, args);
  }

  private Tarball.Result weft(String... args) throws Exception {
    return tarball.weft(args);
  }

  private Tarball.Result weft(Map<String, String> env, String... args) throws Exception {
    return tarball.weft(env, args);
  }

  private Tarball.Result run(ProcessBuilder pb, Duration timeout) throws Exception {
    return tarball.run(pb, timeout);
  }

  private Process node(String name, String... args) throws IOException {
    return tarball.node(name, args);
  }

  private JsonNode firstLine(Process node, String name) {
    return tarball.firstLine(node, name);
  }

  private JsonNode awaitLine(String name, String id) {
    return awaitLine(name, "id", id);
  }

  /** Waits for the first line of {@code name.out} whose {@code field} is the text {@code value}. */
  private JsonNode awaitLine(String name, String field, String value) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await().atMost(COMMAND_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (JsonNode line : tarball.outLines(name)) {
        if (line.path(field).asText().equals(value)) {
          found.set(line);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }
}
