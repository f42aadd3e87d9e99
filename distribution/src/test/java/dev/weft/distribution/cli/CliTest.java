package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.distribution.Json;
import dev.weft.distribution.http.Http;
import dev.weft.distribution.http.HttpApi;
import dev.weft.distribution.http.TestNodes;
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
    Node slow = TestNodes.start(14, Map.of(SchemaSettings.MAX_WRITES_PER_SECOND.key(), "1"));
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
    int code = CommandRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
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
      code = CompletableFuture.supplyAsync(() -> CommandRunner.run(args,
          new PrintStream(out, true, StandardCharsets.UTF_8),
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
  @ValueSource(strings = {"node", "put", "put-all", "get", "delete", "lscan", "info", "stats", "send", "send-node",
      "send-all",
      "listen", "global", "pht", "sql", "keygen"})
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
        "send-all", "listen", "global", "pht", "sql", "Exit codes:", "WEFT_API");
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
    assertThat(put.err()).isEmpty();
  }

  @Test
  void aNodeThatKnowsNoOtherIsSaidToOnStderrAndInTheJson() {
    Run put = weft("put", "--api", apiAlone, "cli alone", "k", "1");
    assertThat(put.code()).as(put.err()).isZero();
    // The node's own text (HttpApiTest checks it), passed on as it came.
    String alone = put.json().get("warning").asText();
    assertThat(alone).startsWith("this node knows no other node");
    assertThat(put.err()).isEqualTo("weft: warning: " + alone + System.lineSeparator());
    Run info = weft("info", "--api", apiAlone);
    assertThat(info.err()).contains("knows no other node");
  }

  @Test
  void sealedPutIsOpenedByGetWithTheSameKeyOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    Run keygen = weft("keygen");
    assertThat(keygen.code()).isZero();
    java.nio.file.Path keyFile = dir.resolve("notes.key");
    java.nio.file.Files.writeString(keyFile, keygen.out());
    assertThat(java.util.Base64.getDecoder().decode(keygen.out().strip())).hasSize(32);
    assertThat(weft("keygen").out()).isNotEqualTo(keygen.out());

    Run put = weft("put", "--api", apiA, "--seal", keyFile.toString(), "cli sealed", "n1", "{\"pin\":1234}");
    assertThat(put.code()).as(put.err()).isZero();
    // Without the key: only the sealed form, the node never saw the plaintext.
    JsonNode raw = weft("get", "--api", apiB, "cli sealed", "n1").json().get("value");
    assertThat(raw.get("weft-sealed").asInt()).isEqualTo(1);
    assertThat(raw.toString()).doesNotContain("1234");
    Run open = weft("get", "--api", apiB, "--open", keyFile.toString(), "cli sealed", "n1");
    assertThat(open.code()).as(open.err()).isZero();
    assertThat(open.json().get("value")).isEqualTo(Http.parse("{\"pin\":1234}"));

    java.nio.file.Path otherKey = dir.resolve("other.key");
    java.nio.file.Files.writeString(otherKey, weft("keygen").out());
    Run wrong = weft("get", "--api", apiB, "--open", otherKey.toString(), "cli sealed", "n1");
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains("cannot open the value");
    assertThat(weft("put", "--api", apiA, "cli sealed", "plain", "2").code()).isZero();
    assertThat(weft("get", "--api", apiB, "--open", keyFile.toString(), "cli sealed", "plain").err())
        .contains("not a sealed value");
    java.nio.file.Files.writeString(otherKey, "not base64 at all!");
    Run badKey = weft("put", "--api", apiA, "--seal", otherKey.toString(), "cli sealed", "n2", "1");
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).contains("does not hold a base64 key");
    assertThat(weft("put", "--api", apiA, "--seal", dir.resolve("missing.key").toString(), "cli sealed", "n2", "1")
        .err()).contains("cannot read the key file");
    assertThat(weft("get", "--api", apiB, "cli sealed", "n2").code()).isEqualTo(1);
  }

  @Test
  void signedPutsAndDeletesAreSignedInTheCliAndOnlyByTheOwner(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    Run keygen = weft("keygen", "--signing");
    assertThat(keygen.code()).as(keygen.err()).isZero();
    java.nio.file.Path keyFile = dir.resolve("owner.key");
    java.nio.file.Files.writeString(keyFile, keygen.out());
    dev.weft.api.RecordSigner owner = dev.weft.api.RecordSigner.fromPrivateKey(
        java.util.Base64.getDecoder().decode(keygen.out().strip()));
    assertThat(keygen.err()).contains(owner.namespace());
    String ns = owner.namespace("cli notes");

    // A short name becomes the key's own namespace; the node stores what the CLI signed.
    Run put = weft("put", "--api", apiA, "--sign", keyFile.toString(), "cli notes", "n1", "{\"text\": \"hi\", \"n\": 1.50}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("namespace").asText()).isEqualTo(ns);
    assertThat(put.json().get("acknowledged").asInt()).isPositive();
    JsonNode got = weft("get", "--api", apiB, ns, "n1").json();
    assertThat(got.get("value")).isEqualTo(Http.parse("{\"text\":\"hi\",\"n\":1.50}"));
    assertThat(got.get("owner").asText()).isEqualTo(ns.substring(1, 44));
    // An update through the other node, with the full namespace: a newer version than the one read.
    Run update = weft("put", "--api", apiB, "--sign", keyFile.toString(), "--ttl", "1h", ns, "n1", "2");
    assertThat(update.code()).as(update.err()).isZero();
    assertThat(dev.weft.api.Version.parse(update.json().get("version").asText()))
        .isGreaterThan(dev.weft.api.Version.parse(got.get("version").asText()));
    assertThat(weft("get", "--api", apiA, ns, "n1").json().get("value").asInt()).isEqualTo(2);

    // Without the key, or with another one: refused, nothing changes.
    Run plain = weft("put", "--api", apiA, ns, "n1", "3");
    assertThat(plain.code()).isEqualTo(2);
    assertThat(plain.err()).contains("owned");
    assertThat(weft("delete", "--api", apiA, ns, "n1").code()).isEqualTo(2);
    java.nio.file.Path otherKey = dir.resolve("other.key");
    java.nio.file.Files.writeString(otherKey, weft("keygen", "--signing").out());
    Run other = weft("put", "--api", apiA, "--sign", otherKey.toString(), ns, "n1", "3");
    assertThat(other.code()).isEqualTo(2);
    assertThat(other.err()).contains("is not owned by the key");
    java.nio.file.Path aesKey = dir.resolve("aes.key");
    java.nio.file.Files.writeString(aesKey, weft("keygen").out());
    assertThat(weft("put", "--api", apiA, "--sign", aesKey.toString(), "x", "n1", "3").err())
        .contains("does not hold a signing key");
    assertThat(weft("get", "--api", apiB, ns, "n1").json().get("value").asInt()).isEqualTo(2);

    // The owner deletes.
    Run delete = weft("delete", "--api", apiA, "--sign", keyFile.toString(), "cli notes", "n1");
    assertThat(delete.code()).as(delete.err()).isZero();
    assertThat(weft("get", "--api", apiB, ns, "n1").code()).isEqualTo(1);
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
  void putAllLoadsNdjsonInSeveralRequestsAndNamesTheLinesNotStored(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    StringBuilder ndjson = new StringBuilder();
    for (int i = 1; i <= 25; i++) {
      ndjson.append(i == 7 ? "{\"namespace\":\"load\",\"key\":\"seven\"}"
          : i == 18 ? "{broken" : "{\"namespace\":\"load\",\"key\":\"k" + i + "\",\"value\":" + i + "}")
          .append('\n');
    }
    java.nio.file.Path file = dir.resolve("rows.ndjson");
    java.nio.file.Files.writeString(file, ndjson);

    Run run = weft("put-all", "--api", apiA, "--batch", "4", "--parallel", "3", file.toString());

    assertThat(run.code()).as(run.err()).isEqualTo(1);
    List<JsonNode> lines = run.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("line").asInt()).isEqualTo(7);
    assertThat(lines.get(0).get("key").asText()).isEqualTo("seven");
    assertThat(lines.get(0).get("error").asText()).contains("value");
    assertThat(lines.get(1).get("line").asInt()).isEqualTo(18);
    assertThat(lines.get(2).get("stored").asInt()).isEqualTo(23);
    assertThat(lines.get(2).get("failed").asInt()).isEqualTo(2);
    assertThat(weft("get", "--api", apiB, "load", "k25").json().get("value").asInt()).isEqualTo(25);

    Run piped = weft(Map.of(), "{\"namespace\":\"load\",\"key\":\"in\",\"value\":true}\n", "put-all", "--api",
        apiA, "--ttl", "1h");
    assertThat(piped.code()).as(piped.err()).isZero();
    assertThat(piped.json().get("stored").asInt()).isEqualTo(1);
    assertThat(weft("put-all", "--api", apiA, dir.resolve("missing").toString()).code()).isEqualTo(2);
    assertThat(weft("put-all", "--api", apiA, "--batch", "0", file.toString()).code()).isEqualTo(2);
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
          new String[] {"global", "watch"}, new String[] {"pht", "create", "ix", "--type", "long"},
          new String[] {"pht", "insert", "ix", "1", "2"}, new String[] {"pht", "remove", "ix", "1"},
          new String[] {"pht", "get", "ix", "1"}, new String[] {"pht", "range", "ix", "1", "2"},
          new String[] {"pht", "rect", "ix", "1", "2", "3", "4"}, new String[] {"pht", "stats", "ix"},
          new String[] {"sql", "SELECT 1"})) {
        List<String> all = new ArrayList<>(List.of(args));
        // Right after the command: `global` and `pht` take no options of their own, their subcommands do.
        int at = args[0].equals("global") || args[0].equals("pht") ? 2 : 1;
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
    await().atMost(WAIT).until(() -> TestNodes.openStreams(own) == 1);

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
        () -> CommandRunner.run(new String[] {"listen", "--api", own.address().toString()}, cli));
    await().atMost(WAIT).until(() -> TestNodes.openStreams(own) == 1);
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
    await().atMost(WAIT).until(() -> TestNodes.openStreams(own) == 1);

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

  // ----------------------------------------------------------------------------------------------------------------
  // weft pht

  @ParameterizedTest
  @ValueSource(strings = {"create", "insert", "remove", "get", "range", "rect", "stats"})
  void everyPhtCommandHasHelp(String command) {
    Run run = weft("pht", command, "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: weft pht " + command).contains("--api", "--help", "INDEX");
  }

  @Test
  void phtWithoutSubcommandIsUsageError() {
    Run run = weft("pht");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("Usage: weft pht").contains("create", "insert", "remove", "get", "range",
        "rect", "stats");
    assertThat(run.out()).isEmpty();
    assertThat(weft("pht", "frobnicate").code()).isEqualTo(2);
    assertThat(weft("pht", "create", "no-type").code()).isEqualTo(2);
    assertThat(weft("pht", "insert", "ix", "1").code()).isEqualTo(2);
  }

  @Test
  void phtInsertThroughOneNodeRangeAndGetThroughAnother() {
    Run create = weft("pht", "create", "--api", apiA, "cli.nums", "--type", "long", "--leaf-capacity", "2");
    assertThat(create.code()).as(create.err()).isZero();
    assertThat(create.json()).isEqualTo(Http.parse("{\"name\":\"cli.nums\",\"type\":\"long\",\"leafCapacity\":2,"
        + "\"keyBits\":64,\"maxStringBytes\":0}"));
    // A negative number is a key, not an option.
    for (String key : List.of("30", "-5", "10", "0", "20", "10")) {
      Run insert = weft("pht", "insert", "--api", apiA, "cli.nums", key, "{\"k\":" + key + "}");
      assertThat(insert.code()).as(insert.err()).isZero();
      assertThat(insert.json().has("added")).isTrue();
    }
    assertThat(weft(Map.of(), "\"second\"", "pht", "insert", "--api", apiA, "cli.nums", "10", "-").code()).isZero();

    Run range = weft("--api", apiB, "pht", "range", "--page-size", "2", "cli.nums", "-5", "20");
    assertThat(range.code()).as(range.err()).isZero();
    assertThat(range.lines()).extracting(Json::text).containsExactly("{\"key\":-5,\"value\":{\"k\":-5}}",
        "{\"key\":0,\"value\":{\"k\":0}}", "{\"key\":10,\"value\":\"second\"}", "{\"key\":10,\"value\":{\"k\":10}}",
        "{\"key\":20,\"value\":{\"k\":20}}");
    assertThat(range.err()).isEmpty();

    Run get = weft("pht", "get", "--api", apiB, "cli.nums", "10");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).isEqualTo("\"second\"" + System.lineSeparator() + "{\"k\":10}" + System.lineSeparator());

    Run stats = weft("pht", "stats", "--api", apiB, "cli.nums");
    assertThat(stats.code()).as(stats.err()).isZero();
    assertThat(stats.json().get("entries").asInt()).isEqualTo(6);
    assertThat(stats.json().get("leaves").asInt()).isGreaterThan(1);

    Run removeOne = weft("pht", "remove", "--api", apiB, "cli.nums", "10", "\"second\"");
    assertThat(removeOne.code()).as(removeOne.err()).isZero();
    assertThat(removeOne.json()).isEqualTo(Http.parse("{\"removed\":1}"));
    assertThat(weft("pht", "get", "--api", apiA, "cli.nums", "10").out()).isEqualTo("{\"k\":10}"
        + System.lineSeparator());
    assertThat(weft("pht", "remove", "--api", apiA, "cli.nums", "10").json().get("removed").asInt()).isEqualTo(1);

    Run none = weft("pht", "get", "--api", apiA, "cli.nums", "10");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).isEqualTo("weft pht get: not found: index cli.nums has no entry with key 10"
        + System.lineSeparator());
  }

  @Test
  void phtStringAndPointKeysAreWrittenAsTheyAre() {
    assertThat(weft("pht", "create", "--api", apiA, "cli.names", "--type", "STRING", "--leaf-capacity", "4",
        "--max-string-bytes", "16").code()).isZero();
    for (String name : List.of("carol", "alice smith", "bob", "42")) {
      assertThat(weft("pht", "insert", "--api", apiA, "cli.names", name, "true").code()).isZero();
    }
    Run names = weft("pht", "range", "--api", apiB, "cli.names", "a", "bz");
    assertThat(names.code()).as(names.err()).isZero();
    assertThat(names.lines()).extracting(l -> l.get("key").textValue()).containsExactly("alice smith", "bob");
    assertThat(weft("pht", "get", "--api", apiB, "cli.names", "42").out()).isEqualTo("true" + System.lineSeparator());

    assertThat(weft("pht", "create", "--api", apiA, "cli.points", "--type", "point").code()).isZero();
    for (String point : List.of("0,0", "3, 4", "-3,4", "10,10")) {
      // "--" ends the options: "-3,4" would read as one.
      Run insert = weft("pht", "insert", "--api", apiA, "cli.points", "--", point, "\"" + point + "\"");
      assertThat(insert.code()).as(insert.err()).isZero();
    }
    Run rect = weft("pht", "rect", "--api", apiB, "cli.points", "5", "5", "-5", "0");
    assertThat(rect.code()).as(rect.err()).isZero();
    assertThat(rect.lines()).extracting(l -> Json.text(l.get("key"))).containsExactlyInAnyOrder("[0,0]", "[3,4]",
        "[-3,4]");
    Run get = weft("pht", "get", "--api", apiB, "cli.points", "--", "-3,4");
    assertThat(get.out()).isEqualTo("\"-3,4\"" + System.lineSeparator());
  }

  @Test
  void phtBadInputIsExitCode2() {
    assertThat(weft("pht", "create", "--api", apiA, "cli.typed", "--type", "long").code()).isZero();
    Run notALong = weft("pht", "insert", "--api", apiB, "cli.typed", "ten", "1");
    assertThat(notALong.code()).isEqualTo(2);
    assertThat(notALong.err()).isEqualTo("weft pht insert: KEY 'ten' is not an integer of 64 bits: index cli.typed is "
        + "keyed by long integers" + System.lineSeparator());
    assertThat(weft("pht", "range", "--api", apiB, "cli.typed", "1", "x").err()).contains("HI 'x' is not an integer");
    Run upsideDown = weft("pht", "range", "--api", apiB, "cli.typed", "2", "1");
    assertThat(upsideDown.code()).isEqualTo(2);
    assertThat(upsideDown.err()).contains("greater than");
    assertThat(weft("pht", "range", "--api", apiB, "--page-size", "0", "cli.typed", "1", "2").code()).isEqualTo(2);

    Run otherType = weft("pht", "create", "--api", apiB, "cli.typed", "--type", "point");
    assertThat(otherType.code()).isEqualTo(2);
    assertThat(otherType.err()).isEqualTo("weft pht create: index cli.typed exists already, keyed by long"
        + System.lineSeparator());
    assertThat(weft("pht", "create", "--api", apiA, "cli.b", "--type", "long", "--leaf-capacity", "1").code())
        .isEqualTo(2);
    assertThat(weft("pht", "create", "--api", apiA, "bad name", "--type", "long").err())
        .startsWith("weft pht create: bad index name");
  }

  @Test
  void phtBadInputIsExitCode2WithoutAsking() {
    // A dead --api proves the check happens before any request.
    String dead = "127.0.0.1:1";
    Run badJson = weft("pht", "insert", "--api", dead, "ix", "1", "{oops");
    assertThat(badJson.code()).isEqualTo(2);
    assertThat(badJson.err()).startsWith("weft pht insert: invalid JSON value: ");
    Run badType = weft("pht", "create", "--api", dead, "ix", "--type", "float");
    assertThat(badType.code()).isEqualTo(2);
    assertThat(badType.err()).contains("--type", "float");
    Run half = weft("pht", "create", "--api", dead, "ix", "--type", "string", "--leaf-capacity", "8");
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("--leaf-capacity and --max-string-bytes together");
    Run notString = weft("pht", "create", "--api", dead, "ix", "--type", "long", "--max-string-bytes", "8");
    assertThat(notString.code()).isEqualTo(2);
    assertThat(notString.err()).contains("--max-string-bytes is for --type string only");
    assertThat(weft("pht", "rect", "--api", dead, "ix", "1", "2", "3", "x").code()).isEqualTo(2);
    Run empty = weft("pht", "stats", "--api", dead, "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).isEqualTo("weft pht stats: the index name must not be empty" + System.lineSeparator());
  }

  @Test
  void phtUnknownIndexIsExitCode1() {
    Run insert = weft("pht", "insert", "--api", apiA, "cli.nowhere", "1", "1");
    assertThat(insert.code()).isEqualTo(1);
    assertThat(insert.err()).isEqualTo("weft pht insert: not found: no index named 'cli.nowhere' (create it first)"
        + System.lineSeparator());
    Run stats = weft("pht", "stats", "--api", apiA, "cli.nowhere");
    assertThat(stats.code()).isEqualTo(1);
    assertThat(stats.err()).startsWith("weft pht stats: not found: no index named 'cli.nowhere'");
    assertThat(weft("pht", "rect", "--api", apiA, "cli.nowhere", "0", "0", "1", "1").code()).isEqualTo(1);
  }
}
