package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.LookupFailedException;
import dev.weft.api.Node;
import dev.weft.api.Page;
import dev.weft.api.PutResult;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.ValueTooLargeException;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Real nodes on real UDP sockets on 127.0.0.1. */
class UdpClusterTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int REPLICATION = 8;

  private static TestCluster.Builder cluster(int n, long seed) {
    return TestCluster.builder().nodes(n).seed(seed).listen("udp://127.0.0.1:0")
        .set(KademliaSettings.RPC_TIMEOUT.key(), "300ms")
        .set(KademliaSettings.REPLICATION.key(), String.valueOf(REPLICATION));
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code op} for every item, at most 32 at a time, and returns the results in order. */
  private static <I, O> List<O> inParallel(List<I> items, Function<I, CompletableFuture<O>> op) {
    List<O> out = new ArrayList<>();
    for (int from = 0; from < items.size(); from += 32) {
      List<CompletableFuture<O>> batch = new ArrayList<>();
      for (I item : items.subList(from, Math.min(items.size(), from + 32))) {
        batch.add(op.apply(item));
      }
      for (CompletableFuture<O> f : batch) {
        out.add(await(f));
      }
    }
    return out;
  }

  private static JsonNode value(String key, int generation) {
    return JSON.objectNode().put("key", key).put("generation", generation).put("pad", "x".repeat(100));
  }

  @Test
  void twentyNodesStoreUpdateDeleteAndSurviveFailures() {
    try (TestCluster c = cluster(20, 1).start()) {
      Random r = new Random(5);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        keys.add("key-" + i);
      }
      Map<String, Integer> writer = new TreeMap<>();
      List<PutResult> puts = inParallel(keys, k -> {
        int w = r.nextInt(20);
        writer.put(k, w);
        return c.node(w).storage().put("objects", k, value(k, 1));
      });
      // A put answers once the write quorum (8 - 3 + 1) held it; the other STOREs went out at the same time.
      assertThat(puts).allSatisfy(p -> assertThat(p.acknowledged()).isBetween(REPLICATION - 3 + 1, REPLICATION));

      // Each object sits on exactly the replication factor of nodes, once the slowest replicas answered.
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(c.nodes().stream().mapToLong(n -> lscanAll(n, "objects").size()).sum())
              .isEqualTo(500L * REPLICATION));

      // Every object reads back from a node other than its writer.
      List<Optional<StoredObject>> reads = inParallel(keys, k ->
          c.node((writer.get(k) + 1 + r.nextInt(19)) % 20).storage().get("objects", k));
      for (int i = 0; i < keys.size(); i++) {
        assertThat(reads.get(i)).as(keys.get(i)).isPresent();
        assertThat(reads.get(i).get().value()).isEqualTo(value(keys.get(i), 1));
        assertThat(reads.get(i).get().namespace()).isEqualTo("objects");
        assertThat(reads.get(i).get().key()).isEqualTo(keys.get(i));
      }

      // Updates from other nodes win, read from yet other nodes.
      List<String> updated = keys.subList(0, 100);
      inParallel(updated, k -> c.node(r.nextInt(20)).storage().put("objects", k, value(k, 2)));
      List<Optional<StoredObject>> afterUpdate = inParallel(updated,
          k -> c.node(r.nextInt(20)).storage().get("objects", k));
      for (int i = 0; i < updated.size(); i++) {
        assertThat(afterUpdate.get(i).orElseThrow().value()).isEqualTo(value(updated.get(i), 2));
      }

      // Deletes read as "not found" from every node.
      List<String> deleted = keys.subList(100, 150);
      inParallel(deleted, k -> c.node(r.nextInt(20)).storage().delete("objects", k));
      for (Node n : c.nodes()) {
        assertThat(inParallel(deleted, k -> n.storage().get("objects", k))).allMatch(Optional::isEmpty);
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(c.nodes().stream().mapToLong(n -> lscanAll(n, "objects").size()).sum())
              .as("tombstones are not listed").isEqualTo(450L * REPLICATION));

      // Five nodes stop without warning: every live object is still readable.
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, r);
      order.subList(0, 5).forEach(c::stop);
      List<String> live = new ArrayList<>(keys.subList(0, 100));
      live.addAll(keys.subList(150, 500));
      List<Optional<StoredObject>> survivors = inParallel(live, k -> c.randomRunning().storage().get("objects", k));
      for (int i = 0; i < live.size(); i++) {
        int generation = i < 100 ? 2 : 1;
        assertThat(survivors.get(i)).as(live.get(i)).isPresent();
        assertThat(survivors.get(i).get().value()).isEqualTo(value(live.get(i), generation));
      }
      assertThat(inParallel(deleted, k -> c.randomRunning().storage().get("objects", k))).allMatch(Optional::isEmpty);
    }
  }

  @Test
  void notFoundIsNotTheSameAsUnreachable() {
    try (TestCluster c = cluster(5, 2).start()) {
      Node n = c.node(0);
      assertThat(await(n.storage().get("objects", "never-stored"))).isEmpty();
      await(n.storage().put("objects", "here", JSON.textNode("v")));
      for (int i = 1; i < 5; i++) {
        c.stop(i);
      }
      // Only the closest nodes could say whether it exists, and none answers: an error, never a wrong "not found".
      assertThatThrownBy(() -> n.storage().get("objects", "never-stored").get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LookupFailedException.class);
    }
  }

  @Test
  void aNodeAloneCannotClaimNotFound() {
    try (TestCluster c = cluster(1, 3).start()) {
      assertThatThrownBy(() -> c.node(0).storage().get("ns", "k").get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(LookupFailedException.class).hasMessageContaining("knows no peers");
      PutResult p = await(c.node(0).storage().put("ns", "k", JSON.numberNode(1)));
      assertThat(p.acknowledged()).isEqualTo(1);
      assertThat(await(c.node(0).storage().get("ns", "k")).orElseThrow().value()).isEqualTo(JSON.numberNode(1));
    }
  }

  @Test
  void rejectsBadInputAtTheCaller() {
    try (TestCluster c = cluster(2, 4).start()) {
      Node n = c.node(0);
      JsonNode big = JSON.textNode("x".repeat(70 * 1024));
      assertThatThrownBy(() -> n.storage().put("ns", "k", big).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ValueTooLargeException.class).hasMessageContaining("over the limit of 65536 bytes");
      assertThatThrownBy(() -> n.storage().put("ns", "k".repeat(2000), JSON.nullNode()).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024 characters");
      assertThat(n.stats().rpcs()).doesNotContainKey("STORE");
      // A value just under the limit crosses the network (split into datagrams) and comes back intact.
      JsonNode large = JSON.textNode("y".repeat(60 * 1024));
      await(n.storage().put("ns", "large", large));
      assertThat(await(c.node(1).storage().get("ns", "large")).orElseThrow().value()).isEqualTo(large);
    }
  }

  @Test
  void statsCountRpcsLookupsAndBytes() {
    try (TestCluster c = cluster(5, 6).start()) {
      Node n = c.node(2);
      await(n.storage().put("ns", "k", JSON.numberNode(1)));
      await(n.storage().get("ns", "k"));
      var s = n.stats();
      assertThat(s.rpcs().get("STORE").sent()).isPositive();
      assertThat(s.rpcs().get("FIND_VALUE").sent()).isPositive();
      assertThat(s.lookups()).isPositive();
      assertThat(s.lookupHops().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(s.lookups());
      assertThat(s.bytesOut()).isPositive();
      assertThat(s.bytesIn()).isPositive();
      var info = n.info();
      assertThat(info.contacts()).isEqualTo(4);
      assertThat(info.buckets().stream().mapToInt(b -> b.contacts().size()).sum()).isEqualTo(4);
      assertThat(info.addresses()).isEqualTo(n.addresses());
    }
  }

  private static List<StoredObject> lscanAll(Node n, String namespace) {
    List<StoredObject> out = new ArrayList<>();
    Optional<Scan> next = Optional.of(Scan.namespace(namespace).limit(100));
    while (next.isPresent()) {
      Page<StoredObject> p = await(n.storage().lscan(next.get()));
      out.addAll(p.items());
      next = p.next();
    }
    return out;
  }
}
