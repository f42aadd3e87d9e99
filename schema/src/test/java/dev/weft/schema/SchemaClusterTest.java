package dev.weft.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.Version;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Globals on 30 real nodes over UDP on 127.0.0.1; the tests share the cluster and use names of their own. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaClusterTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int N = 30;
  private TestCluster cluster;

  @BeforeAll
  void start() {
    // Periodic anti-entropy is slowed right down: what these tests see comes from broadcasts and join-time syncs.
    cluster = TestCluster.builder().nodes(N).seed(5).set("weft.kademlia.rpc-timeout", "300ms")
        .set(SchemaSettings.SYNC_INTERVAL.key(), "1h").start();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static Schema schema(Node n) {
    return Schema.of(n);
  }

  @Test
  void aSetIsVisibleEverywhereAndListenersFireOncePerValue() throws Exception {
    // node index → versions each listener saw, with a count per version
    Map<Integer, Map<Version, Integer>> seen = new ConcurrentHashMap<>();
    List<Schema.Registration> regs = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      Map<Version, Integer> mine = new ConcurrentHashMap<>();
      seen.put(i, mine);
      regs.add(schema(cluster.node(i)).addListener("color", g -> mine.merge(g.version(), 1, Integer::sum)));
    }
    List<Version> written = new ArrayList<>();
    for (String value : List.of("red", "green", "blue")) {
      Node writer = cluster.node(cluster.random().nextInt(N));
      Global g = schema(writer).setGlobal("color", JSON.textNode(value)).get(10, TimeUnit.SECONDS);
      assertThat(schema(writer).getGlobal("color")).as("visible on the writer at once").contains(JSON.textNode(value));
      written.add(g.version());
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        for (int i = 0; i < N; i++) {
          assertThat(schema(cluster.node(i)).getGlobal("color")).as("node %d", i).contains(JSON.textNode(value));
        }
      });
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 0; i < N; i++) {
        assertThat(seen.get(i).keySet()).as("versions node %d's listener saw", i).containsExactlyInAnyOrderElementsOf(
            written);
      }
    });
    for (int i = 0; i < N; i++) {
      assertThat(seen.get(i).values()).as("once per value on node %d", i).allMatch(c -> c == 1);
    }
    regs.forEach(Schema.Registration::close);
    assertThat(schema(cluster.node(3)).globals()).containsKey("color");
  }

  @Test
  void concurrentWritersConvergeOnOneValue() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(10);
    List<Thread> writers = new ArrayList<>();
    List<CompletableFuture<Global>> results = new ArrayList<>();
    for (int w = 0; w < 10; w++) {
      Node node = cluster.node(w * 3);
      CompletableFuture<Global> result = new CompletableFuture<>();
      results.add(result);
      int value = w;
      Thread t = new Thread(() -> {
        try {
          barrier.await(10, TimeUnit.SECONDS);
          schema(node).setGlobal("leader", IntNode.valueOf(value)).whenComplete((g, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(g);
            }
          });
        } catch (Exception e) {
          result.completeExceptionally(e);
        }
      });
      writers.add(t);
      t.start();
    }
    Global newest = null;
    for (CompletableFuture<Global> r : results) {
      Global g = r.get(10, TimeUnit.SECONDS);
      newest = newest == null || g.version().isNewerThan(newest.version()) ? g : newest;
    }
    for (Thread t : writers) {
      t.join(10_000);
    }
    JsonNode winner = newest.value().orElseThrow();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      for (int i = 0; i < N; i++) {
        assertThat(schema(cluster.node(i)).global("leader").map(Global::value))
            .as("node %d", i).contains(Optional.of(winner));
      }
    });
    Set<String> digests = new HashSet<>();
    cluster.nodes().forEach(n -> digests.add(schema(n).digest()));
    assertThat(digests).as("every node holds the same versions").hasSize(1);
  }

  @Test
  void removalsConverge() throws Exception {
    Node writer = cluster.node(7);
    schema(writer).setGlobal("doomed", JSON.objectNode().put("x", 1)).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes().stream()
        .allMatch(n -> schema(n).getGlobal("doomed").isPresent()));
    AtomicInteger removals = new AtomicInteger();
    Schema.Registration registration = schema(cluster.node(20)).addListener(g -> {
      if (g.name().equals("doomed") && g.removed()) {
        removals.incrementAndGet();
      }
    });
    try {
      Global tombstone = schema(cluster.node(13)).removeGlobal("doomed").get(10, TimeUnit.SECONDS);
      assertThat(tombstone.removed()).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes().stream()
          .allMatch(n -> schema(n).getGlobal("doomed").isEmpty() && !schema(n).globals().containsKey("doomed")));
      await().atMost(Duration.ofSeconds(5)).until(() -> removals.get() == 1);
    } finally {
      registration.close();
    }
  }

  @Test
  void aLateJoinerLearnsEverythingWhenItJoins() throws Exception {
    Map<String, JsonNode> expected = new ConcurrentHashMap<>();
    for (int i = 0; i < 20; i++) {
      JsonNode v = JSON.objectNode().put("i", i).put("s", "value " + i);
      expected.put("late." + i, v);
      schema(cluster.node(i % N)).setGlobal("late." + i, v).get(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> schema(cluster.node(0)).globals().keySet()
        .containsAll(expected.keySet()));
    // Periodic sync is an hour away: only the join-time exchange can teach the newcomer.
    Node late = cluster.addNode();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
        assertThat(schema(late).getGlobal(e.getKey())).as(e.getKey()).contains(e.getValue());
      }
    });
    assertThat(schema(late).stats().fromSync()).isGreaterThanOrEqualTo(20);
  }
}
