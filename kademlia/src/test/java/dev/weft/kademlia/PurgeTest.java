package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.sim.Latency;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Dht#purge}: every node removes its copies of a namespace's records on its own, and neither the writer's
 * republish nor the holders' republish and hand-off bring them back; other namespaces, and records newer than the
 * bound, stay. On a simulated network in virtual time, seeded.
 */
class PurgeTest {
  private static final int NODES = 12;
  private static final int REPLICATION = 3;

  private final List<Node> nodes = new ArrayList<>();
  private final Map<Node, Dht> dhts = new HashMap<>();
  private SimNetwork net;

  @BeforeEach
  void network() {
    net = new SimNetwork(5, Latency.fixed(Duration.ofMillis(20)));
    Random random = new Random(5);
    for (int i = 0; i < NODES; i++) {
      Dht[] dht = new Dht[1];
      Node n = Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
          .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(NodeId.random(random))
          .addPlugin(DhtCapture.into(d -> dht[0] = d)).listen("sim://n" + i + ":1")
          .set(KademliaSettings.REPLICATION.key(), String.valueOf(REPLICATION))
          .set(KademliaSettings.WRITE_QUORUM.key(), String.valueOf(REPLICATION))
          .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "10s")
          .set(KademliaSettings.MAINTENANCE_INTERVAL.key(), "5s").build();
      nodes.add(n);
      dhts.put(n, dht[0]);
      if (i > 0) {
        finish(n.join(nodes.get(0).addresses()));
      }
    }
  }

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  private <T> T finish(CompletableFuture<T> f) {
    assertThat(net.scheduler().runUntil(f::isDone, Duration.ofMinutes(5))).isTrue();
    return f.join();
  }

  /** Copies of {@code namespace}'s records on every node, and the distinct keys among them. */
  private int[] held(String namespace) {
    int copies = 0;
    Set<String> keys = new HashSet<>();
    for (Node n : nodes) {
      Page<StoredObject> page = finish(n.storage().lscan(Scan.namespace(namespace).limit(Scan.MAX_LIMIT)));
      copies += page.items().size();
      page.items().forEach(o -> keys.add(o.key()));
    }
    return new int[] {copies, keys.size()};
  }

  private void write(Node writer, String namespace, int from, int to) {
    List<CompletableFuture<?>> puts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      puts.add(writer.storage().put(namespace, "k" + i, IntNode.valueOf(i)));
    }
    finish(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));
  }

  private long purgeEverywhere(String namespace, long before) {
    long removed = 0;
    for (Node n : nodes) {
      removed += finish(dhts.get(n).purge(namespace, before));
    }
    return removed;
  }

  @Test
  void aPurgedNamespaceStaysEmptyThroughRepublishAndHandOff() {
    Node writer = nodes.get(3);
    write(writer, "dead", 0, 30);
    write(writer, "alive", 0, 30);
    int[] before = held("dead");
    assertThat(before[1]).isEqualTo(30);
    assertThat(before[0]).isGreaterThanOrEqualTo(30 * REPLICATION);

    long removed = purgeEverywhere("dead", Long.MAX_VALUE);

    assertThat(removed).isEqualTo(before[0]);
    assertThat(held("dead")).containsExactly(0, 0);
    // Several rounds of republish (writer and holders) and hand-off: nothing comes back, the rest stays.
    net.scheduler().run(Duration.ofSeconds(45));
    assertThat(held("dead")).containsExactly(0, 0);
    assertThat(held("alive")[1]).isEqualTo(30);
  }

  @Test
  void onlyRecordsStampedBeforeTheBoundAreRemoved() {
    Node writer = nodes.get(7);
    write(writer, "mixed", 0, 10);
    net.scheduler().run(Duration.ofSeconds(2));
    long bound = net.scheduler().currentTimeMillis();
    net.scheduler().run(Duration.ofSeconds(1));
    write(writer, "mixed", 10, 20);

    purgeEverywhere("mixed", bound);

    net.scheduler().run(Duration.ofSeconds(45));
    List<String> left = new ArrayList<>();
    for (Node n : nodes) {
      finish(n.storage().lscan(Scan.namespace("mixed"))).items().forEach(o -> left.add(o.key()));
    }
    assertThat(left).isNotEmpty().allMatch(k -> Integer.parseInt(k.substring(1)) >= 10);
    assertThat(left.stream().distinct().count()).isEqualTo(10);
  }
}
