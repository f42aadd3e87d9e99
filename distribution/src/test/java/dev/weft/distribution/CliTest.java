package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.schema.SchemaSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code weft} commands run in-process against real nodes: their output, messages and exit codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class CliTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Node a;
  private Node b;
  private String apiA;
  private String apiB;
  private String apiAlone;
  private String apiSlow;

  @BeforeAll
  void startNodes() throws Exception {
    a = TestNodes.start(11);
    resources.add(a);
    b = TestNodes.startJoined(12, a);
    resources.add(b);
    Node alone = TestNodes.start(13);
    resources.add(alone);
    apiA = serve(a);
    apiB = serve(b);
    apiAlone = serve(alone);
    Node slow = TestNodes.start(14, Map.of(SchemaSettings.MAX_WRITES_PER_SECOND, "1"));
    resources.add(slow);
    apiSlow = serve(slow);
  }

  private String serve(Node node) throws Exception {
    return serveApi(node).address().toString();
  }

  private HttpApi serveApi(Node node) throws Exception {
    HttpApi api = TestNodes.serve(node, 1024 * 1024);
    resources.add(0, api);
    return api;
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  /** What one run printed and returned. */
  record Run(int code, String out, String err) {
    List<JsonNode> lines() {
      return out.lines().filter(l -> !l.isBlank()).map(Http::parse).toList();
    }

    JsonNode json() {
      assertThat(lines()).as("stdout: %s, stderr: %s", out, err).hasSize(1);
      return lines().get(0);
    }
  }

  private static Run weft(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run weft(String... args) {
    return weft(Map.of(), "", args);
  }

  /** A command that runs until something ends it, such as {@code listen}; its output can be read meanwhile. */
  private static final class Background {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<Integer> code;

    Background(String... args) {
      code = CompletableFuture.supplyAsync(() -> Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new ByteArrayInputStream(new byte[0])));
    }

    List<JsonNode> lines() {
      return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).map(Http::parse).toList();
    }

    JsonNode awaitLine(String id) {
      return awaitLine(l -> l.get("id").asText().equals(id));
    }

    JsonNode awaitLine(Predicate<JsonNode> matches) {
      await().atMost(WAIT).until(() -> lines().stream().anyMatch(matches));
      return lines().stream().filter(matches).findFirst().orElseThrow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "put", "get", "delete", "lscan", "info", "stats", "send", "send-node", "send-all",
      "listen", "global"})
  void everyCommandHasHelp(String command) {
    Run run = weft(command, "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: weft " + command).contains("--help");
    assertThat(weft("help", command).out()).isEqualTo(run.out());
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    Run run = weft("--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("node", "put", "get", "delete", "lscan", "info", "stats", "send", "send-node",
        "send-all", "listen", "global", "Exit codes:", "WEFT_API");
    assertThat(weft("--version").out()).startsWith("weft ");
  }

  @Test
  void noCommandIsUsageError() {
    Run run = weft();
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Usage: weft");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void badUsageIsExitCode2() {
    assertThat(weft("frobnicate").code()).isEqualTo(2);
    assertThat(weft("put", "ns", "key").code()).isEqualTo(2);
    assertThat(weft("get", "ns", "key", "extra").code()).isEqualTo(2);
    assertThat(weft("info", "--colour").code()).isEqualTo(2);
    Run run = weft("get", "ns");
    assertThat(run.err()).contains("Missing required parameter");
  }

  @Test
  void putThenGetThroughAnotherNode() {
    Run put = weft("put", "--api", apiA, "cli users", "bob/1", "{\"name\":\"Bob\"}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("acknowledged").asInt()).isPositive();

    Run get = weft("get", "--api", "http://" + apiB, "cli users", "bob/1");
    assertThat(get.code()).as(get.err()).isZero();
    JsonNode object = get.json();
    assertThat(object.get("namespace").asText()).isEqualTo("cli users");
    assertThat(object.get("key").asText()).isEqualTo("bob/1");
    assertThat(object.get("value")).isEqualTo(Http.parse("{\"name\":\"Bob\"}"));
    assertThat(object.get("version").asText()).isEqualTo(put.json().get("version").asText());
    assertThat(get.err()).isEmpty();
  }

  @Test
  void apiAddressComesFromTheEnvironment() {
    assertThat(weft(Map.of(Cli.API_ENV, apiA), "", "put", "env", "k", "42").code()).isZero();
    Run get = weft(Map.of(Cli.API_ENV, apiB), "", "get", "env", "k");
    assertThat(get.code()).isZero();
    assertThat(get.json().get("value").asInt()).isEqualTo(42);
    // --api wins over the environment.
    Run dead = weft(Map.of(Cli.API_ENV, "127.0.0.1:1"), "", "get", "--api", apiB, "env", "k");
    assertThat(dead.code()).isZero();
  }

  @Test
  void apiMayAlsoComeBeforeTheCommand() {
    // As the README's quick start writes it.
    assertThat(weft("--api", apiA, "put", "before", "k", "\"x\"").code()).isZero();
    assertThat(weft("--api", apiB, "get", "before", "k").json().get("value").asText()).isEqualTo("x");
    // The command's own --api wins.
    assertThat(weft("--api", "127.0.0.1:1", "get", "--api", apiB, "before", "k").code()).isZero();
    assertThat(weft("--api", "nonsense", "info").code()).isEqualTo(2);
  }

  @Test
  void valueFromStandardInput() {
    assertThat(weft(Map.of(), "[1, 2, {\"three\": 3}]\n", "put", "--api", apiA, "stdin", "k", "-").code()).isZero();
    assertThat(weft("get", "--api", apiA, "stdin", "k").json().get("value").get(2).get("three").asInt())
        .isEqualTo(3);
  }

  @Test
  void missingObjectIsExitCode1() {
    Run run = weft("get", "--api", apiB, "cli users", "nobody");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("weft get: not found" + System.lineSeparator());
  }

  @Test
  void deleteThenGetIsExitCode1() {
    assertThat(weft("put", "--api", apiA, "del", "k", "true").code()).isZero();
    Run delete = weft("delete", "--api", apiB, "del", "k");
    assertThat(delete.code()).isZero();
    assertThat(delete.json().has("version")).isTrue();
    assertThat(weft("get", "--api", apiA, "del", "k").code()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "text", "{'a':1}", "1 2", ""})
  void invalidJsonIsExitCode2WithoutAsking(String value) {
    // A dead --api proves the check happens before any request.
    Run run = weft("put", "--api", "127.0.0.1:1", "ns", "k", value);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("weft put: invalid JSON value: ");
    Run global = weft("global", "set", "--api", "127.0.0.1:1", "g", value);
    assertThat(global.code()).isEqualTo(2);
    assertThat(global.err()).startsWith("weft global set: invalid JSON value: ");
  }

  @Test
  void deadApiIsExitCode3() throws Exception {
    try (Socket reserved = new Socket()) {
      // Bound but not listening: the port is ours and every connection to it is refused.
      reserved.bind(new InetSocketAddress("127.0.0.1", 0));
      String dead = "127.0.0.1:" + reserved.getLocalPort();
      for (String[] args : List.of(new String[] {"get", "ns", "k"}, new String[] {"put", "ns", "k", "1"},
          new String[] {"delete", "ns", "k"}, new String[] {"lscan"}, new String[] {"info"}, new String[] {"stats"},
          new String[] {"send", "ns", "k", "1"}, new String[] {"send-node", "ab".repeat(20), "1"},
          new String[] {"send-all", "1"}, new String[] {"listen"}, new String[] {"global", "set", "g", "1"},
          new String[] {"global", "get", "g"}, new String[] {"global", "remove", "g"}, new String[] {"global", "list"},
          new String[] {"global", "watch"})) {
        List<String> all = new ArrayList<>(List.of(args));
        // Right after the command: `global` takes no options of its own, its subcommands do.
        int at = args[0].equals("global") ? 2 : 1;
        all.add(at, "--api");
        all.add(at + 1, dead);
        Run run = weft(all.toArray(String[]::new));
        assertThat(run.code()).as(String.join(" ", all)).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach the node's HTTP API at http://" + dead, "WEFT_API");
      }
    }
  }

  @Test
  void failedLookupIsExitCode3() {
    Run run = weft("get", "--api", apiAlone, "ns", "k");
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err()).startsWith("weft get: lookup failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nonsense", "127.0.0.1", "127.0.0.1:99999", "::1:7070", "127.0.0.1:0", "http://"})
  void badApiAddressIsExitCode2(String api) {
    Run run = weft("info", "--api", api);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("weft info: invalid API address in --api");
  }

  @Test
  void badApiAddressInTheEnvironmentIsNamed() {
    Run run = weft(Map.of(Cli.API_ENV, "bad"), "", "info");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("invalid API address in WEFT_API");
  }

  @Test
  void requestTheNodeRejectsIsExitCode2() {
    Run run = weft("put", "--api", apiA, "--ttl", "soon", "ns", "k", "1");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("ttl").contains("soon");
    assertThat(weft("put", "--api", apiA, "--ttl", "10m", "ns", "k", "1").code()).isZero();
    assertThat(weft("get", "--api", apiA, "", "k").code()).isEqualTo(2);
  }

  @Test
  void lscanFollowsPagesAndPrintsOneObjectPerLine() {
    for (int i = 0; i < 5; i++) {
      assertThat(weft("put", "--api", apiA, "scan ns", "k" + i, "{\"i\":" + i + "}").code()).isZero();
    }
    Run run = weft("lscan", "--api", apiA, "--page-size", "2", "scan ns");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.lines()).extracting(l -> l.get("key").asText()).containsExactly("k0", "k1", "k2", "k3", "k4");
    assertThat(run.lines()).allSatisfy(l -> assertThat(l.get("version").asText()).isNotEmpty());

    Run all = weft("lscan", "--api", apiA);
    assertThat(all.code()).isZero();
    assertThat(all.lines()).extracting(l -> l.get("namespace").asText()).contains("scan ns");

    assertThat(weft("lscan", "--api", apiA, "--page-size", "0").code()).isEqualTo(2);
    assertThat(weft("lscan", "--api", apiA, "no such namespace").out()).isEmpty();
  }

  @Test
  void infoAndStats() {
    Run info = weft("info", "--api", apiA);
    assertThat(info.code()).isZero();
    assertThat(info.json().get("id").asText()).hasSize(40);
    assertThat(info.json().get("addresses").get(0).asText()).startsWith("udp://127.0.0.1:");
    assertThat(info.json().get("contacts").asInt()).isEqualTo(1);
    assertThat(info.json().has("stored")).isTrue();

    Run stats = weft("stats", "--api", apiB);
    assertThat(stats.code()).isZero();
    assertThat(stats.json().get("rpcs").isObject()).isTrue();
  }

  @Test
  void nodeWithBadOptionsIsExitCode2() {
    assertThat(weft("node", "--udp", "nonsense").err()).contains("invalid --udp");
    assertThat(weft("node", "--udp", "nonsense").code()).isEqualTo(2);
    assertThat(weft("node", "--api", "127.0.0.1:x").code()).isEqualTo(2);
    assertThat(weft("node", "--id", "xyz").err()).contains("invalid --id");
    assertThat(weft("node", "--bootstrap", "udp://h").code()).isEqualTo(2);
    assertThat(weft("node", "--config", "/no/such/weft.properties").code()).isEqualTo(2);
    Run store = weft("node", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--storage", "nope");
    assertThat(store.code()).isEqualTo(2);
    assertThat(store.err()).contains("weft.storage").contains("nope");
  }

  @Test
  void nodeThatCannotBindItsApiIsExitCode3() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run = weft("node", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:" + busy.getLocalPort());
      assertThat(run.code()).isEqualTo(3);
      assertThat(run.err()).contains("cannot serve the HTTP API on 127.0.0.1:" + busy.getLocalPort());
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void listenPrintsWhatSendNodeSendAllAndSendDeliverUntilTheNodeStops() throws Exception {
    HttpApi own = serveApi(b);
    Background listen = new Background("listen", "--api", own.address().toString());
    await().atMost(WAIT).until(() -> own.openStreams() == 1);

    Run toNode = weft("send-node", "--api", apiA, b.id().toHex(), "{\"hello\":\"b\"}");
    assertThat(toNode.code()).as(toNode.err()).isZero();
    assertThat(toNode.json().get("to").asText()).isEqualTo(b.id().toHex());
    JsonNode line = listen.awaitLine(toNode.json().get("id").asText());
    assertThat(line.get("kind").asText()).isEqualTo("node");
    assertThat(line.get("sender").asText()).isEqualTo(a.id().toHex());
    assertThat(line.get("payload")).isEqualTo(Http.parse("{\"hello\":\"b\"}"));

    Run toAll = weft(Map.of(), "[\"from stdin\"]", "send-all", "--api", apiA, "-");
    assertThat(toAll.code()).as(toAll.err()).isZero();
    assertThat(toAll.json().get("subtrees").asInt()).isEqualTo(1);
    assertThat(toAll.json().get("unreachable").asInt()).isZero();
    assertThat(listen.awaitLine(toAll.json().get("id").asText()).get("kind").asText()).isEqualTo("broadcast");

    // The key's owner is a or b; whichever it is, the command succeeds and names it.
    Run toKey = weft("send", "--api", apiA, "cli ns", "k/1", "42");
    assertThat(toKey.code()).as(toKey.err()).isZero();
    assertThat(toKey.json().get("to").asText()).isIn(a.id().toHex(), b.id().toHex());
    if (toKey.json().get("to").asText().equals(b.id().toHex())) {
      JsonNode keyLine = listen.awaitLine(toKey.json().get("id").asText());
      assertThat(keyLine.get("namespace").asText()).isEqualTo("cli ns");
      assertThat(keyLine.get("key").asText()).isEqualTo("k/1");
    }
    assertThat(listen.code).isNotDone();

    own.close();
    int code = listen.code.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(code).isEqualTo(3);
    assertThat(listen.err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "weft listen: listening to http://" + own.address() + " (Ctrl-C stops)",
        "weft listen: the node at http://" + own.address() + " ended the stream: it stopped");
  }

  @Test
  void sendNodeToNoSuchNodeIsExitCode1() {
    String nobody = "0".repeat(39) + "1";
    Run run = weft("send-node", "--api", apiA, nobody, "1");
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("weft send-node: not found: node " + nobody + " is not in the network");
  }

  @ParameterizedTest
  @ValueSource(strings = {"xyz", "", "0123456789"})
  void malformedNodeIdIsExitCode2WithoutAsking(String id) {
    Run run = weft("send-node", "--api", "127.0.0.1:1", id, "1");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("weft send-node: invalid node id: ");
  }

  @Test
  void invalidOrOversizedMessageIsExitCode2() {
    Run bad = weft("send-all", "--api", "127.0.0.1:1", "{oops");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("weft send-all: invalid JSON message: ");
    assertThat(weft("send", "--api", apiA, "", "k", "1").code()).isEqualTo(2);

    Run big = weft("send", "--api", apiA, "ns", "k", "\"" + "x".repeat(100 * 1024) + "\"");
    assertThat(big.code()).isEqualTo(2);
    assertThat(big.err()).contains("over the limit");
  }

  @Test
  void badUsageOfTheMessagingCommandsIsExitCode2() {
    assertThat(weft("send", "ns", "k").code()).isEqualTo(2);
    assertThat(weft("send-node", "ab".repeat(20)).code()).isEqualTo(2);
    assertThat(weft("send-all").code()).isEqualTo(2);
    assertThat(weft("listen", "extra").code()).isEqualTo(2);
  }

  @Test
  void listenEndsWithExitCode0WhenItsOutputIsClosed() throws Exception {
    HttpApi own = serveApi(b);
    // Like `weft listen | head -1`: the reader takes one line and leaves.
    OutputStream oneLine = new OutputStream() {
      private boolean lineDone;

      @Override
      public void write(int c) throws IOException {
        if (lineDone) {
          throw new IOException("Broken pipe");
        }
        lineDone = c == '\n';
      }
    };
    Cli cli = new Cli(new PrintWriter(new OutputStreamWriter(oneLine, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(new ByteArrayOutputStream(), StandardCharsets.UTF_8), true), Map.of(),
        new ByteArrayInputStream(new byte[0]));
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(
        () -> Main.run(new String[] {"listen", "--api", own.address().toString()}, cli));
    await().atMost(WAIT).until(() -> own.openStreams() == 1);
    // The first message is the line read; the listener notices the reader is gone when it writes the second.
    assertThat(weft("send-node", "--api", apiA, b.id().toHex(), "1").code()).isZero();
    assertThat(weft("send-node", "--api", apiA, b.id().toHex(), "2").code()).isZero();
    assertThat(code.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    // In a process of its own the exit closes the connection; in this JVM, Java 17's HttpClient keeps it.
    own.close();
  }

  // ----------------------------------------------------------------------------------------------------------------
  // weft global

  @ParameterizedTest
  @ValueSource(strings = {"set", "get", "remove", "list", "watch"})
  void everyGlobalCommandHasHelp(String command) {
    Run run = weft("global", command, "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: weft global " + command).contains("--api", "--help");
  }

  @Test
  void globalWithoutSubcommandIsUsageError() {
    Run run = weft("global");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("Usage: weft global").contains("set", "get", "remove", "list", "watch");
    assertThat(run.out()).isEmpty();
    assertThat(weft("global", "frobnicate").code()).isEqualTo(2);
    assertThat(weft("global", "set", "name-only").code()).isEqualTo(2);
  }

  @Test
  void globalSetThenGetThroughAnotherNode() {
    Run set = weft("global", "set", "--api", apiA, "cli.mode", "{\"mode\":\"fast\",\"n\":1.50}");
    assertThat(set.code()).as(set.err()).isZero();
    JsonNode written = set.json();
    assertThat(written.get("name").asText()).isEqualTo("cli.mode");
    assertThat(written.get("value")).isEqualTo(Http.parse("{\"mode\":\"fast\",\"n\":1.50}"));
    assertThat(written.get("version").asText()).isNotEmpty();

    // Only the value, exactly as written; --api before `global` works as for the other commands.
    await().atMost(WAIT).until(() -> weft("--api", apiB, "global", "get", "cli.mode").code() == 0);
    Run get = weft("--api", apiB, "global", "get", "cli.mode");
    assertThat(get.out()).isEqualTo("{\"mode\":\"fast\",\"n\":1.50}" + System.lineSeparator());
    assertThat(get.err()).isEmpty();
  }

  @Test
  void globalValueFromStandardInputAndNullIsAValue() {
    assertThat(weft(Map.of(), "[1, {\"two\": 2}]\n", "global", "set", "--api", apiA, "cli.stdin", "-").code())
        .isZero();
    assertThat(weft("global", "get", "--api", apiA, "cli.stdin").out()).isEqualTo("[1,{\"two\":2}]"
        + System.lineSeparator());
    assertThat(weft("global", "set", "--api", apiA, "cli.null", "null").code()).isZero();
    Run get = weft("global", "get", "--api", apiA, "cli.null");
    assertThat(get.code()).isZero();
    assertThat(get.out()).isEqualTo("null" + System.lineSeparator());
  }

  @Test
  void unknownGlobalIsExitCode1() {
    Run run = weft("global", "get", "--api", apiB, "cli.nobody");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("weft global get: not found" + System.lineSeparator());
  }

  @Test
  void globalRemoveThenGetIsExitCode1() {
    assertThat(weft("global", "set", "--api", apiA, "cli.gone", "true").code()).isZero();
    Run remove = weft("global", "remove", "--api", apiA, "cli.gone");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.json().get("name").asText()).isEqualTo("cli.gone");
    assertThat(remove.json().get("removed").asBoolean()).isTrue();
    assertThat(remove.json().has("value")).isFalse();
    assertThat(weft("global", "get", "--api", apiA, "cli.gone").code()).isEqualTo(1);
    await().atMost(WAIT).until(() -> weft("global", "get", "--api", apiB, "cli.gone").code() == 1);
  }

  @Test
  void globalListPrintsOneLinePerGlobalByName() {
    for (String name : List.of("cli.list.b", "cli.list.a")) {
      assertThat(weft("global", "set", "--api", apiA, name, "\"" + name + "\"").code()).isZero();
    }
    Run list = weft("global", "list", "--api", apiA);
    assertThat(list.code()).as(list.err()).isZero();
    List<String> names = list.lines().stream().map(l -> l.get("name").asText()).toList();
    assertThat(names).isSorted().contains("cli.list.a", "cli.list.b");
    assertThat(list.lines()).filteredOn(l -> l.get("name").asText().startsWith("cli.list."))
        .allSatisfy(l -> assertThat(l.get("value").asText()).isEqualTo(l.get("name").asText()))
        .allSatisfy(l -> assertThat(l.get("version").asText()).isNotEmpty());
  }

  @Test
  void globalWatchPrintsChangesUntilTheNodeStops() throws Exception {
    HttpApi own = serveApi(b);
    Background watch = new Background("global", "watch", "--api", own.address().toString());
    await().atMost(WAIT).until(() -> own.openStreams() == 1);

    Run set = weft("global", "set", "--api", apiA, "cli.watched", "{\"v\":1}");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(watch.awaitLine(l -> l.get("name").asText().equals("cli.watched"))).isEqualTo(set.json());
    Run remove = weft("global", "remove", "--api", apiA, "cli.watched");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(watch.awaitLine(l -> l.get("name").asText().equals("cli.watched") && l.has("removed")))
        .isEqualTo(remove.json());
    assertThat(watch.code).isNotDone();

    own.close();
    assertThat(watch.code.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(watch.err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "weft global watch: watching http://" + own.address() + " (Ctrl-C stops)",
        "weft global watch: the node at http://" + own.address() + " ended the stream: it stopped");
  }

  @Test
  void badGlobalNameIsExitCode2() {
    Run run = weft("global", "set", "--api", apiA, "bad name", "1");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("weft global set: bad global name 'bad name': ");
    assertThat(weft("global", "remove", "--api", apiA, "bad/name").code()).isEqualTo(2);
    Run empty = weft("global", "get", "--api", "127.0.0.1:1", "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).isEqualTo("weft global get: the global name must not be empty" + System.lineSeparator());
  }

  @Test
  void writingGlobalsTooFastIsExitCode3() {
    // One write a second, bursts of two: the third of quick writes at the latest is refused, for now.
    Run refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      Run run = weft("global", "set", "--api", apiSlow, "cli.fast", "" + i);
      if (run.code() != 0) {
        refused = run;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo(3);
    assertThat(refused.err()).startsWith("weft global set: ").contains("faster than");
  }
}
