package dev.weft.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeStats;
import dev.weft.api.ValueTooLargeException;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Messaging on real nodes over UDP on 127.0.0.1. */
class MessagingClusterTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** What each node's user handler received: node index → message ids, with a count per id. */
  private static Map<Integer, Map<String, Integer>> listen(TestCluster c) {
    Map<Integer, Map<String, Integer>> received = new ConcurrentHashMap<>();
    for (int i = 0; i < c.size(); i++) {
      Map<String, Integer> mine = new ConcurrentHashMap<>();
      received.put(i, mine);
      Messaging.of(c.node(i)).registerMessageHandler(m -> mine.merge(m.payload().path("b").asText(), 1, Integer::sum));
    }
    return received;
  }

  private static long messagingRequests(TestCluster c) {
    long n = 0;
    for (Node node : c.nodes()) {
      NodeStats.Rpc r = node.stats().rpcs().get("APP:messaging");
      n += r == null ? 0 : r.sent();
    }
    return n;
  }

  @Test
  void broadcastsReachEveryNodeOnceAndSurviveFailures() throws Exception {
    int n = 50;
    try (TestCluster c = TestCluster.builder().nodes(n).seed(41).set("weft.kademlia.rpc-timeout", "250ms").start()) {
      Map<Integer, Map<String, Integer>> received = listen(c);
      long before = messagingRequests(c);
      List<CompletableFuture<Messaging.Broadcast>> sent = new ArrayList<>();
      for (int b = 0; b < 100; b++) {
        sent.add(Messaging.of(c.node(c.random().nextInt(n))).sendAll(JSON.objectNode().put("b", "b" + b)));
      }
      for (CompletableFuture<Messaging.Broadcast> f : sent) {
        assertThat(f.get(30, TimeUnit.SECONDS).unreachable()).isZero();
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (int i = 0; i < n; i++) {
          assertThat(received.get(i)).as("node %d", i).hasSize(100);
        }
      });
      for (int i = 0; i < n; i++) {
        assertThat(received.get(i).values()).as("each broadcast once on node %d", i).allMatch(v -> v == 1);
      }
      double perNode = (messagingRequests(c) - before) / 100.0 / n;
      assertThat(perNode).as("hand-offs per broadcast per node").isLessThanOrEqualTo(1.2);

      // A fifth of the nodes stop without warning.
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, c.random());
      Set<Integer> stopped = new HashSet<>(order.subList(0, n / 5));
      stopped.forEach(c::stop);
      List<CompletableFuture<Messaging.Broadcast>> more = new ArrayList<>();
      for (int b = 100; b < 200; b++) {
        int from;
        do {
          from = c.random().nextInt(n);
        } while (stopped.contains(from));
        more.add(Messaging.of(c.node(from)).sendAll(JSON.objectNode().put("b", "b" + b)));
      }
      for (CompletableFuture<Messaging.Broadcast> f : more) {
        f.get(60, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (int i = 0; i < n; i++) {
          if (!stopped.contains(i)) {
            long got = received.get(i).keySet().stream().filter(id -> Integer.parseInt(id.substring(1)) >= 100).count();
            assertThat(got).as("node %d after the failures", i).isGreaterThanOrEqualTo(99);
          }
        }
      });
    }
  }

  @Test
  void sendReachesTheNodeThatHoldsTheKeyFirst() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(20).seed(42).set("weft.kademlia.rpc-timeout", "250ms").start()) {
      Map<String, Integer> receivedBy = new ConcurrentHashMap<>();
      for (int i = 0; i < c.size(); i++) {
        int index = i;
        Messaging.of(c.node(i)).registerMessageHandler(m -> {
          assertThat(m.kind()).isEqualTo(ReceivedMessage.Kind.KEY);
          receivedBy.put(m.key().orElseThrow(), index);
        });
      }
      for (int k = 0; k < 200; k++) {
        String key = "key-" + k;
        c.node(c.random().nextInt(20)).storage().put("ns", key, JSON.numberNode(k)).get(10, TimeUnit.SECONDS);
        Messaging.Delivery d = Messaging.of(c.node(c.random().nextInt(20))).send("ns", key, JSON.numberNode(k))
            .get(10, TimeUnit.SECONDS);
        // The replica closest to the key's id is the node responsible for it.
        NodeId target = NodeId.forKey("ns", key, 2);
        Node closestHolder = null;
        for (Node node : c.nodes()) {
          if (node.storage().lscan("ns").join().items().stream().anyMatch(o -> o.key().equals(key))
              && (closestHolder == null || target.compareDistance(node.id(), closestHolder.id()) < 0)) {
            closestHolder = node;
          }
        }
        assertThat(d.to()).as(key).isEqualTo(closestHolder.id());
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receivedBy).hasSize(200));
    }
  }

  @Test
  void sendNodeDeliversOrFailsWithAReason() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(8).seed(43).set("weft.kademlia.rpc-timeout", "200ms").start()) {
      List<ReceivedMessage> got = Collections.synchronizedList(new ArrayList<>());
      Messaging.of(c.node(5)).registerMessageHandler(got::add);
      Messaging.Delivery d = Messaging.of(c.node(1)).sendNode(c.node(5).id(), JSON.textNode("hello"))
          .get(10, TimeUnit.SECONDS);
      assertThat(d.to()).isEqualTo(c.node(5).id());
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
      assertThat(got.get(0).kind()).isEqualTo(ReceivedMessage.Kind.NODE);
      assertThat(got.get(0).sender()).isEqualTo(c.node(1).id());
      assertThat(got.get(0).payload()).isEqualTo(JSON.textNode("hello"));

      NodeId gone = c.node(6).id();
      c.stop(6);
      long start = System.nanoTime();
      assertThatThrownBy(() -> Messaging.of(c.node(1)).sendNode(gone, JSON.textNode("x")).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UndeliverableException.class)
          .hasMessageContaining(gone.toHex());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      NodeId nobody = NodeId.fromHex("00".repeat(20));
      assertThatThrownBy(() -> Messaging.of(c.node(1)).sendNode(nobody, JSON.textNode("x")).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UndeliverableException.class).hasMessageContaining("not in the network")
          .satisfies(e -> assertThat(((UndeliverableException) e.getCause()).reason())
              .isEqualTo(UndeliverableException.Reason.NO_SUCH_NODE));
    }
  }

  @Test
  void aLoneNodeSaysItKnowsNoOtherNodeInsteadOfCountingItself() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(1).seed(45).start()) {
      NodeId nobody = NodeId.fromHex("00".repeat(20));
      assertThatThrownBy(() -> Messaging.of(c.node(0)).sendNode(nobody, JSON.textNode("x")).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UndeliverableException.class)
          .hasMessageContaining("node " + nobody.toHex() + " is not in the network: this node knows no other node")
          .hasMessageNotContaining("found 1");
    }
  }

  @Test
  void handlersAreIsolatedAndLimitsEnforced() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(4).seed(44).start()) {
      List<JsonNode> good = Collections.synchronizedList(new ArrayList<>());
      List<JsonNode> plugin = Collections.synchronizedList(new ArrayList<>());
      Messaging m2 = Messaging.of(c.node(2));
      m2.registerMessageHandler(m -> {
        throw new IllegalStateException("a broken handler");
      });
      Messaging.Registration r = m2.registerMessageHandler(m -> good.add(m.payload()));
      m2.channel("my-plugin").registerMessageHandler(m -> plugin.add(m.payload()));

      Messaging.of(c.node(0)).sendNode(c.node(2).id(), JSON.numberNode(1)).get(10, TimeUnit.SECONDS);
      Messaging.of(c.node(0)).channel("my-plugin").sendNode(c.node(2).id(), JSON.numberNode(2)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> good.size() == 1 && plugin.size() == 1);
      assertThat(good).containsExactly(JSON.numberNode(1));
      assertThat(plugin).containsExactly(JSON.numberNode(2));

      r.close();
      Messaging.of(c.node(0)).sendNode(c.node(2).id(), JSON.numberNode(3)).get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> Messaging.of(c.node(0)).sendAll(JSON.textNode("x".repeat(70_000)))
          .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ValueTooLargeException.class);
      // The node still works, and the removed handler saw nothing more.
      Messaging.of(c.node(0)).sendAll(JSON.numberNode(4)).get(10, TimeUnit.SECONDS);
      assertThat(good).containsExactly(JSON.numberNode(1));
    }
  }
}
