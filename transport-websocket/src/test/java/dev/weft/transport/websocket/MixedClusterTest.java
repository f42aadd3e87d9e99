package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A network of nodes that do not all speak the same transport: UDP-only nodes, WebSocket-only nodes, nodes relayed
 * through a super-node (no listening socket at all) and the super-node with both, which bridges them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MixedClusterTest {
  private final Random random = new Random(7);
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  private Node start(String... listen) {
    var b = Weft.builder().nodeId(NodeId.random(random)).set("weft.ws.relay-timeout", "10s");
    for (String l : listen) {
      b.listen(l);
    }
    Node n = b.build();
    nodes.add(n);
    return n;
  }

  private static Address of(Node n, String scheme) {
    return n.addresses().stream().filter(a -> a.scheme().equals(scheme)).findFirst().orElseThrow();
  }

  @Test
  void everyObjectPutAnywhereIsReadableEverywhere() throws Exception {
    Node superNode = start("udp://127.0.0.1:0", "ws://127.0.0.1:0");
    Address udp = of(superNode, "udp");
    Address ws = of(superNode, "ws");
    List<Node> udpOnly = List.of(start("udp://127.0.0.1:0"), start("udp://127.0.0.1:0"), start("udp://127.0.0.1:0"));
    List<Node> wsOnly = List.of(start("ws://127.0.0.1:0"), start("ws://127.0.0.1:0"), start("ws://127.0.0.1:0"));
    String relay = "ws://127.0.0.1:" + ws.port() + "/relay";
    List<Node> relayed = List.of(start(relay), start(relay));
    for (Node r : relayed) {
      assertThat(r.addresses()).singleElement().satisfies(a -> {
        assertThat(a.port()).isEqualTo(ws.port());
        assertThat(a.path()).startsWith("/relay/");
      });
    }
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    udpOnly.forEach(n -> joins.add(n.join(List.of(udp))));
    wsOnly.forEach(n -> joins.add(n.join(List.of(ws))));
    relayed.forEach(n -> joins.add(n.join(List.of(ws))));
    CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    // Once more, so that early joiners learn of the later ones.
    for (Node n : nodes.subList(1, nodes.size())) {
      n.join(List.of(n.addresses().get(0).scheme().equals("udp") ? udp : ws)).get(30, TimeUnit.SECONDS);
    }

    for (int i = 0; i < nodes.size(); i++) {
      PutResult r = nodes.get(i).storage().put("mixed", "key-" + i, JsonNodeFactory.instance.numberNode(i))
          .get(30, TimeUnit.SECONDS);
      assertThat(r.acknowledged()).as("replicas of key-%d", i).isPositive();
    }
    for (Node reader : nodes) {
      for (int i = 0; i < nodes.size(); i++) {
        Optional<StoredObject> got = reader.storage().get("mixed", "key-" + i).get(30, TimeUnit.SECONDS);
        assertThat(got).as("key-%d read at %s", i, reader.addresses()).isPresent();
        assertThat(got.get().value().asInt()).isEqualTo(i);
      }
    }
    // Relayed nodes are full members: they hold replicas of what others wrote, and answer for them.
    for (Node r : relayed) {
      await().atMost(Duration.ofSeconds(10)).until(() -> r.info().stored() > 0);
    }
  }
}
