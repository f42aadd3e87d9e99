package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeStats;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.messaging.Messaging;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A network of nodes that do not all speak the same transport, on real UDP and WebSocket sockets: UDP-only nodes,
 * WebSocket-only nodes, nodes relayed through a super-node (no listening socket at all) and the super-node with both,
 * which bridges them.
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
    return start(Map.of(), listen);
  }

  private Node start(Map<String, String> settings, String... listen) {
    var b = Weft.builder().nodeId(NodeId.random(random)).set("weft.ws.relay-timeout", "10s");
    settings.forEach(b::set);
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
      // Behind the super-node's ports in both of its schemes.
      assertThat(r.addresses()).extracting(Address::port).containsExactly(ws.port(), udp.port());
      assertThat(r.addresses()).allSatisfy(a -> assertThat(a.path()).startsWith("/relay/"));
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

  /**
   * UDP-only nodes, super-nodes and relayed nodes each reach every other kind: a relayed node has a relay address in
   * each scheme its super-node listens on, so a UDP-only node sends to it over UDP through the super-node, and it
   * sends to UDP-only nodes the same way.
   */
  @ParameterizedTest(name = "super-nodes bound to {0}")
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0"})
  void everyKindOfNodeReachesEveryOtherKind(String superBind) throws Exception {
    // One replica per key: whoever is closest holds it alone, so reading it proves that node was reached.
    Map<String, String> one = Map.of("weft.kademlia.replication", "1", "weft.kademlia.read-quorum", "1");
    Node s1 = start(one, "udp://" + superBind + ":0", "ws://" + superBind + ":0");
    Node s2 = start(one, "udp://" + superBind + ":0", "ws://" + superBind + ":0");
    Node u1 = start(one, "udp://127.0.0.1:0");
    Node u2 = start(one, "udp://127.0.0.1:0");
    Node r1 = start(one, "ws://127.0.0.1:" + of(s1, "ws").port() + "/relay");
    Node r2 = start(one, "ws://127.0.0.1:" + of(s2, "ws").port() + "/relay");

    // A relayed node is reachable in both of its super-node's schemes, behind its ports, at the IP it reached its
    // super-node at (a super-node on a wildcard address has no better one to give).
    assertThat(r1.addresses()).extracting(Address::scheme).containsExactly("ws", "udp");
    assertThat(r1.addresses()).allSatisfy(a -> assertThat(a.path()).startsWith("/relay/"))
        .allSatisfy(a -> assertThat(a.host()).isEqualTo("127.0.0.1"));
    assertThat(of(r1, "udp").port()).isEqualTo(of(s1, "udp").port());

    Address s1Udp = Address.of("udp", "127.0.0.1", of(s1, "udp").port(), "");
    Address s2Udp = Address.of("udp", "127.0.0.1", of(s2, "udp").port(), "");
    s2.join(List.of(s1Udp)).get(30, TimeUnit.SECONDS);
    u1.join(List.of(s1Udp)).get(30, TimeUnit.SECONDS);
    u2.join(List.of(s2Udp)).get(30, TimeUnit.SECONDS);
    // No bootstrap given: a relayed node joins through its super-node.
    assertThat(r1.join(List.of()).get(30, TimeUnit.SECONDS)).isPositive();
    assertThat(r2.join(List.of()).get(30, TimeUnit.SECONDS)).isPositive();
    for (Node n : nodes) {
      n.join(List.of(n == s1 ? s2Udp : s1Udp)).get(30, TimeUnit.SECONDS);
    }

    // UDP-only nodes hold relayed nodes as contacts, and the other way round.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (Node n : nodes) {
        assertThat(n.info().contacts()).as("contacts of %s", n.addresses()).isEqualTo(nodes.size() - 1);
      }
    });

    // sendNode from every node to every other: 30 deliveries, each to the right node.
    Map<NodeId, Set<NodeId>> heard = new ConcurrentHashMap<>();
    for (Node n : nodes) {
      Messaging.of(n).registerMessageHandler(m -> heard.computeIfAbsent(n.id(), k -> ConcurrentHashMap.newKeySet())
          .add(NodeId.fromHex(m.payload().get("from").asText())));
    }
    for (Node from : nodes) {
      for (Node to : nodes) {
        if (from != to) {
          Messaging.of(from).sendNode(to.id(), JsonNodeFactory.instance.objectNode().put("from", from.id().toHex()))
              .get(30, TimeUnit.SECONDS);
        }
      }
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (Node n : nodes) {
        assertThat(heard.getOrDefault(n.id(), Set.of())).as("senders heard by %s", n.addresses())
            .hasSize(nodes.size() - 1);
      }
    });

    // A key whose only replica is a relayed node, written by a UDP-only node and read by the other one.
    for (Node holder : List.of(r1, r2)) {
      String[] nsKey = keyHeldBy(holder);
      u2.storage().put(nsKey[0], nsKey[1], JsonNodeFactory.instance.textNode("held by a relayed node"))
          .get(30, TimeUnit.SECONDS);
      assertThat(holder.storage().lscan(nsKey[0]).get(10, TimeUnit.SECONDS).items()).extracting(StoredObject::key)
          .contains(nsKey[1]);
      Optional<StoredObject> got = u1.storage().get(nsKey[0], nsKey[1]).get(30, TimeUnit.SECONDS);
      assertThat(got).map(o -> o.value().asText()).contains("held by a relayed node");
    }

    // The UDP-only nodes never waited on a relayed contact: not one of their requests timed out.
    for (Node u : List.of(u1, u2)) {
      long timedOut = u.stats().rpcs().values().stream().mapToLong(NodeStats.Rpc::timedOut).sum();
      assertThat(timedOut).as("requests of %s that timed out", u.addresses()).isZero();
    }
  }

  /**
   * A namespace and key whose id is closer to {@code holder} than to any other node (namespaces vary too: the
   * leading id bits come from the namespace, and one namespace's quarter of the id space may hold no key of it).
   */
  private String[] keyHeldBy(Node holder) {
    for (int i = 0; i < 100_000; i++) {
      String ns = "reach" + i % 16;
      String key = "k" + i;
      NodeId id = NodeId.forKey(ns, key, 2); // 2: weft.storage.namespace-bits, by default
      Node closest = nodes.stream().min(Comparator.comparing(n -> n.id(), id::compareDistance)).orElseThrow();
      if (closest == holder) {
        return new String[] {ns, key};
      }
    }
    throw new AssertionError("no key of 100,000 is closest to " + holder.id());
  }
}
