package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Page;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.Weft;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.api.spi.store.StoreResult;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.testkit.TestCluster;
import dev.weft.testkit.TestSigners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A node restarted on the store it had is the same node: id, contacts and the records it keeps republishing. */
class RestartTest {
  /** A memory store that outlives the node, standing in for a persistent one. */
  static final class Kept implements StoreProvider {
    final LocalStore inner = new MemoryStoreProvider().open(null);

    @Override
    public String name() {
      return "kept";
    }

    @Override
    public LocalStore open(StoreContext context) {
      return new LocalStore() {
        @Override
        public CompletableFuture<StoreResult> put(Record record) {
          return inner.put(record);
        }

        @Override
        public CompletableFuture<Optional<Record>> get(String namespace, String key) {
          return inner.get(namespace, key);
        }

        @Override
        public CompletableFuture<Boolean> remove(String namespace, String key, Version version) {
          return inner.remove(namespace, key, version);
        }

        @Override
        public CompletableFuture<Page<Record>> scan(Scan scan) {
          return inner.scan(scan);
        }

        @Override
        public CompletableFuture<Long> sweepExpired(long nowMillis) {
          return inner.sweepExpired(nowMillis);
        }

        @Override
        public long size() {
          return inner.size();
        }

        @Override
        public Optional<String> loadMeta(String name) {
          return inner.loadMeta(name);
        }

        @Override
        public CompletableFuture<Void> saveMeta(String name, String value) {
          return inner.saveMeta(name, value);
        }

        @Override
        public CompletableFuture<Void> removeMeta(String name) {
          return inner.removeMeta(name);
        }

        @Override
        public SortedMap<String, String> loadMetaWithPrefix(String prefix) {
          return inner.loadMetaWithPrefix(prefix);
        }

        @Override
        public void close() {
          // kept for the next start
        }
      };
    }
  }

  /**
   * Owned: the records are signed by a key the restarted node no longer has, so it republishes them unchanged (their
   * signed expiry), and replicas still take them.
   */
  @ParameterizedTest(name = "owned namespaces: {0}")
  @ValueSource(booleans = {false, true})
  void sameIdContactsAndPublicationsAfterARestart(boolean owned) throws Exception {
    RecordSigner owner = TestSigners.seeded(32);
    try (TestCluster c = TestCluster.builder().nodes(8).seed(31)
        .set(KademliaSettings.RPC_TIMEOUT.key(), "200ms").set(KademliaSettings.REPLICATION.key(), "3")
        .set(KademliaSettings.WRITE_QUORUM.key(), "3").start()) {
      Kept kept = new Kept();
      Node first = Weft.builder().listen("udp://127.0.0.1:0").addStore(kept).storage("kept")
          .set(KademliaSettings.REPLICATION.key(), "3")
          .set(KademliaSettings.WRITE_QUORUM.key(), "3").set(KademliaSettings.RPC_TIMEOUT.key(), "200ms").build();
      NodeId id = first.id();
      first.join(c.node(0).addresses()).get(10, TimeUnit.SECONDS);
      List<String> namespaces = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String ns = owned ? owner.namespace("ns-" + i) : "ns-" + i;
        namespaces.add(ns);
        (owned ? first.storage().put(ns, "k", JsonNodeFactory.instance.numberNode(i), owner)
            : first.storage().put(ns, "k", JsonNodeFactory.instance.numberNode(i))).get(10, TimeUnit.SECONDS);
      }
      first.close();

      // Restarted with no id and no bootstrap: the id and the contacts come from its store.
      try (Node again = Weft.builder().listen("udp://127.0.0.1:0").addStore(kept).storage("kept")
          .set(KademliaSettings.REPLICATION.key(), "3")
            .set(KademliaSettings.WRITE_QUORUM.key(), "3").set(KademliaSettings.RPC_TIMEOUT.key(), "200ms")
          .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "1s").build()) {
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.join(List.of()).get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(8);

        // Its holders all gone, a record it wrote before the restart comes back through its republishing.
        String target = null;
        List<Integer> holders = new ArrayList<>();
        for (String ns : namespaces) {
          List<Integer> h = new ArrayList<>();
          for (int n = 0; n < 8; n++) {
            if (!c.node(n).storage().lscan(ns).join().items().isEmpty()) {
              h.add(n);
            }
          }
          if (!h.contains(0) && h.size() == 3 && again.storage().lscan(ns).join().items().isEmpty()) {
            target = ns;
            holders = h;
            break;
          }
        }
        assertThat(target).as("a record held by three other nodes only").isNotNull();
        holders.forEach(c::stop);
        String ns = target;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
            assertThat(c.node(0).storage().get(ns, "k").get(10, TimeUnit.SECONDS)).isPresent());
        assertThat(c.runningNodes()).allSatisfy(n -> assertThat(n.stats().refused()).doesNotContainKey("signature"));
      }
    }
  }
}
