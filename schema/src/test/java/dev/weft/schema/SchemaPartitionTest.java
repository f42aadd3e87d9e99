package dev.weft.schema;

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

/** A node cut off while globals change catches up by anti-entropy once it is back. */
class SchemaPartitionTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void aNodeCutOffDuringASetLearnsItWhenBack() throws Exception {
    MemoryNetwork net = new MemoryNetwork(11);
    try (TestCluster c = TestCluster.builder().nodes(12).seed(12).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider()))
        .set("weft.kademlia.rpc-timeout", "200ms")
        .set(SchemaSettings.SYNC_INTERVAL.key(), "500ms").start()) {
      Node cut = c.node(5);
      Schema.of(c.node(0)).setGlobal("before", JSON.textNode("cut")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(cut).getGlobal("before").isPresent());

      Address address = cut.addresses().get(0);
      net.disconnect(address);
      Schema.of(c.node(1)).setGlobal("during", JSON.textNode("partition")).get(10, TimeUnit.SECONDS);
      Schema.of(c.node(2)).removeGlobal("before").get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        for (Node n : c.nodes()) {
          if (n != cut) {
            assertThat(Schema.of(n).global("during")).as("%s %s", n.id().shortHex(), Schema.of(n).stats()).isPresent();
            assertThat(Schema.of(n).global("before")).as("%s", n.id().shortHex()).isEmpty();
          }
        }
      });
      // Several sync periods pass while it is cut off: its notices go nowhere, nothing reaches it.
      long noticesBefore = Schema.of(cut).stats().notices();
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(cut).stats().notices() >= noticesBefore + 3);
      assertThat(Schema.of(cut).getGlobal("during")).isEmpty();
      assertThat(Schema.of(cut).getGlobal("before")).isPresent();

      net.reconnect(address);
      await().atMost(Duration.ofSeconds(20)).until(() -> Schema.of(cut).getGlobal("during").isPresent()
          && Schema.of(cut).getGlobal("before").isEmpty());
      await().atMost(Duration.ofSeconds(10)).until(() -> c.nodes().stream()
          .map(n -> Schema.of(n).digest()).distinct().count() == 1);
    }
  }
}
