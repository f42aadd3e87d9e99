package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.http.Http;
import dev.weft.distribution.http.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user tries it: unpacked into a temporary directory, {@code bin/weft cluster --nodes 5} (on free
 * ports), then every command of the CLI as a process against it, checking what it prints and its exit code; bad flags
 * and bad JSON; {@code /metrics} before and after traffic. Ends by stopping the cluster with SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
final class ClusterIT {
  private static final int NODES = 5;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;

  private Tarball tarball;
  private Process cluster;
  private List<JsonNode> nodes;
  private String api0;
  private String api3;

  @BeforeAll
  void startCluster() throws Exception {
    tarball = Tarball.unpack(dir);
    cluster = tarball.background("cluster", "cluster", "--nodes", Integer.toString(NODES), "--api", "127.0.0.1:0",
        "--udp", "127.0.0.1:0", "--ws", "127.0.0.1:0");
    await().atMost(Tarball.COMMAND_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!cluster.isAlive()) {
        throw new AssertionError("cluster exited with " + cluster.exitValue() + ": "
            + Files.readString(dir.resolve("cluster.err")));
      }
      return tarball.outLines("cluster").size() == NODES;
    });
    nodes = tarball.outLines("cluster");
    api0 = nodes.get(0).get("api").asText();
    api3 = nodes.get(3).get("api").asText();
  }

  @AfterAll
  void stop() throws InterruptedException {
    tarball.destroyAll();
  }

  @Test
  @Order(1)
  void clusterPrintsEveryNode() throws Exception {
    for (int i = 0; i < NODES; i++) {
      JsonNode node = nodes.get(i);
      assertThat(node.get("index").asInt()).isEqualTo(i);
      assertThat(node.get("id").asText()).hasSize(40);
      assertThat(node.get("api").asText()).startsWith("http://127.0.0.1:");
      assertThat(node.get("ws").asText()).startsWith("ws://127.0.0.1:");
      assertThat(node.get("addresses").toString()).contains("udp://127.0.0.1:").contains("ws://127.0.0.1:");
      assertThat(node.get("contacts").asInt()).isEqualTo(i);
    }
    assertThat(Files.readString(dir.resolve("cluster.err"))).contains("weft cluster: 5 nodes up");
    Tarball.Result info = weft("info", "--api", api0);
    assertThat(info.code()).as(info.err()).isZero();
    assertThat(info.json().get("id").asText()).isEqualTo(nodes.get(0).get("id").asText());
    assertThat(info.json().get("contacts").asInt()).isEqualTo(NODES - 1);
    assertThat(info.json().get("weftVersion").asText()).isEqualTo(System.getProperty("weft.version"));
  }

  @Test
  @Order(2)
  void metricsMoveWithTraffic() throws Exception {
    PrometheusText before = PrometheusText.parse(scrape(api0));
    assertThat(before.sum("weft_contacts", Map.of())).isEqualTo(NODES - 1);
    double sent = before.sum("weft_rpcs_total", Map.of("outcome", "sent"));
    double stored = before.sum("weft_stored_records", Map.of());
    for (int i = 0; i < 5; i++) {
      Tarball.Result put = weft("put", "--api", api0, "metrics", "k" + i, Integer.toString(i));
      assertThat(put.code()).as(put.err()).isZero();
    }
    PrometheusText after = PrometheusText.parse(scrape(api0));
    assertThat(after.sum("weft_rpcs_total", Map.of("outcome", "sent"))).isGreaterThan(sent);
    assertThat(after.sum("weft_rpcs_total", Map.of("type", "STORE", "outcome", "sent"))).isPositive();
    assertThat(after.sum("weft_stored_records", Map.of())).isGreaterThan(stored);
    assertThat(after.sum("weft_api_requests_seconds_count", Map.of("route", "/v1/objects/{namespace}/{key}",
        "method", "PUT", "status", "200"))).isEqualTo(5);
    assertThat(after.has("jvm_memory_used_bytes")).isTrue();
    assertThat(after.has("process_uptime_seconds")).isTrue();
  }

  @Test
  @Order(3)
  void storageCommands() throws Exception {
    Tarball.Result put = weft("put", "--api", api0, "notes", "hello", "{\"text\":\"hi\"}");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.json().get("acknowledged").asInt()).isPositive();
    Tarball.Result get = weft("--api", api3, "get", "notes", "hello");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.json().get("value").get("text").asText()).isEqualTo("hi");
    Tarball.Result pretty = weft("get", "--api", api3, "--pretty", "notes", "hello");
    assertThat(pretty.out()).contains("\n  \"value\" : {");
    assertThat(Http.parse(pretty.out()).get("key").asText()).isEqualTo("hello");
    Tarball.Result lscan = weft("lscan", "--api", api0, "notes");
    assertThat(lscan.code()).as(lscan.err()).isZero();
    assertThat(lscan.lines()).extracting(l -> l.get("key").asText()).containsExactly("hello");
    Tarball.Result delete = weft("delete", "--api", api0, "notes", "hello");
    assertThat(delete.code()).as(delete.err()).isZero();
    Tarball.Result gone = weft("get", "--api", api3, "notes", "hello");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("not found");
  }

  @Test
  @Order(4)
  void nodeCommands() throws Exception {
    Tarball.Result peers = weft("peers", "--api", api3);
    assertThat(peers.code()).as(peers.err()).isZero();
    assertThat(peers.lines()).hasSize(NODES - 1);
    assertThat(peers.lines()).extracting(p -> p.get("id").asText())
        .doesNotContain(nodes.get(3).get("id").asText())
        .contains(nodes.get(0).get("id").asText());
    Tarball.Result stats = weft("stats", "--api", api0);
    assertThat(stats.code()).as(stats.err()).isZero();
    assertThat(stats.json().get("rpcs").get("PING")).isNotNull();
    // Node 3 joined (a lookup of itself) and read (lookups for values); node 0, the first, only wrote, and a network
    // smaller than a bucket writes without lookups.
    Tarball.Result reader = weft("stats", "--api", api3);
    assertThat(reader.code()).as(reader.err()).isZero();
    assertThat(reader.json().get("lookups").asLong()).isPositive();
    Tarball.Result version = weft("version");
    assertThat(version.code()).isZero();
    assertThat(version.json().get("version").asText()).isEqualTo(System.getProperty("weft.version"));
    Tarball.Result completion = weft("completion");
    assertThat(completion.code()).isZero();
    assertThat(completion.out()).startsWith("#!/usr/bin/env bash").contains("complete -F")
        .contains("cluster").contains("peers");
    Tarball.Result config = weft(Map.of("WEFT_KADEMLIA_K", "16"), "config", "--set", "weft.kademlia.alpha=2");
    assertThat(config.code()).as(config.err()).isZero();
    JsonNode settings = config.json().get("settings");
    assertThat(settings.get("weft.kademlia.k").get("value").asText()).isEqualTo("16");
    assertThat(settings.get("weft.kademlia.k").get("source").asText()).isEqualTo("env");
    assertThat(settings.get("weft.kademlia.alpha").get("source").asText()).isEqualTo("flag");
    assertThat(settings.get("weft.kademlia.replication").get("source").asText()).isEqualTo("default");
    assertThat(config.json().get("configFile").asText()).endsWith("conf/weft.properties");
    Tarball.Result table = weft("config", "--pretty");
    assertThat(table.out()).containsPattern("weft\\.kademlia\\.k +default +20");
  }

  @Test
  @Order(5)
  void messagingCommands() throws Exception {
    Process listen = tarball.background("listen", "listen", "--api", api3);
    tarball.awaitErr(listen, "listen", "weft listen: listening to");
    String id3 = nodes.get(3).get("id").asText();
    Tarball.Result toNode = weft("send-node", "--api", api0, id3, "{\"n\":1}");
    assertThat(toNode.code()).as(toNode.err()).isZero();
    assertThat(toNode.json().get("to").asText()).isEqualTo(id3);
    Tarball.Result toAll = weft("send-all", "--api", api0, "{\"n\":2}");
    assertThat(toAll.code()).as(toAll.err()).isZero();
    Tarball.Result toKey = weft("send", "--api", api0, "rooms", "lobby", "{\"n\":3}");
    assertThat(toKey.code()).as(toKey.err()).isZero();
    await().atMost(WAIT).untilAsserted(() -> assertThat(tarball.outLines("listen"))
        .extracting(m -> m.get("payload").get("n").asInt()).contains(1, 2));
    Tarball.Result noSuchNode = weft("send-node", "--api", api0, "0".repeat(40), "1");
    assertThat(noSuchNode.code()).isEqualTo(1);
    listen.destroy();
  }

  @Test
  @Order(6)
  void globalCommands() throws Exception {
    Process watch = tarball.background("watch", "global", "watch", "--api", api3);
    tarball.awaitErr(watch, "watch", "weft global watch: watching");
    Tarball.Result set = weft("global", "set", "--api", api0, "it.colour", "\"blue\"");
    assertThat(set.code()).as(set.err()).isZero();
    AtomicReference<Tarball.Result> get = new AtomicReference<>();
    await().atMost(WAIT).untilAsserted(() -> {
      get.set(weft("global", "get", "--api", api3, "it.colour"));
      assertThat(get.get().code()).as(get.get().err()).isZero();
    });
    assertThat(get.get().json().asText()).isEqualTo("blue");
    Tarball.Result list = weft("global", "list", "--api", api3);
    assertThat(list.lines()).extracting(g -> g.get("name").asText()).contains("it.colour");
    await().atMost(WAIT).untilAsserted(() -> assertThat(tarball.outLines("watch"))
        .extracting(g -> g.get("name").asText()).contains("it.colour"));
    Tarball.Result remove = weft("global", "remove", "--api", api0, "it.colour");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.json().get("removed").asBoolean()).isTrue();
    watch.destroy();
  }

  @Test
  @Order(7)
  void phtCommands() throws Exception {
    Tarball.Result create = weft("pht", "create", "--api", api0, "it.places", "--type", "point");
    assertThat(create.code()).as(create.err()).isZero();
    for (String[] entry : new String[][] {{"1,1", "\"a\""}, {"5,5", "\"b\""}, {"9,2", "\"c\""}}) {
      Tarball.Result insert = weft("pht", "insert", "--api", api0, "it.places", entry[0], entry[1]);
      assertThat(insert.code()).as(insert.err()).isZero();
    }
    Tarball.Result rect = weft("pht", "rect", "--api", api3, "it.places", "0", "0", "6", "6");
    assertThat(rect.code()).as(rect.err()).isZero();
    assertThat(rect.lines()).extracting(e -> e.get("value").asText()).containsExactlyInAnyOrder("a", "b");
    Tarball.Result get = weft("pht", "get", "--api", api3, "it.places", "9,2");
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.lines()).extracting(JsonNode::asText).containsExactly("c");
    Tarball.Result remove = weft("pht", "remove", "--api", api0, "it.places", "9,2");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(weft("pht", "get", "--api", api3, "it.places", "9,2").code()).isEqualTo(1);
    Tarball.Result stats = weft("pht", "stats", "--api", api3, "it.places");
    assertThat(stats.code()).as(stats.err()).isZero();
    assertThat(stats.json().get("entries").asInt()).isEqualTo(2);
    Tarball.Result range = weft("pht", "range", "--api", api0, "it.nothing", "1", "2");
    assertThat(range.code()).isEqualTo(1);
  }

  @Test
  @Order(8)
  void badInputIsExitCodeTwoWithAMessage() throws Exception {
    Tarball.Result badFlag = weft("get", "--api", api0, "--bogus", "ns", "k");
    assertThat(badFlag.code()).isEqualTo(2);
    assertThat(badFlag.err()).contains("Unknown option: '--bogus'");
    Tarball.Result badJson = weft("put", "--api", api0, "ns", "k", "{not json");
    assertThat(badJson.code()).isEqualTo(2);
    assertThat(badJson.err()).contains("invalid JSON value");
    Tarball.Result badGlobal = weft("global", "set", "--api", api0, "g", "blue");
    assertThat(badGlobal.code()).isEqualTo(2);
    assertThat(badGlobal.err()).contains("invalid JSON value");
    Tarball.Result missingArg = weft("put", "--api", api0, "ns");
    assertThat(missingArg.code()).isEqualTo(2);
    assertThat(missingArg.err()).contains("Missing required parameter");
    Tarball.Result badApi = weft("info", "--api", "nowhere");
    assertThat(badApi.code()).isEqualTo(2);
    assertThat(badApi.err()).contains("invalid API address in --api");
    Tarball.Result badNodes = weft("cluster", "--nodes", "0");
    assertThat(badNodes.code()).isEqualTo(2);
    assertThat(badNodes.err()).contains("--nodes must be 1 to 64");
    Tarball.Result typo = weft("node", "--udp", "127.0.0.1:0", "--api", "127.0.0.1:0", "--set",
        "weft.kademlia.kk=16");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown setting 'weft.kademlia.kk' in --set (did you mean weft.kademlia.k?)");
    Tarball.Result envTypo = weft(Map.of("WEFT_SCHEMA_SYNC_INTERVALL", "1m"), "node", "--udp", "127.0.0.1:0",
        "--api", "127.0.0.1:0");
    assertThat(envTypo.code()).isEqualTo(2);
    assertThat(envTypo.err()).contains("WEFT_SCHEMA_SYNC_INTERVALL (did you mean WEFT_SCHEMA_SYNC_INTERVAL?)");
    Tarball.Result open = weft("node", "--udp", "127.0.0.1:0", "--api", "0.0.0.0:0");
    assertThat(open.code()).isEqualTo(2);
    assertThat(open.err()).contains("not a loopback address, without a token");
    Tarball.Result badValue = weft("config", "--set", "weft.kademlia.rpc-timeout=soon");
    assertThat(badValue.code()).isEqualTo(2);
    assertThat(badValue.err()).contains("invalid value for weft.kademlia.rpc-timeout: 'soon'");
  }

  @Test
  @Order(9)
  void everyCommandHasHelp() throws Exception {
    for (List<String> command : List.of(List.of("cluster"), List.of("node"), List.of("peers"), List.of("config"),
        List.of("version"), List.of("completion"), List.of("info"), List.of("stats"), List.of("put"),
        List.of("global", "watch"), List.of("pht", "rect"), List.of("send-all"))) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      Tarball.Result help = weft(args.toArray(String[]::new));
      assertThat(help.code()).as("%s --help", command).isZero();
      assertThat(help.out()).as("%s --help", command).contains("Usage: weft " + String.join(" ", command));
    }
  }

  @Test
  @Order(10)
  void sigtermStopsTheCluster() throws Exception {
    cluster.destroy();
    assertThat(cluster.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(cluster.exitValue()).isEqualTo(143);
    Tarball.Result dead = weft("info", "--api", api0);
    assertThat(dead.code()).isEqualTo(3);
    assertThat(dead.err()).contains("cannot reach the node's HTTP API");
  }

  private Tarball.Result weft(String... args) throws Exception {
    return tarball.weft(args);
  }

  private Tarball.Result weft(Map<String, String> env, String... args) throws Exception {
    return tarball.weft(env, args);
  }

  private static String scrape(String api) throws Exception {
    Http.Answer answer = new Http(java.net.URI.create(api)).get("/metrics");
    assertThat(answer.status()).isEqualTo(200);
    return answer.text();
  }
}
