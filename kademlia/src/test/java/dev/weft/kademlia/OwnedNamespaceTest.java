package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.testkit.TestCluster;
import dev.weft.testkit.TestSigners;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Owned namespaces on a real UDP cluster: only the owner's signed writes are stored by replicas and taken by readers,
 * whatever a hostile peer sends or a replica answers.
 */
class OwnedNamespaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FAR = 99_999_999_999_999L;

  private final RecordSigner owner = TestSigners.seeded(21);
  private final RecordSigner stranger = TestSigners.seeded(22);
  private final String ns = owner.namespace("notes");
  private final NodeId attackerId = NodeId.random(new Random(23));
  /** Each node's local store, in the cluster's node order: a test can write to one directly, as a hostile node would. */
  private final List<LocalStore> stores = new ArrayList<>();
  private TestCluster cluster;

  @BeforeEach
  void start() {
    StoreProvider capturing = new StoreProvider() {
      @Override
      public String name() {
        return "memory";
      }

      @Override
      public LocalStore open(StoreContext context) {
        LocalStore s = new MemoryStoreProvider().open(context);
        stores.add(s);
        return s;
      }
    };
    cluster = TestCluster.builder().nodes(12).seed(24).set(KademliaSettings.RPC_TIMEOUT.key(), "300ms")
        .set(KademliaSettings.REPLICATION.key(), "4")
        // Puts answer once every replica took them: the tests look at the holders right after.
        .set(KademliaSettings.WRITE_QUORUM.key(), "4").customize(b -> b.addStore(capturing)).start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** The value every node reads for {@code (ns, key)}. */
  private List<Optional<JsonNode>> readEverywhere(String key) throws Exception {
    List<Optional<JsonNode>> out = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      out.add(await(n.storage().get(ns, key)).map(StoredObject::value));
    }
    return out;
  }

  private List<Integer> holders(String key) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.node(i).storage().lscan(ns).join().items().stream().anyMatch(o -> o.key().equals(key))) {
        out.add(i);
      }
    }
    return out;
  }

  private long refused(Node n, String reason) {
    return n.stats().refused().getOrDefault(reason, 0L);
  }

  /** A record as it travels, {@code sig} in base64 or null. */
  private String record(String key, String val, Version v, String sig) {
    return "{\"ns\":\"" + ns + "\",\"key\":\"" + key + "\"," + (val == null ? "\"tomb\":true" : "\"val\":" + val)
        + ",\"ver\":\"" + v + "\",\"exp\":" + FAR + ",\"pub\":\"" + attackerId.toHex() + "\""
        + (sig == null ? "" : ",\"sig\":\"" + sig + "\"") + "}";
  }

  private static String b64(byte[] sig) {
    return Base64.getEncoder().encodeToString(sig);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void hostileStoresIntoAnOwnedNamespaceAreRefusedAndCounted() throws Exception {
    PutResult put = await(cluster.node(1).storage().put(ns, "k", json("{\"v\":1}"), owner));
    assertThat(put.acknowledged()).isPositive();
    int holder = holders("k").get(0);
    Node target = cluster.node(holder);
    Address a = target.addresses().get(0);
    InetSocketAddress to = new InetSocketAddress(a.host(), a.port());
    Version higher = new Version(put.version().timestamp() + 1000, 1);
    String header = "{\"v\":1,\"t\":\"STORE\",\"from\":\"" + attackerId.toHex() + "\",\"addrs\":[\"%s\"],\"rid\":%d";
    List<String> forged = List.of(
        // unsigned, newer
        record("k", "{\"v\":666}", higher, null),
        // signed by another key (over its own namespace)
        record("k", "{\"v\":666}", higher, b64(stranger.sign(stranger.namespace("notes"), "k", higher, FAR, false,
            utf8("{\"v\":666}")))),
        // the owner's signature of one value, with another value
        record("k", "{\"v\":667}", higher, b64(owner.sign(ns, "k", higher, FAR, false, utf8("{\"v\":666}")))),
        // a newer tombstone carrying a signature the owner made for a value
        record("k", null, higher, b64(owner.sign(ns, "k", higher, FAR, false, utf8("{\"v\":666}")))),
        // 64 zero bytes for a signature
        record("k", "{\"v\":666}", higher, b64(new byte[64])));
    try (RawUdpPeer peer = new RawUdpPeer("127.0.0.1")) {
      long rid = 2_000_000_000_000_000_001L;
      peer.send(String.format(header, peer.address(), rid) + ",\"record\":" + forged.get(0) + "}", to);
      RawUdpPeer.Received first = answer(peer, rid);
      assertThat(first.json().path("t").asText()).isEqualTo("TOKEN");
      long token = first.json().path("tok").asLong();
      for (String r : forged) {
        rid++;
        peer.send(String.format(header, peer.address(), rid) + ",\"tok\":" + token + ",\"record\":" + r + "}", to);
        RawUdpPeer.Received answer = answer(peer, rid);
        assertThat(answer.json().path("t").asText()).as(r).isEqualTo("ERROR");
        assertThat(answer.json().path("error").asText()).contains("signature");
      }
    }
    assertThat(refused(target, "signature")).isEqualTo(forged.size());
    // Nothing was stored: the holder still has the owner's record, and every node reads it.
    assertThat(await(target.storage().lscan(ns)).items()).singleElement()
        .satisfies(o -> assertThat(o.version()).isEqualTo(put.version()));
    assertThat(readEverywhere("k")).containsOnly(Optional.of(json("{\"v\":1}")));
  }

  @Test
  void onlyTheOwnerWritesAndDeletesAndItCanDoSoThroughAnyNode() throws Exception {
    // Without the owner's signer, into someone else's namespace, or a signer into a plain namespace: refused at once.
    for (CompletableFuture<?> f : List.of(cluster.node(2).storage().put(ns, "k", json("1")),
        cluster.node(2).storage().put(ns, "k", json("1"), stranger),
        cluster.node(2).storage().put(ns, "k", json("1"), Duration.ofHours(1), stranger),
        cluster.node(2).storage().delete(ns, "k"),
        cluster.node(2).storage().delete(ns, "k", stranger),
        cluster.node(2).storage().put("notes", "k", json("1"), owner),
        cluster.node(2).storage().put("@notes", "k", json("1")))) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
    await(cluster.node(2).storage().put(ns, "k", json("{\"v\":1}"), owner));
    StoredObject got = await(cluster.node(9).storage().get(ns, "k")).orElseThrow();
    assertThat(got.value()).isEqualTo(json("{\"v\":1}"));
    assertThat(got.owner()).hasValueSatisfying(k -> assertThat(k).isEqualTo(owner.publicKey()));
    // The owner's key works through another node (it is the key that writes, not the node).
    await(cluster.node(5).storage().put(ns, "k", json("{\"v\":2}"), Duration.ofHours(1), owner));
    assertThat(readEverywhere("k")).containsOnly(Optional.of(json("{\"v\":2}")));
    await(cluster.node(7).storage().delete(ns, "k", owner));
    assertThat(readEverywhere("k")).containsOnly(Optional.empty());
    assertThat(cluster.nodes()).allSatisfy(n -> assertThat(refused(n, "signature")).isZero());
    // Plain namespaces are untouched by all this.
    await(cluster.node(3).storage().put("notes", "k", json("3")));
    assertThat(await(cluster.node(4).storage().get("notes", "k")).orElseThrow().owner()).isEmpty();
  }

  @Test
  void readersIgnoreForgedAnswersAndDoNotRepairWithThem() throws Exception {
    PutResult put = await(cluster.node(1).storage().put(ns, "r", json("{\"v\":1}"), owner));
    List<Integer> holders = holders("r");
    assertThat(holders).hasSizeGreaterThanOrEqualTo(3);
    // Every holder but one, and the reader itself, hold a forged newer version (put in their stores directly, as a
    // hostile node would serve it): tampered value, another key's signature, an unsigned tombstone.
    Version higher = new Version(put.version().timestamp() + 1000, 1);
    Record good = Record.value(ns, "r", utf8("{\"v\":666}"), higher, FAR, attackerId).signedBy(owner);
    List<Record> forgeries = List.of(
        Record.value(ns, "r", utf8("{\"v\":667}"), higher, FAR, attackerId).withSignature(good.signature()),
        Record.value(ns, "r", utf8("{\"v\":666}"), higher, FAR, attackerId).withSignature(
            stranger.sign(stranger.namespace("notes"), "r", higher, FAR, false, utf8("{\"v\":666}"))),
        Record.tombstone(ns, "r", higher, FAR, attackerId));
    int reader = -1;
    for (int i = 0; i < cluster.size() && reader < 0; i++) {
      if (!holders.contains(i)) {
        reader = i;
      }
    }
    List<Integer> liars = new ArrayList<>(holders.subList(1, holders.size()));
    liars.add(reader);
    for (int i = 0; i < liars.size(); i++) {
      await(stores.get(liars.get(i)).put(forgeries.get(i % forgeries.size())));
    }
    Node readerNode = cluster.node(reader);
    StoredObject got = await(readerNode.storage().get(ns, "r")).orElseThrow();
    assertThat(got.value()).isEqualTo(json("{\"v\":1}"));
    assertThat(got.version()).isEqualTo(put.version());
    assertThat(refused(readerNode, "signature.read")).isPositive();
    // Repair did not spread a forgery: the honest holder still has the owner's version.
    assertThat(await(stores.get(holders.get(0)).get(ns, "r")).orElseThrow().version()).isEqualTo(put.version());
    assertThat(cluster.nodes()).allSatisfy(n -> assertThat(refused(n, "signature")).isZero());
  }

  @Test
  void aRecordSignedByAClientIsStoredAsItIs() throws Exception {
    Node node = cluster.node(3);
    long now = System.currentTimeMillis();
    Version v = new Version(now << 16, 77);
    byte[] value = utf8("{ \"text\" : \"signed elsewhere\" }");
    Record r = Record.value(ns, "c", value, v, now + 3_600_000, node.id()).signedBy(owner);
    PutResult put = await(node.storage().putSigned(r));
    assertThat(put.version()).isEqualTo(v);
    StoredObject got = await(cluster.node(8).storage().get(ns, "c")).orElseThrow();
    assertThat(got.value()).isEqualTo(json("{\"text\":\"signed elsewhere\"}"));
    assertThat(got.version()).isEqualTo(v);
    // Refused before touching the network: a bad signature, a version far ahead, a plain namespace, an expired record.
    Version ahead = new Version((now + 600_000) << 16, 77);
    for (Record bad : List.of(
        Record.value(ns, "c", utf8("1"), new Version(v.timestamp() + 1, 77), now + 3_600_000, node.id())
            .withSignature(r.signature()),
        Record.value(ns, "c", value, ahead, now + 3_600_000, node.id()).signedBy(owner),
        Record.value("notes", "c", value, v, now + 3_600_000, node.id()),
        Record.value(ns, "c", value, v, now - 1, node.id()).signedBy(owner))) {
      assertThatThrownBy(() -> node.storage().putSigned(bad).get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(await(cluster.node(8).storage().get(ns, "c")).orElseThrow().version()).isEqualTo(v);
  }

  private static RawUdpPeer.Received answer(RawUdpPeer peer, long rid) throws Exception {
    for (int i = 0; i < 40; i++) {
      RawUdpPeer.Received r = peer.receive();
      if (r != null && r.json() != null && r.json().path("rid").asLong() == rid) {
        return r;
      }
    }
    throw new AssertionError("no answer to request " + rid);
  }
}
