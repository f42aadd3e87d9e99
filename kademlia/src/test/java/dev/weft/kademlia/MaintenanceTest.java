package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.StoredObject;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Expiry and republish with their intervals shortened to seconds. */
class MaintenanceTest {
  private static TestCluster.Builder cluster(int n, long seed) {
    return TestCluster.builder().nodes(n).seed(seed)
        .set(KademliaSettings.RPC_TIMEOUT.key(), "200ms")
        .set(KademliaSettings.REPLICATION.key(), "3").set(KademliaSettings.WRITE_QUORUM.key(), "3")
        .set(KademliaSettings.READ_QUORUM.key(), "2")
        .set(KademliaSettings.SWEEP_INTERVAL.key(), "200ms")
        .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "1s")
        .set(KademliaSettings.TOMBSTONE_TTL.key(), "2s");
  }

  private static long held(TestCluster c, String ns) {
    return c.runningNodes().stream().mapToLong(n -> n.storage().lscan(ns).join().items().size()).sum();
  }

  @Test
  void recordsWithATimeToLiveExpireEverywhere() throws Exception {
    try (TestCluster c = cluster(5, 21).start()) {
      long written = System.nanoTime();
      c.node(0).storage().put("short", "k", JsonNodeFactory.instance.textNode("v"), Duration.ofMillis(1500))
          .get(10, TimeUnit.SECONDS);
      c.node(0).storage().put("long", "k", JsonNodeFactory.instance.textNode("v")).get(10, TimeUnit.SECONDS);
      assertThat(c.node(1).storage().get("short", "k").get(10, TimeUnit.SECONDS)).isPresent();
      assertThat(held(c, "short")).isEqualTo(3);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        assertThat(held(c, "short")).isZero();
        assertThat(c.node(2).storage().get("short", "k").get(10, TimeUnit.SECONDS)).isEmpty();
        // Swept from the stores too, not only hidden from reads: what is left is the plain record's 3 replicas.
        assertThat(c.nodes().stream().mapToLong(n -> n.info().stored()).sum()).isEqualTo(3);
      });
      // Gone within its time to live plus one sweep (200 ms), with a margin for a loaded machine.
      assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofMillis(1500 + 200 + 2500));
      // Republished several times meanwhile, the plain record neither expired nor multiplied.
      assertThat(c.node(3).storage().get("long", "k").get(10, TimeUnit.SECONDS)).isPresent();
      assertThat(held(c, "long")).isEqualTo(3);
      long sizeBefore = c.nodes().stream().mapToLong(n -> n.info().stored()).sum();
      c.node(0).storage().delete("long", "k").get(10, TimeUnit.SECONDS);
      // Tombstones read as not found at once and leave the stores after their own time to live.
      assertThat(c.node(4).storage().get("long", "k").get(10, TimeUnit.SECONDS)).isEmpty();
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(c.nodes().stream().mapToLong(n -> n.info().stored()).sum()).isLessThan(sizeBefore));
    }
  }

  @Test
  void theWriterRestoresARecordWhoseHoldersAllDied() throws Exception {
    try (TestCluster c = cluster(10, 22).start()) {
      Node writer = c.node(0);
      // Namespaces decide where records land; try until the holders include neither the writer nor the reader.
      String ns = null;
      List<Integer> holders = new ArrayList<>();
      for (int i = 0; ns == null && i < 200; i++) {
        String candidate = "ns-" + i;
        writer.storage().put(candidate, "k", JsonNodeFactory.instance.numberNode(i)).get(10, TimeUnit.SECONDS);
        List<Integer> h = new ArrayList<>();
        for (int n = 0; n < c.size(); n++) {
          if (!c.node(n).storage().lscan(candidate).join().items().isEmpty()) {
            h.add(n);
          }
        }
        assertThat(h).hasSize(3);
        if (!h.contains(0) && !h.contains(1)) {
          ns = candidate;
          holders = h;
        }
      }
      assertThat(ns).isNotNull();
      holders.forEach(c::stop);
      String found = ns;
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        Optional<StoredObject> o = c.node(1).storage().get(found, "k").get(10, TimeUnit.SECONDS);
        assertThat(o).isPresent();
      });
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(held(c, found)).isEqualTo(3));
    }
  }
}
