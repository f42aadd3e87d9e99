package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node cut off long enough to drop every contact (and with no bootstrap to rejoin through: it was the first node)
 * finds the network again once the link is back, because it keeps pinging the contacts it dropped. The multi-host
 * version, with two halves of a network, is distribution's MultiHostTest.
 */
class PartitionHealTest {
  @Test
  void aNodeThatDroppedEveryContactFindsTheNetworkAgainWhenTheLinkIsBack() throws Exception {
    MemoryNetwork net = new MemoryNetwork(31);
    try (TestCluster c = TestCluster.builder().nodes(8).seed(32).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider()))
        .set(KademliaSettings.RPC_TIMEOUT.key(), "100ms")
        // Stale buckets are looked up, and dropped contacts pinged, every second.
        .set(KademliaSettings.REFRESH_INTERVAL.key(), "600ms").start()) {
      Node first = c.node(0);
      Address link = first.addresses().get(0);
      net.disconnect(link);
      // Lookups time out against it on both sides until it has no contact left and nobody knows it any more.
      int[] probe = {0};
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        for (Node n : c.nodes()) {
          n.storage().get("ns", "probe-" + probe[0]++).handle((r, e) -> null).get(10, TimeUnit.SECONDS);
        }
        assertThat(first.info().contacts()).isZero();
        assertThat(c.nodes()).allSatisfy(n -> assertThat(n.info().buckets()).allSatisfy(b ->
            assertThat(b.contacts()).noneMatch(ci -> ci.contact().id().equals(first.id()))));
      });
      c.node(3).storage().put("ns", "written-while-cut", JsonNodeFactory.instance.textNode("v"))
          .get(10, TimeUnit.SECONDS);

      net.reconnect(link);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(first.info().contacts()).isEqualTo(7));
      assertThat(first.storage().get("ns", "written-while-cut").get(10, TimeUnit.SECONDS)).isPresent();
    }
  }
}
