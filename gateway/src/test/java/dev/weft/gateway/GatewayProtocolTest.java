package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import dev.weft.remote.RemoteJson;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client protocol over real WebSockets, against three super-nodes joined over UDP. */
class GatewayProtocolTest {
  private static GatewayCluster nodes;
  private static final Random RANDOM = new Random(7);

  @BeforeAll
  static void start() {
    nodes = new GatewayCluster(3, 61, Map.of("weft.messaging.client-presence-ttl", "5s"));
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private static String freshId() {
    return NodeId.random(RANDOM).toHex();
  }

  @Test
  void helloThenStorageOpsAnswerAsTheJavaApi() throws Exception {
    String id = freshId();
    try (TestClient a = TestClient.ready(nodes.clientUrl(0, id)); TestClient b = TestClient.ready(nodes.clientUrl(1,
        null))) {
      JsonNode hello = a.hello.get();
      assertThat(hello.get("id").asText()).isEqualTo(id);
      assertThat(hello.get("node").asText()).isEqualTo(nodes.node(0).id().toHex());
      assertThat(hello.get("modules")).extracting(JsonNode::asText)
          .containsExactly("storage", "messaging", "schema", "pht", "sql");
      assertThat(hello.get("limits").get("maxFrameBytes").asInt()).isEqualTo(256 * 1024);
      assertThat(b.id()).matches("[0-9a-f]{40}").isNotEqualTo(id);
      assertThat(a.ok("info", TestClient.args()).get("id").asText()).isEqualTo(id);

      JsonNode put = a.ok("put", TestClient.args().put("namespace", "p-notes").put("key", "k1")
          .set("value", RemoteJson.MAPPER.readTree("{\"text\":\"hi\",\"n\":1.10}")));
      assertThat(put.get("acknowledged").asInt()).isPositive();
      JsonNode got = b.ok("get", TestClient.args().put("namespace", "p-notes").put("key", "k1"));
      assertThat(got.get("value").toString()).isEqualTo("{\"text\":\"hi\",\"n\":1.10}");
      assertThat(got.get("version").asText()).isEqualTo(put.get("version").asText());
      assertThat(b.ok("get", TestClient.args().put("namespace", "p-notes").put("key", "none")).isNull()).isTrue();

      a.ok("put", TestClient.args().put("namespace", "p-notes").put("key", "k2").put("value", 2).put("ttl", 60));
      a.ok("delete", TestClient.args().put("namespace", "p-notes").put("key", "k1"));
      assertThat(b.ok("get", TestClient.args().put("namespace", "p-notes").put("key", "k1")).isNull()).isTrue();

      // lscan lists what the super-node holds, a page at a time. With 3 nodes, each holds every object.
      for (int i = 0; i < 5; i++) {
        a.ok("put", TestClient.args().put("namespace", "p-scan").put("key", "s" + i).put("value", i));
      }
      List<String> keys = new ArrayList<>();
      JsonNode after = null;
      do {
        var args = TestClient.args().put("namespace", "p-scan").put("limit", 2);
        if (after != null) {
          args.set("after", after);
        }
        JsonNode page = b.ok("lscan", args);
        page.get("items").forEach(o -> keys.add(o.get("key").asText()));
        after = page.get("next").isNull() ? null : page.get("next");
      } while (after != null);
      assertThat(keys).containsExactly("s0", "s1", "s2", "s3", "s4");
    }
  }

  @Test
  void badRequestsAreAnsweredAndTheConnectionStays() throws Exception {
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      assertThat(c.error("frobnicate", TestClient.args()).get("code").asText()).isEqualTo("bad-request");
      assertThat(c.error("put", TestClient.args().put("namespace", "x").put("key", "k")).get("message").asText())
          .contains("\"value\"");
      assertThat(c.error("get", TestClient.args().put("namespace", 3).put("key", "k")).get("message").asText())
          .contains("must be a string");
      assertThat(c.error("get", TestClient.args().put("namespace", "x").put("key", "k").put("extra", 1))
          .get("message").asText()).contains("unknown field \"extra\"");
      assertThat(c.error("put", TestClient.args().put("namespace", "weft:clients").put("key", c.id())
          .put("value", 1)).get("message").asText()).contains("reserved");
      assertThat(c.error("put", TestClient.args().put("namespace", "x").put("key", "k").put("value", 1)
          .put("ttl", -5)).get("code").asText()).isEqualTo("bad-request");
      assertThat(c.error("sendNode", TestClient.args().put("to", "xyz").put("message", 1)).get("message").asText())
          .contains("40 hex");
      assertThat(c.error("sendAll", TestClient.args().put("message", 1).put("channel", "schema")).get("message")
          .asText()).contains("not open to clients");
      assertThat(c.error("setGlobal", TestClient.args().put("name", "bad name!").put("value", 1)).get("code")
          .asText()).isEqualTo("bad-request");
      assertThat(c.error("pht.insert", TestClient.args().put("index", "never-made").put("key", 1).put("value", 1))
          .get("code").asText()).isEqualTo("not-found");
      assertThat(c.error("sendNode", TestClient.args().put("to", freshId()).put("message", 1)).get("code").asText())
          .isEqualTo("not-found");

      // Frames that are JSON but not requests: answered without a request id.
      c.send("[1,2]");
      c.send("{\"t\":\"req\",\"op\":\"info\"}");
      await().atMost(Duration.ofSeconds(10)).until(() -> c.answersWithoutRid.size() == 2);
      assertThat(c.answersWithoutRid).allSatisfy(r -> assertThat(r.get("error").get("code").asText())
          .isEqualTo("bad-request"));
      assertThat(c.ok("info", TestClient.args()).get("id").asText()).isEqualTo(c.id());
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void framesThatAreNotJsonTextCloseTheConnectionWithAReason() throws Exception {
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      c.send("this is not json");
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).satisfies(x -> {
        assertThat(x.code()).isEqualTo(4415);
        assertThat(x.reason()).contains("JSON");
      });
    }
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      c.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).satisfies(x -> {
        assertThat(x.code()).isEqualTo(4415);
        assertThat(x.reason()).contains("binary");
      });
    }
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      c.send("{\"t\":\"req\",\"rid\":1,\"op\":\"put\",\"namespace\":\"x\",\"key\":\"k\",\"value\":\""
          + "a".repeat(300 * 1024) + "\"}");
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).satisfies(x -> {
        assertThat(x.code()).isEqualTo(4413);
        assertThat(x.reason()).contains("262144");
      });
    }
    // The node serves on.
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      assertThat(c.ok("info", TestClient.args()).get("node").asText()).isEqualTo(nodes.node(0).id().toHex());
    }
  }

  @Test
  void deepValuesAreBadRequestsAndNestingBombsCloseTheConnection() throws Exception {
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      JsonNode deep = RemoteJson.MAPPER.readTree("[".repeat(33) + "]".repeat(33));
      for (String op : List.of("put", "sendAll", "setGlobal")) {
        ObjectNode args = switch (op) {
          case "put" -> TestClient.args().put("namespace", "x").put("key", "deep").set("value", deep);
          case "sendAll" -> TestClient.args().set("message", deep);
          default -> TestClient.args().put("name", "deep").set("value", deep);
        };
        assertThat(c.error(op, args).get("message").asText()).as(op).contains("nests deeper than 32");
      }
      assertThat(c.isOpen()).isTrue();
    }
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      c.send("{\"t\":\"req\",\"rid\":1,\"op\":\"put\",\"namespace\":\"x\",\"key\":\"k\",\"value\":"
          + "[".repeat(100_000));
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).satisfies(x -> {
        assertThat(x.code()).isEqualTo(4415);
        assertThat(x.reason()).contains("nesting depth");
      });
    }
    try (TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      assertThat(c.ok("info", TestClient.args()).get("node").asText()).isEqualTo(nodes.node(0).id().toHex());
    }
  }

  @Test
  void anIdIsConnectedOnceAcrossTheNetwork() throws Exception {
    String id = freshId();
    try (TestClient first = TestClient.ready(nodes.clientUrl(0, id))) {
      try (TestClient same = TestClient.open(nodes.clientUrl(0, id))) {
        assertThat(same.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(4409);
      }
      try (TestClient elsewhere = TestClient.open(nodes.clientUrl(2, id))) {
        assertThat(elsewhere.closed.get(20, TimeUnit.SECONDS)).satisfies(x -> {
          assertThat(x.code()).isEqualTo(4409);
          assertThat(x.reason()).contains("another node");
        });
      }
      assertThat(first.ok("info", TestClient.args()).get("id").asText()).isEqualTo(id);
    }
    try (TestClient bad = TestClient.open(nodes.clientUrl(0, "12345"))) {
      assertThat(bad.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(4400);
    }
    // Once the first has gone, the id is free again, on any node.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      try (TestClient again = TestClient.open(nodes.clientUrl(1, id))) {
        assertThat(again.hello.get(10, TimeUnit.SECONDS).get("id").asText()).isEqualTo(id);
      }
    });
  }

  @Test
  void originsOtherThanTheNodesOwnAreRefused() throws Exception {
    String self = "http://127.0.0.1:" + nodes.port(0);
    try (TestClient c = TestClient.open(nodes.clientUrl(0, null), Map.of("Origin", self))) {
      assertThat(c.hello.get(10, TimeUnit.SECONDS).get("id").asText()).hasSize(40);
    }
    TestClient evil = new TestClient(nodes.clientUrl(0, null), Map.of("Origin", "http://evil.example"));
    try {
      assertThat(evil.connectBlocking(10, TimeUnit.SECONDS)).isFalse();
    } finally {
      evil.close();
    }
    // DNS rebinding: a page on a name that resolves to the node sends that name as both Host and Origin.
    String rebound = "rebind.evil.example:" + nodes.port(0);
    TestClient rebinding = new TestClient(nodes.clientUrl(0, null), Map.of("Host", rebound, "Origin",
        "http://" + rebound));
    try {
      assertThat(rebinding.connectBlocking(10, TimeUnit.SECONDS)).isFalse();
    } finally {
      rebinding.close();
    }
    String local = "localhost:" + nodes.port(0);
    try (TestClient c = TestClient.open(nodes.clientUrl(0, null), Map.of("Host", local, "Origin",
        "http://" + local))) {
      assertThat(c.hello.get(10, TimeUnit.SECONDS).get("id").asText()).hasSize(40);
    }
  }

  @Test
  void messagesReachClientsOnOtherSuperNodesByIdAndBroadcast() throws Exception {
    try (TestClient a = TestClient.ready(nodes.clientUrl(0, null));
        TestClient b = TestClient.ready(nodes.clientUrl(1, null))) {
      JsonNode delivery = a.ok("sendNode", TestClient.args().put("to", b.id())
          .set("message", RemoteJson.MAPPER.readTree("{\"text\":\"hello b\"}")));
      assertThat(delivery.get("to").asText()).isEqualTo(nodes.node(1).id().toHex());
      JsonNode msg = b.nextEvent("msg");
      assertThat(msg.get("kind").asText()).isEqualTo("node");
      assertThat(msg.get("channel").asText()).isEqualTo("user");
      assertThat(msg.get("message").get("text").asText()).isEqualTo("hello b");

      // Broadcasts reach every client subscribed to the channel, the sender's too.
      a.ok("sendAll", TestClient.args().put("message", "to all"));
      assertThat(b.nextEvent("msg").get("message").asText()).isEqualTo("to all");
      assertThat(a.nextEvent("msg").get("kind").asText()).isEqualTo("broadcast");

      // app.* channels: broadcasts only after subscribing; messages to one's id without.
      b.ok("subscribe", TestClient.args().put("channel", "app.news"));
      a.ok("sendAll", TestClient.args().put("message", "news").put("channel", "app.news"));
      JsonNode news = b.nextEvent("msg");
      assertThat(news.get("channel").asText()).isEqualTo("app.news");
      assertThat(news.get("message").asText()).isEqualTo("news");
      a.ok("sendNode", TestClient.args().put("to", b.id()).put("message", "direct").put("channel", "app.other"));
      assertThat(b.nextEvent("msg").get("channel").asText()).isEqualTo("app.other");

      // A client that has gone cannot be reached.
      String bId = b.id();
      b.closeBlocking();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(a.error("sendNode", TestClient.args()
          .put("to", bId).put("message", 1)).get("code").asText()).isEqualTo("not-found"));
    }
  }

  @Test
  void globalsAndTheirEventsReachClientsOfEveryNode() throws Exception {
    try (TestClient a = TestClient.ready(nodes.clientUrl(0, null));
        TestClient b = TestClient.ready(nodes.clientUrl(2, null))) {
      b.ok("watch", TestClient.args().put("name", "p.title"));
      JsonNode set = a.ok("setGlobal", TestClient.args().put("name", "p.title").put("value", "Board"));
      assertThat(set.get("value").asText()).isEqualTo("Board");
      JsonNode event = b.nextEvent("global");
      assertThat(event.get("name").asText()).isEqualTo("p.title");
      assertThat(event.get("value").asText()).isEqualTo("Board");
      assertThat(b.ok("getGlobal", TestClient.args().put("name", "p.title")).get("value").asText()).isEqualTo("Board");
      assertThat(b.ok("globals", TestClient.args())).anySatisfy(g -> assertThat(g.get("name").asText())
          .isEqualTo("p.title"));
      a.ok("removeGlobal", TestClient.args().put("name", "p.title"));
      assertThat(b.nextEvent("global").get("removed").asBoolean()).isTrue();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.ok("getGlobal", TestClient.args()
          .put("name", "p.title")).isNull()).isTrue());
    }
  }

  @Test
  void indexesAnswerRangesAndRectanglesPageByPage() throws Exception {
    try (TestClient a = TestClient.ready(nodes.clientUrl(0, null));
        TestClient b = TestClient.ready(nodes.clientUrl(1, null))) {
      assertThat(a.ok("pht.create", TestClient.args().put("index", "p-times").put("type", "long")).get("type")
          .asText()).isEqualTo("long");
      for (int i = 0; i < 12; i++) {
        assertThat(a.ok("pht.insert", TestClient.args().put("index", "p-times").put("key", i * 10)
            .put("value", "v" + i)).get("added").asBoolean()).isTrue();
      }
      List<String> values = new ArrayList<>();
      JsonNode after = null;
      do {
        var args = TestClient.args().put("index", "p-times").put("lo", 15).put("hi", 95).put("limit", 3);
        if (after != null) {
          args.set("after", after);
        }
        JsonNode page = b.ok("pht.range", args);
        page.get("entries").forEach(e -> values.add(e.get("value").asText()));
        after = page.get("next").isNull() ? null : page.get("next");
      } while (after != null);
      assertThat(values).containsExactly("v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
      assertThat(b.ok("pht.lookup", TestClient.args().put("index", "p-times").put("key", 30)).get("values"))
          .extracting(JsonNode::asText).containsExactly("v3");
      assertThat(b.ok("pht.remove", TestClient.args().put("index", "p-times").put("key", 30)).get("removed").asInt())
          .isEqualTo(1);

      a.ok("pht.create", TestClient.args().put("index", "p-places").put("type", "point"));
      int[][] points = {{3, 4}, {-2, 7}, {10, 10}, {5, -1}};
      for (int[] p : points) {
        var args = TestClient.args().put("index", "p-places").put("value", p[0] + "," + p[1]);
        args.putArray("key").add(p[0]).add(p[1]);
        a.ok("pht.insert", args);
      }
      var rect = TestClient.args().put("index", "p-places");
      rect.putArray("lo").add(-5).add(0);
      rect.putArray("hi").add(6).add(8);
      assertThat(b.ok("pht.rect", rect).get("entries")).extracting(e -> e.get("value").asText())
          .containsExactlyInAnyOrder("3,4", "-2,7");
      var notPoints = TestClient.args().put("index", "p-places").put("lo", 1).put("hi", 2);
      assertThat(b.error("pht.rect", notPoints).get("code").asText()).isEqualTo("bad-request");
    }
  }
}
