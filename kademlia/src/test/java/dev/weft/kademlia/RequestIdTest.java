package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.testkit.TestCluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An answer is matched to its request by the request id alone, so the ids a node sends must not be guessable from the
 * ones an attacker has seen: a hand-made peer answers a joining node and records the ids of its requests.
 */
class RequestIdTest {
  @Test
  void requestIdsAreNeitherRepeatedNorSequential() throws Exception {
    NodeId fakeId = NodeId.random(new Random(3));
    List<Long> rids = new ArrayList<>();
    try (TestCluster c = TestCluster.builder().nodes(1).seed(4).set(KademliaSettings.RPC_TIMEOUT.key(), "300ms").start();
        RawUdpPeer peer = new RawUdpPeer("127.0.0.1")) {
      Node node = c.node(0);
      String self = peer.address();
      CompletableFuture<Integer> join = node.join(List.of(Address.parse(self)));
      // The join pings us and looks up its own id through us; then each get asks us, the node's only contact.
      int gets = 0;
      for (int waits = 0; rids.size() < 12 && waits < 80; ) {
        if (join.isDone() && gets < rids.size()) {
          node.storage().get("ns", "k" + gets++);
        }
        RawUdpPeer.Received r = peer.receive();
        if (r == null || r.json() == null) {
          waits++;
          continue;
        }
        JsonNode m = r.json();
        String answer = switch (m.path("t").asText()) {
          case "PING" -> "PONG";
          case "FIND_NODE", "FIND_VALUE" -> "NODES";
          default -> null;
        };
        if (answer == null) {
          continue;
        }
        rids.add(m.path("rid").asLong());
        peer.send("{\"v\":1,\"t\":\"" + answer + "\",\"rid\":" + m.path("rid").asLong() + ",\"from\":\""
            + fakeId.toHex() + "\",\"addrs\":[\"" + self + "\"]" + (answer.equals("NODES") ? ",\"nodes\":[]" : "")
            + "}", r.from());
      }
      join.handle((v, e) -> null).get();
    }
    assertThat(rids).hasSizeGreaterThanOrEqualTo(5);
    assertThat(new HashSet<>(rids)).hasSameSizeAs(rids);
    // Counting from a random start would show as constant steps; random ids spread over the whole 64-bit range.
    List<Long> steps = new ArrayList<>();
    for (int i = 1; i < rids.size(); i++) {
      steps.add(rids.get(i) - rids.get(i - 1));
    }
    assertThat(steps).allMatch(d -> Math.abs(d) > 1_000_000_000L);
    assertThat(new HashSet<>(steps)).hasSameSizeAs(steps);
  }
}
