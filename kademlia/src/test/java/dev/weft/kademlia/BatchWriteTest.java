package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.weft.api.CoreSettings;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeStats;
import dev.weft.api.Page;
import dev.weft.api.PutOutcome;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.api.Write;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.sim.Latency;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Storage.putAll}: every record of a batch reaches the same replicas a put of it alone would, in far fewer
 * messages, with one outcome per record; on a simulated network in virtual time, seeded.
 */
class BatchWriteTest {
  private static final int REPLICATION = 3;
  private static final String NS = "bulk";

  private final List<Node> nodes = new ArrayList<>();
  private SimNetwork net;

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  private void network(long seed, int size) {
    net = new SimNetwork(seed, Latency.fixed(Duration.ofMillis(20)));
    Random random = new Random(seed);
    Node first = start(NodeId.random(random));
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < size; i++) {
      joins.add(start(NodeId.random(random)).join(first.addresses()));
    }
    finish(joins);
    // Let every node meet the others its lookups did not, as a network that ran a while has.
    net.scheduler().run(Duration.ofMinutes(2));
  }

  private Node start(NodeId id) {
    Node n = Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
        .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(id)
        .listen("sim://n" + nodes.size() + ":1")
        .set(KademliaSettings.REPLICATION.key(), String.valueOf(REPLICATION))
        .set(KademliaSettings.READ_QUORUM.key(), "2")
        .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "1000h")
        .set(KademliaSettings.MAINTENANCE_INTERVAL.key(), "1000h")
        .set(CoreSettings.MAX_VALUE_BYTES.key(), "1KiB").build();
    nodes.add(n);
    return n;
  }

  private <T> T finish(CompletableFuture<T> f) {
    assertThat(net.scheduler().runUntil(f::isDone, Duration.ofMinutes(5))).isTrue();
    return f.join();
  }

  private void finish(List<? extends CompletableFuture<?>> futures) {
    assertThat(net.scheduler().runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone),
        Duration.ofMinutes(5))).isTrue();
    futures.forEach(CompletableFuture::join);
  }

  private static List<Write> writes(int count) {
    List<Write> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new Write(NS, "k" + i, IntNode.valueOf(i)));
    }
    return out;
  }

  /** For each key of {@link #NS}, the nodes holding it. */
  private Map<String, Set<NodeId>> holders() {
    Map<String, Set<NodeId>> out = new HashMap<>();
    for (Node n : nodes) {
      Optional<Scan> scan = Optional.of(Scan.namespace(NS).limit(1000));
      while (scan.isPresent()) {
        Page<StoredObject> page = finish(n.storage().lscan(scan.get()));
        page.items().forEach(o -> out.computeIfAbsent(o.key(), k -> new HashSet<>()).add(n.id()));
        scan = page.next();
      }
    }
    return out;
  }

  private Set<NodeId> closest(String key) {
    NodeId target = NodeId.forKey(NS, key, 2);
    Set<NodeId> out = new HashSet<>();
    nodes.stream().map(Node::id).sorted(Comparator.comparing(id -> id, target::compareDistance))
        .limit(REPLICATION).forEach(out::add);
    return out;
  }

  private static long sent(Node n, String rpc) {
    NodeStats.Rpc r = n.stats().rpcs().get(rpc);
    return r == null ? 0 : r.sent();
  }

  private void everyRecordOnItsClosestNodes(int count, Map<String, Set<NodeId>> holders) {
    assertThat(holders).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(holders.get("k" + i)).as("holders of k" + i).isEqualTo(closest("k" + i));
    }
  }

  @Test
  void aBatchReachesEachRecordsClosestNodesInFewMessages() {
    network(5, 12);
    Node writer = nodes.get(7);
    List<PutOutcome> outcomes = finish(writer.storage().putAll(writes(2000)));

    assertThat(outcomes).hasSize(2000).allSatisfy(o -> {
      assertThat(o.ok()).as(o.toString()).isTrue();
      assertThat(o.result().acknowledged()).isEqualTo(REPLICATION);
      assertThat(o.result().attempted()).isEqualTo(REPLICATION);
    });
    everyRecordOnItsClosestNodes(2000, holders());
    // 2,000 records x 3 replicas go to 11 other nodes: a few dozen messages, not 6,000 STOREs.
    assertThat(sent(writer, "STORE_MANY")).isBetween(11L, 150L);
    assertThat(sent(writer, "STORE")).isZero();
    assertThat(finish(nodes.get(2).storage().get(NS, "k1234")).map(StoredObject::value))
        .contains(IntNode.valueOf(1234));
  }

  @Test
  void onALargerNetworkTheBatchLooksUpEachRecordsReplicas() {
    network(6, 60);
    Node writer = nodes.get(11);
    List<PutOutcome> outcomes = finish(writer.storage().putAll(writes(600)));

    assertThat(outcomes).allSatisfy(o -> assertThat(o.result().acknowledged()).isEqualTo(REPLICATION));
    everyRecordOnItsClosestNodes(600, holders());
    assertThat(sent(writer, "STORE")).isZero();
    assertThat(sent(writer, "STORE_MANY")).isLessThan(600L * REPLICATION / 4);
  }

  @Test
  void eachRecordHasItsOwnOutcomeInOrderAndTheBadOnesAreNamed() {
    network(7, 8);
    Node writer = nodes.get(3);
    List<Write> batch = new ArrayList<>(writes(10));
    batch.add(3, new Write("@notakey", "x", TextNode.valueOf("owned")));
    batch.add(6, new Write(NS, "big", TextNode.valueOf("x".repeat(2000))));
    batch.add(new Write(NS, "deep", nested(40)));

    List<PutOutcome> outcomes = finish(writer.storage().putAll(batch));

    assertThat(outcomes).hasSize(13);
    assertThat(outcomes.get(3).error()).hasValueSatisfying(e -> assertThat(e).contains("owned"));
    assertThat(outcomes.get(6).error()).hasValueSatisfying(e -> assertThat(e).contains("bulk/big"));
    assertThat(outcomes.get(12).error()).hasValueSatisfying(e -> assertThat(e).contains("bulk/deep"));
    for (int i : new int[] {0, 1, 2, 4, 5, 7, 8, 9, 10, 11}) {
      assertThat(outcomes.get(i).ok()).as("outcome " + i).isTrue();
    }
    Map<String, Set<NodeId>> holders = holders();
    assertThat(holders).doesNotContainKeys("big", "deep").hasSize(10);
    assertThat(finish(writer.storage().putAll(List.of()))).isEmpty();
  }

  @Test
  void aReplicaThatDoesNotAnswerIsReplacedAndSentItsRecordsLater() {
    network(8, 12);
    Node writer = nodes.get(0);
    List<Write> batch = writes(300);
    // The node closest to the most keys of the batch stops answering for the batch.
    Map<NodeId, Integer> firsts = new HashMap<>();
    batch.forEach(w -> firsts.merge(closestFirst(w.key()), 1, Integer::sum));
    NodeId silentId = firsts.entrySet().stream().filter(e -> !e.getKey().equals(writer.id()))
        .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Node silent = nodes.stream().filter(n -> n.id().equals(silentId)).findFirst().orElseThrow();
    net.partition(silent.addresses().get(0), 1);

    List<PutOutcome> outcomes = finish(writer.storage().putAll(batch));
    net.heal();

    // Stand-ins took the silent node's share: every record has its replication factor.
    assertThat(outcomes).allSatisfy(o -> assertThat(o.result().acknowledged()).isEqualTo(REPLICATION));
    long waiting = batch.stream().filter(w -> closest(w.key()).contains(silentId)).count();
    assertThat(waiting).isGreaterThan(50);
    assertThat(holders().values().stream().filter(h -> h.contains(silentId))).isEmpty();

    net.scheduler().run(Duration.ofSeconds(45));

    // Sent again once it answers: it holds every record it is among the closest nodes of.
    Map<String, Set<NodeId>> holders = holders();
    assertThat(batch.stream().filter(w -> closest(w.key()).contains(silentId))
        .filter(w -> holders.get(w.key()).contains(silentId)).count()).isEqualTo(waiting);
    assertThat(writer.stats().rpcs()).containsKey("STORE_RETRY");
  }

  private NodeId closestFirst(String key) {
    NodeId target = NodeId.forKey(NS, key, 2);
    return nodes.stream().map(Node::id).min(Comparator.comparing(id -> id, target::compareDistance)).orElseThrow();
  }

  private static JsonNode nested(int depth) {
    JsonNode v = IntNode.valueOf(1);
    for (int i = 0; i < depth; i++) {
      v = JsonNodeFactory.instance.arrayNode().add(v);
    }
    return v;
  }
}
