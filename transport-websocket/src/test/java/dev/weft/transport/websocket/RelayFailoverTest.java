package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A relayed node whose super-node dies moves to the next one; peers learn its new address from its messages. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayFailoverTest {
  private final Random random = new Random(11);
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  private Node start(String listen, String relays) {
    var b = Weft.builder().nodeId(NodeId.random(random)).listen(listen);
    if (relays != null) {
      b.set(WebSocketSettings.RELAYS.key(), relays);
    }
    Node n = b.build();
    nodes.add(n);
    return n;
  }

  @Test
  void aRelayedNodeMovesToAnotherSuperNodeAndStaysReachable() throws Exception {
    Node first = start("ws://127.0.0.1:0", null);
    Node second = start("ws://127.0.0.1:0", null);
    Node other = start("ws://127.0.0.1:0", null);
    Address a = first.addresses().get(0);
    Address b = second.addresses().get(0);
    Node relayed = start("ws://127.0.0.1:" + a.port() + "/relay", b.toString());
    assertThat(relayed.addresses().get(0).toString()).startsWith(a + "/relay/");
    second.join(List.of(a)).get(20, TimeUnit.SECONDS);
    other.join(List.of(a)).get(20, TimeUnit.SECONDS);
    relayed.join(List.of(a)).get(20, TimeUnit.SECONDS);
    other.storage().put("f", "before", JsonNodeFactory.instance.textNode("x")).get(20, TimeUnit.SECONDS);

    first.close();

    await().atMost(Duration.ofSeconds(20)).until(() -> relayed.addresses().get(0).toString()
        .startsWith(b + "/relay/"));
    // Its next messages carry the new address: the others reach it through the second super-node.
    relayed.join(List.of(b)).get(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(relayed.storage().put("f", "after", JsonNodeFactory.instance.textNode("y")).get(20,
          TimeUnit.SECONDS).acknowledged()).isGreaterThanOrEqualTo(2);
      assertThat(other.storage().get("f", "after").get(20, TimeUnit.SECONDS)).isPresent();
      assertThat(relayed.storage().get("f", "before").get(20, TimeUnit.SECONDS)).isPresent();
    });
    assertThat(other.info().buckets().stream().flatMap(k -> k.contacts().stream())
        .map(c -> c.contact()).filter(c -> c.id().equals(relayed.id())).flatMap(c -> c.addresses().stream())
        .map(Address::toString))
        .allMatch(s -> s.startsWith(b + "/relay/"));
  }
}
