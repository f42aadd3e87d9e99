package dev.weft.messaging.internal;

import static dev.weft.testkit.EmbeddedDht.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.WeftConfig;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.MessagingSettings;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden: the exact JSON of every messaging request and answer, as peers see it on the wire. */
class MessagingWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** The transcript, random message ids replaced by {@code ID}. */
  private static List<String> wire(EmbeddedDht net) {
    return net.transcript().stream().map(s -> s.replaceAll("\"id\":\"[0-9a-f]{32}\"", "\"id\":\"ID\"")).toList();
  }

  @Test
  void requestsAndAnswersKeepTheirForm() throws Exception {
    EmbeddedDht net = new EmbeddedDht(1);
    EmbeddedPeer a = net.addPeer(id("a0"), WeftConfig.empty().with(MessagingSettings.BROADCASTS_PER_ORIGIN, 1));
    EmbeddedPeer b = net.addPeer(id("b0"), WeftConfig.empty());
    EmbeddedPeer c = net.addPeer(id("20"), WeftConfig.empty());
    Messaging ma = a.start(new MessagingProvider()).service(Messaging.class).orElseThrow();
    Messaging mb = b.start(new MessagingProvider()).service(Messaging.class).orElseThrow();
    c.start(new MessagingProvider());
    net.await(ma.sendNode(b.id(), json("{\"x\":1}")));
    net.await(ma.send("ns", "k1", json("[1,\"two\"]")));
    net.await(mb.sendAll(json("{\"all\":true}")));
    net.await(mb.attachClient(id("c1"), m -> {}));
    net.await(ma.sendNode(id("c1"), json("{\"to\":\"client\"}")));
    net.failureOf(ma.attachClient(id("c1"), m -> {}));
    // Answers that only a misbehaving or racing peer meets, asked for directly.
    String bcast = "{\"op\":\"bcast\",\"id\":\"%s\",\"ch\":\"user\",\"msg\":1,\"origin\":\"" + id("20").toHex()
        + "\",\"limit\":0}";
    for (String body : List.of(bcast.formatted("0001"), bcast.formatted("0001"), bcast.formatted("0002"),
        bcast.formatted("0003"),
        "{\"op\":\"deliver\",\"id\":\"0004\",\"ch\":\"user\",\"msg\":1,\"kind\":\"client\",\"to\":\""
            + id("c2").toHex() + "\"}",
        "{\"op\":\"probe\",\"to\":\"" + id("c2").toHex() + "\"}",
        "{\"op\":\"deliver\",\"id\":\"\",\"ch\":\"user\",\"msg\":1}",
        "{\"op\":\"other\",\"id\":\"0005\",\"ch\":\"user\",\"msg\":1}",
        "{\"op\":\"deliver\",\"id\":\"0006\",\"ch\":\"user\",\"msg\":1,\"kind\":\"node\",\"to\":\""
            + id("c2").toHex() + "\"}",
        "{\"op\":\"probe\",\"to\":\"zz\"}")) {
      net.await(c.request(a.self(), "messaging", json(body)).handle((r, e) -> null));
    }
    String b0 = id("b0").toHex();
    String c1 = id("c1").toHex();
    String c2 = id("c2").toHex();
    assertThat(wire(net)).containsExactly(
        "a0>b0 messaging {\"op\":\"deliver\",\"id\":\"ID\",\"ch\":\"user\",\"msg\":{\"x\":1},\"kind\":\"node\",\"to\":\""
            + b0 + "\"} -> {\"ok\":true}",
        "a0>20 messaging {\"op\":\"deliver\",\"id\":\"ID\",\"ch\":\"user\",\"msg\":[1,\"two\"],\"kind\":\"key\",\"ns\":\"ns\","
            + "\"key\":\"k1\"} -> {\"ok\":true}",
        "b0>20 messaging {\"op\":\"bcast\",\"id\":\"ID\",\"ch\":\"user\",\"msg\":{\"all\":true},\"origin\":\"" + b0
            + "\",\"limit\":159} -> {\"ok\":true,\"dup\":false}",
        "b0>a0 messaging {\"op\":\"bcast\",\"id\":\"ID\",\"ch\":\"user\",\"msg\":{\"all\":true},\"origin\":\"" + b0
            + "\",\"limit\":156} -> {\"ok\":true,\"dup\":false}",
        "a0>b0 messaging {\"op\":\"deliver\",\"id\":\"ID\",\"ch\":\"user\",\"msg\":{\"to\":\"client\"},\"kind\":\"client\","
            + "\"to\":\"" + c1 + "\"} -> {\"ok\":true}",
        "a0>b0 messaging {\"op\":\"probe\",\"to\":\"" + c1 + "\"} -> {\"ok\":true,\"attached\":true}",
        "20>a0 messaging " + bcast.formatted("0001") + " -> {\"ok\":true,\"dup\":false}",
        "20>a0 messaging " + bcast.formatted("0001") + " -> {\"ok\":true,\"dup\":true}",
        "20>a0 messaging " + bcast.formatted("0002") + " -> {\"ok\":true,\"dup\":false}",
        "20>a0 messaging " + bcast.formatted("0003") + " -> {\"ok\":false,\"limited\":true}",
        "20>a0 messaging {\"op\":\"deliver\",\"id\":\"0004\",\"ch\":\"user\",\"msg\":1,\"kind\":\"client\",\"to\":\"" + c2
            + "\"} -> {\"ok\":false,\"gone\":true}",
        "20>a0 messaging {\"op\":\"probe\",\"to\":\"" + c2 + "\"} -> {\"ok\":true,\"attached\":false}",
        "20>a0 messaging {\"op\":\"deliver\",\"id\":\"\",\"ch\":\"user\",\"msg\":1} -> FAIL dev.weft.api.WeftException: "
            + "malformed message",
        "20>a0 messaging {\"op\":\"other\",\"id\":\"0005\",\"ch\":\"user\",\"msg\":1} -> FAIL dev.weft.api.WeftException: "
            + "unknown messaging op 'other'",
        "20>a0 messaging {\"op\":\"deliver\",\"id\":\"0006\",\"ch\":\"user\",\"msg\":1,\"kind\":\"node\",\"to\":\""
            + c2 + "\"} -> FAIL dev.weft.api.WeftException: not the addressed node",
        "20>a0 messaging {\"op\":\"probe\",\"to\":\"zz\"} -> FAIL dev.weft.api.WeftException: malformed probe");
    // The presence record of an attached client names its node.
    assertThat(net.await(a.storage().get(Messaging.CLIENT_NAMESPACE, c1)).orElseThrow().value())
        .hasToString("{\"node\":\"" + b0 + "\"}");
  }
}
