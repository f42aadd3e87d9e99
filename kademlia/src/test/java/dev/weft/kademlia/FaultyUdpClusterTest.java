package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.testkit.FaultyTransport;
import dev.weft.testkit.TestCluster;
import dev.weft.transport.udp.internal.UdpTransportProvider;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real UDP sockets with seeded faults on every datagram sent: 10% lost, 5% duplicated, each delayed 0-30 ms (so
 * reordered). Retries, duplicate-tolerant handling and quorum reads must hide all of it: every put is acknowledged and
 * every get from another node finds the latest value.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultyUdpClusterTest {
  @Test
  void putsAndGetsSucceedDespiteLossDuplicationAndReordering() throws Exception {
    // The cluster forms on a clean network (a join whose bootstrap pings are all lost fails, as it should); then
    // every datagram is at risk.
    AtomicReference<FaultyTransport.Faults> faults = new AtomicReference<>(FaultyTransport.Faults.none(11));
    try (TestCluster c = TestCluster.builder().nodes(6).seed(12).listen("udp://127.0.0.1:0")
        .customize(b -> b.addTransport(FaultyTransport.wrap(new UdpTransportProvider(), faults)))
        .joinTimeoutSeconds(60).start()) {
      faults.set(new FaultyTransport.Faults(11, 0.10, 0.05, Duration.ZERO, Duration.ofMillis(30)));
      Random r = new Random(13);
      for (int i = 0; i < 30; i++) {
        Node writer = c.node(r.nextInt(c.size()));
        PutResult put = writer.storage().put("faulty", "k" + (i % 15), JsonNodeFactory.instance.numberNode(i))
            .get(30, TimeUnit.SECONDS);
        assertThat(put.acknowledged()).as("replicas of put %d", i).isGreaterThanOrEqualTo(3);
      }
      for (int k = 0; k < 15; k++) {
        Node reader = c.node(r.nextInt(c.size()));
        int latest = k + 15;
        assertThat(reader.storage().get("faulty", "k" + k).get(30, TimeUnit.SECONDS))
            .as("k%d", k).hasValueSatisfying(o -> assertThat(o.value().asInt()).isEqualTo(latest));
      }
    }
  }
}
