package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The total record cap (new keys refused, nothing evicted) and the per-IP quota of new keys. */
class StoreLimitsTest {
  @Test
  void aFullStoreRefusesNewKeysButTakesUpdatesOfHeldOnes() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(4).seed(51)
        .set(KademliaSettings.RPC_TIMEOUT.key(), "300ms")
        .set(KademliaSettings.REPLICATION.key(), "4")
        .set(KademliaSettings.READ_QUORUM.key(), "1")
        .set(KademliaSettings.MAX_RECORDS.key(), "30").start()) {
      Node writer = c.node(0);
      List<PutResult> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        results.add(writer.storage().put("full", "k" + i, JsonNodeFactory.instance.numberNode(i))
            .get(30, TimeUnit.SECONDS));
      }
      for (int n = 1; n < 4; n++) {
        assertThat(c.node(n).info().stored()).as("node %d", n).isEqualTo(30);
        assertThat(c.node(n).stats().refused().get("store.full")).isEqualTo(10);
      }
      // The first 30 went everywhere, the last 10 only to the writer itself.
      assertThat(results.subList(0, 30)).allMatch(r -> r.acknowledged() == 4);
      assertThat(results.subList(30, 40)).allMatch(r -> r.acknowledged() == 1);
      // An update of a held key is no new record: every replica takes it.
      PutResult update = writer.storage().put("full", "k3", JsonNodeFactory.instance.textNode("new"))
          .get(30, TimeUnit.SECONDS);
      assertThat(update.acknowledged()).isEqualTo(4);
      assertThat(c.node(2).storage().lscan("full").join().items().stream()
          .filter(o -> o.key().equals("k3")).findFirst().orElseThrow().value().asText()).isEqualTo("new");
    }
  }

  @Test
  void oneAddressMayStoreOnlyItsQuotaOfNewKeys() throws Exception {
    try (HostNodes nodes = new HostNodes(new Random(52), Map.of(
        KademliaSettings.RPC_TIMEOUT.key(), "300ms",
        KademliaSettings.REPLICATION.key(), "3",
        // Puts answer once every replica answered: the test counts what one of them took right after.
        KademliaSettings.WRITE_QUORUM.key(), "3",
        KademliaSettings.LIMIT_LOOPBACK.key(), "true",
        KademliaSettings.NEW_RECORDS_PER_IP.key(), "20"))) {
      for (String host : List.of("127.0.1.100", "127.0.1.1", "127.0.1.2")) {
        nodes.start("udp://" + host + ":0");
      }
      Node target = nodes.get(0);
      List<CompletableFuture<Integer>> joins = List.of(nodes.get(1).join(target.addresses()),
          nodes.get(2).join(target.addresses()));
      CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 40; i++) {
        nodes.get(1).storage().put("quota", "a" + i, JsonNodeFactory.instance.numberNode(i)).get(30, TimeUnit.SECONDS);
      }
      long fromFirst = target.storage().lscan("quota").join().items().size();
      assertThat(fromFirst).isEqualTo(20);
      assertThat(target.stats().refused().get("store.ip-quota")).isEqualTo(20);
      // Another address has its own quota.
      for (int i = 0; i < 10; i++) {
        nodes.get(2).storage().put("quota", "b" + i, JsonNodeFactory.instance.numberNode(i)).get(30, TimeUnit.SECONDS);
      }
      assertThat(target.storage().lscan("quota").join().items()).hasSize(30);
    }
  }
}
