package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.PutResult;
import dev.weft.api.Weft;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.sim.Latency;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A put answers once the write quorum of its replicas took the record, the closest one among them; the STOREs still
 * out are followed after the answer (stand-ins, resends). Replication 4 and read quorum 2 make the default write
 * quorum 3. On a simulated network in virtual time, seeded: a cut-off replica is a partitioned address.
 */
class WriteQuorumTest {
  private static final int REPLICATION = 4;
  private static final String NS = "ns";
  private static final String KEY = "k";
  private static final Duration RPC_TIMEOUT = Duration.ofMillis(500);

  private final NodeId target = NodeId.forKey(NS, KEY, 2);
  private final List<Node> nodes = new ArrayList<>();
  private SimNetwork net;

  private void finish(List<? extends CompletableFuture<?>> futures) {
    SimReplicas.finish(net, futures);
  }

  private List<Node> closestFirst() {
    return SimReplicas.closestFirst(nodes, target);
  }

  /** Nodes holding the record, closest to its key first. */
  private List<Node> holders() {
    return SimReplicas.holders(net, nodes, target, NS);
  }

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  @Test
  void aSlowReplicaOtherThanTheClosestDoesNotHoldTheAnswer() {
    network(61, null);
    Node slow = closestFirst().get(2);
    net.partition(slow.addresses().get(0), 1);
    long start = net.scheduler().currentTimeMillis();

    PutResult put = put();

    assertThat(put.acknowledged()).isEqualTo(3);
    assertThat(put.attempted()).isEqualTo(REPLICATION);
    assertThat(net.scheduler().currentTimeMillis() - start).as("answered before the cut-off replica timed out")
        .isLessThan(RPC_TIMEOUT.toMillis());
    // After the answer, the next node in line stands in for the one that did not answer...
    net.scheduler().run(Duration.ofSeconds(3));
    assertThat(holders()).contains(closestFirst().get(REPLICATION)).doesNotContain(slow);
    // ...and the cut-off one is sent the record again once it is back.
    net.heal();
    net.scheduler().run(Duration.ofSeconds(45));
    assertThat(holders()).contains(slow);
  }

  @Test
  void theAnswerWaitsForTheClosestReplica() {
    network(62, null);
    Node closest = closestFirst().get(0);
    net.partition(closest.addresses().get(0), 1);
    long start = net.scheduler().currentTimeMillis();

    PutResult put = put();

    // Three others took it at once, but the answer waited for the closest one's STORE to time out and for the
    // stand-in that took its place: a scan leaves the row to its closest holder.
    assertThat(put.acknowledged()).isEqualTo(REPLICATION);
    assertThat(net.scheduler().currentTimeMillis() - start).isGreaterThanOrEqualTo(RPC_TIMEOUT.toMillis());
  }

  @Test
  void aWriteQuorumOfEveryReplicaWaitsForAll() {
    network(63, String.valueOf(REPLICATION));
    net.partition(closestFirst().get(2).addresses().get(0), 1);

    PutResult put = put();

    assertThat(put.acknowledged()).as("the stand-in's acknowledgement included").isEqualTo(REPLICATION);
  }

  /** 30 nodes joined. */
  private void network(long seed, String writeQuorum) {
    net = new SimNetwork(seed, Latency.fixed(Duration.ofMillis(20)));
    Random random = new Random(seed);
    Node first = start(NodeId.random(random), writeQuorum);
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < 30; i++) {
      joins.add(start(NodeId.random(random), writeQuorum).join(first.addresses()));
    }
    finish(joins);
  }

  private Node start(NodeId id, String writeQuorum) {
    var b = Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
        .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(id)
        .listen("sim://n" + nodes.size() + ":1")
        .set(KademliaSettings.REPLICATION.key(), String.valueOf(REPLICATION))
        .set(KademliaSettings.READ_QUORUM.key(), "2")
        .set(KademliaSettings.RPC_TIMEOUT.key(), RPC_TIMEOUT.toMillis() + "ms")
        .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "1000h")
        .set(KademliaSettings.MAINTENANCE_INTERVAL.key(), "1000h");
    if (writeQuorum != null) {
      b.set(KademliaSettings.WRITE_QUORUM.key(), writeQuorum);
    }
    Node n = b.build();
    nodes.add(n);
    return n;
  }

  /** A put by a node that is not one of the record's replicas or their stand-ins. */
  private PutResult put() {
    CompletableFuture<PutResult> put = closestFirst().get(REPLICATION + 5).storage().put(NS, KEY,
        TextNode.valueOf("v"));
    finish(List.of(put));
    return put.join();
  }

}
