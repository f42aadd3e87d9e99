package dev.weft.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.RateLimitedException;
import dev.weft.api.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A broadcast costs every node a hand-off: one origin is held to its rate by its own node and by every other. */
class BroadcastLimitsTest {
  private final Random random = new Random(61);
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  private Node node(int perOrigin) {
    Node n = Weft.builder().listen("udp://127.0.0.1:0").nodeId(NodeId.random(random))
        .set(MessagingSettings.BROADCASTS_PER_ORIGIN.key(), Integer.toString(perOrigin)).build();
    nodes.add(n);
    return n;
  }

  @Test
  void aNodeRefusesToStartMoreThanItsRate() throws Exception {
    Node a = node(5);
    Messaging m = Messaging.of(a);
    int started = 0;
    int refused = 0;
    for (int i = 0; i < 30; i++) {
      try {
        m.sendAll(JsonNodeFactory.instance.numberNode(i)).get(10, TimeUnit.SECONDS);
        started++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(RateLimitedException.class)
            .hasMessageContaining(MessagingSettings.BROADCASTS_PER_ORIGIN.key());
        refused++;
      }
    }
    // A burst of twice the rate, then about the rate a second for the time the loop took.
    assertThat(started).isBetween(10, 20);
    assertThat(refused).isEqualTo(30 - started);
    assertThat(a.stats().refused().get("messaging.broadcast-origin-rate")).isEqualTo(refused);
  }

  @Test
  void otherNodesHoldAFloodingOriginToItsRate() throws Exception {
    Node origin = node(1000);
    List<AtomicInteger> received = new ArrayList<>();
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Node n = node(5);
      joins.add(n.join(origin.addresses()));
      AtomicInteger count = new AtomicInteger();
      Messaging.of(n).registerMessageHandler(msg -> count.incrementAndGet());
      received.add(count);
    }
    CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    long start = System.nanoTime();
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sends.add(Messaging.of(origin).sendAll(JsonNodeFactory.instance.numberNode(i)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    await().atMost(Duration.ofSeconds(10)).until(() -> nodes.subList(1, 5).stream()
        .allMatch(n -> n.stats().refused().getOrDefault("messaging.broadcast-origin-rate", 0L) > 0));
    for (int i = 0; i < 4; i++) {
      assertThat(received.get(i).get()).as("node %d", i + 1)
          .isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(10 + (int) Math.ceil(5 * (seconds + 1)));
    }
  }
}
