package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeStats;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.testkit.TestSigners;
import dev.weft.sim.Latency;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Holders keep a record on the nodes closest to its key by themselves (replica maintenance): without any get (so no
 * read repair) and with the writer's republish off, on a simulated network in virtual time, seeded.
 */
class HandoffTest {
  private static final String KEY = "k";
  private static final int REPLICATION = 3;
  private static final RecordSigner OWNER = TestSigners.seeded(41);

  private String ns = "ns";
  private NodeId target = NodeId.forKey(ns, KEY, 2);
  /** How the writer puts the record. */
  private Function<Node, CompletableFuture<?>> write = n -> n.storage().put(ns, KEY, TextNode.valueOf("v"));
  private String republish = "1000h";
  private String recordTtl = "24h";
  private String tombstoneTtl = "24h";

  private final List<Node> nodes = new ArrayList<>();
  private SimNetwork net;
  private Random random;
  private int next;

  private void finish(List<? extends CompletableFuture<?>> futures) {
    SimReplicas.finish(net, futures);
  }

  private List<Node> closestFirst() {
    return SimReplicas.closestFirst(nodes, target);
  }

  /** Nodes holding the record, closest to its key first. */
  private List<Node> holders() {
    return SimReplicas.holders(net, nodes, target, ns);
  }

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  private Node start(NodeId id, String maintenance) {
    Node n = Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
        .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(id)
        .listen("sim://n" + next++ + ":1")
        .set(KademliaSettings.REPLICATION.key(), String.valueOf(REPLICATION))
        .set(KademliaSettings.READ_QUORUM.key(), "2")
        .set(KademliaSettings.REPUBLISH_INTERVAL.key(), republish)
        .set(KademliaSettings.RECORD_TTL.key(), recordTtl)
        .set(KademliaSettings.TOMBSTONE_TTL.key(), tombstoneTtl)
        .set(KademliaSettings.SWEEP_INTERVAL.key(), "1s")
        .set(KademliaSettings.MAINTENANCE_INTERVAL.key(), maintenance).build();
    nodes.add(n);
    return n;
  }

  /** 30 nodes joined, one record put by a node that is not one of its holders. */
  private void network(long seed, String maintenance) {
    net = new SimNetwork(seed, Latency.fixed(Duration.ofMillis(30)));
    random = new Random(seed);
    Node first = start(NodeId.random(random), maintenance);
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < 30; i++) {
      joins.add(start(NodeId.random(random), maintenance).join(first.addresses()));
    }
    finish(joins);
    Node writer = closestFirst().get(REPLICATION + 5);
    finish(List.of(write.apply(writer)));
    assertThat(holders()).containsExactlyElementsOf(closestFirst().subList(0, REPLICATION));
  }

  private static long storesReceived(Node n) {
    NodeStats.Rpc r = n.stats().rpcs().get("STORE");
    return r == null ? 0 : r.received();
  }

  /** An id at XOR distance 1 from the key: closer than any node already in. */
  private NodeId closestPossible() {
    byte[] b = target.toBytes();
    b[b.length - 1] ^= 1;
    return NodeId.of(b);
  }

  /**
   * The closest node to the key is cut off while the record is put, so the put misses it; it comes back at once and
   * stays in every routing table, so the hand-off (which serves nodes new to the replica set) never sends it the
   * record. The writer sends it again within seconds instead of at the next republish (here: never).
   */
  @Test
  void aClosestNodeThatMissedThePutIsSentTheRecordAgain() {
    net = new SimNetwork(37, Latency.fixed(Duration.ofMillis(30)));
    random = new Random(37);
    Node first = start(NodeId.random(random), "1000h");
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < 30; i++) {
      joins.add(start(NodeId.random(random), "1000h").join(first.addresses()));
    }
    finish(joins);
    Node missing = closestFirst().get(0);
    Node writer = closestFirst().get(REPLICATION + 5);
    net.partition(missing.addresses().get(0), 1);
    finish(List.of(writer.storage().put(ns, KEY, TextNode.valueOf("v"))));
    net.heal();
    assertThat(holders()).doesNotContain(missing).hasSize(REPLICATION);

    net.scheduler().run(Duration.ofSeconds(45));

    assertThat(holders()).startsWith(missing);
    assertThat(writer.stats().rpcs()).containsKey("STORE_RETRY");
  }

  @Test
  void aNodeThatJoinsAmongTheClosestIsHandedTheRecordByAFewHolders() {
    network(31, "10s");
    Node newcomer = start(closestPossible(), "10s");
    finish(List.of(newcomer.join(nodes.get(0).addresses())));
    net.scheduler().run(Duration.ofSeconds(25));
    assertThat(holders()).startsWith(newcomer);
    // Only the first holders in line push, not every one of them (a push that first had to fetch the newcomer's
    // address token counts once, as a TOKEN exchange, and once as the STORE served).
    assertThat(storesReceived(newcomer)).isBetween(1L, 2L);
    assertThat(newcomer.stats().refused()).doesNotContainKey("token.store");
  }

  /** An id at XOR distance {@code d} from the key. */
  private NodeId atDistance(int d) {
    byte[] b = target.toBytes();
    b[b.length - 1] ^= (byte) d;
    return NodeId.of(b);
  }

  @Test
  void newcomersThatTakeTheWholeReplicaSetAreHandedTheRecordByTheHoldersTheyDisplaced() {
    network(35, "10s");
    List<Node> old = holders();
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    List<Node> newcomers = new ArrayList<>();
    for (int d = 1; d <= REPLICATION; d++) {
      Node n = start(atDistance(d), "10s");
      newcomers.add(n);
      joins.add(n.join(nodes.get(0).addresses()));
    }
    finish(joins);
    net.scheduler().run(Duration.ofSeconds(25));
    // None of the old holders is among the closest now, and each newcomer got the record from one or two of them.
    assertThat(holders()).startsWith(newcomers.toArray(Node[]::new)).containsAll(old);
    for (Node n : newcomers) {
      assertThat(storesReceived(n)).as("from at most two pushers").isBetween(1L, 4L);
    }
  }

  @Test
  void aRecordDeletedByAnotherNodeStaysDeletedOnceTheTombstoneExpires() {
    republish = "5s";
    tombstoneTtl = "20s";
    network(36, "10s");
    Node writer = closestFirst().get(REPLICATION + 5);
    Node deleter = closestFirst().get(REPLICATION + 6);
    finish(List.of(deleter.storage().delete(ns, KEY)));
    // The tombstone is swept after 20 s; the writer republishes every 5 s. It must have stopped when it met the delete.
    net.scheduler().run(Duration.ofSeconds(60));
    for (Node reader : List.of(writer, deleter, closestFirst().get(0))) {
      CompletableFuture<java.util.Optional<StoredObject>> got = reader.storage().get(ns, KEY);
      finish(List.of(got));
      assertThat(got.join()).as("read on %s", reader.id().shortHex()).isEmpty();
    }
  }

  @Test
  void withoutMaintenanceTheNewcomerStaysEmpty() {
    network(31, "1000h");
    Node newcomer = start(closestPossible(), "1000h");
    finish(List.of(newcomer.join(nodes.get(0).addresses())));
    net.scheduler().run(Duration.ofMinutes(5));
    assertThat(holders()).doesNotContain(newcomer).hasSize(REPLICATION);
  }

  @Test
  void holdersRestoreTheReplicasAfterOthersLeft() {
    network(32, "10s");
    List<Node> before = holders();
    for (Node gone : before.subList(0, REPLICATION - 1)) {
      gone.close();
      nodes.remove(gone);
    }
    assertThat(holders()).hasSize(1);
    // The survivor's pings find its neighbours gone within an interval or two; the next in line get the record.
    net.scheduler().run(Duration.ofSeconds(45));
    assertThat(holders()).containsExactlyElementsOf(closestFirst().subList(0, REPLICATION));
  }

  /** The record is written into an owned namespace by {@code put(..., OWNER)}. */
  private void owned() {
    ns = OWNER.namespace("ns");
    target = NodeId.forKey(ns, KEY, 2);
    write = n -> n.storage().put(ns, KEY, TextNode.valueOf("v"), OWNER);
  }

  /** Owned, with a 20 s record lifetime that only republishing every 5 s can extend. */
  private void ownedShortLived() {
    owned();
    recordTtl = "20s";
    republish = "5s";
  }

  private long signatureRefusals() {
    return nodes.stream().mapToLong(n -> n.stats().refused().getOrDefault("signature", 0L)
        + n.stats().refused().getOrDefault("signature.read", 0L)).sum();
  }

  @Test
  void anOwnedRecordIsHandedOffWithItsSignature() {
    owned();
    network(31, "10s");
    Node newcomer = start(closestPossible(), "10s");
    finish(List.of(newcomer.join(nodes.get(0).addresses())));
    net.scheduler().run(Duration.ofSeconds(25));
    // The newcomer stored it, so it verified there; and it reads as its owner's.
    assertThat(holders()).startsWith(newcomer);
    CompletableFuture<java.util.Optional<StoredObject>> got = newcomer.storage().get(ns, KEY);
    finish(List.of(got));
    assertThat(got.join()).hasValueSatisfying(o -> assertThat(o.owner()).isPresent());
    assertThat(signatureRefusals()).isZero();
  }

  @Test
  void theWriterSignsEachRefreshSoAnOwnedRecordOutlivesItsFirstExpiry() {
    ownedShortLived();
    network(33, "10s");
    net.scheduler().run(Duration.ofSeconds(90));
    assertThat(holders()).hasSize(REPLICATION);
    assertThat(signatureRefusals()).isZero();
  }

  @Test
  void aRecordSignedElsewhereIsRepublishedUnchangedUntilItsSignedExpiry() {
    ownedShortLived();
    write = n -> {
      long now = net.scheduler().currentTimeMillis();
      return n.storage().putSigned(Record.value(ns, KEY, "\"v\"".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          new dev.weft.api.Version(now << 16, 5), now + 30_000, n.id()).signedBy(OWNER));
    };
    network(34, "10s");
    net.scheduler().run(Duration.ofSeconds(20));
    assertThat(holders()).hasSize(REPLICATION);
    // The writer cannot sign a new expiry (it never had the key): the record ends where its owner said.
    net.scheduler().run(Duration.ofSeconds(20));
    assertThat(holders()).isEmpty();
    assertThat(signatureRefusals()).isZero();
  }
}
