package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A replica that missed an update is brought up to date by the next read that meets it. */
class ReadRepairTest {
  @Test
  void aStaleReplicaIsRepairedByARead() throws Exception {
    MemoryNetwork net = new MemoryNetwork(5);
    try (TestCluster c = TestCluster.builder().nodes(10).seed(51).listen("mem://node:0")
        .customize(b -> b.addTransport(net.provider()))
        .set(KademliaSettings.REPLICATION.key(), "4").set(KademliaSettings.READ_QUORUM.key(), "4")
        // Puts answer once all four replicas took them: the test looks for a replica right after.
        .set(KademliaSettings.WRITE_QUORUM.key(), "4")
        .set(KademliaSettings.RPC_TIMEOUT.key(), "100ms").start()) {
      Node writer = c.node(0);
      writer.storage().put("ns", "k", JsonNodeFactory.instance.numberNode(1)).get(10, TimeUnit.SECONDS);
      Node stale = null;
      for (Node n : c.nodes()) {
        if (n != writer && !n.storage().lscan("ns").get().items().isEmpty()) {
          stale = n;
          break;
        }
      }
      assertThat(stale).isNotNull();
      net.disconnect(stale.addresses().get(0));
      PutResult v2 = writer.storage().put("ns", "k", JsonNodeFactory.instance.numberNode(2)).get(10, TimeUnit.SECONDS);
      // The write went around the unreachable replica to the next closest node.
      assertThat(v2.acknowledged()).isEqualTo(4);
      net.reconnect(stale.addresses().get(0));
      assertThat(value(stale)).isEqualTo(1);

      Node reader = c.nodes().stream().filter(n -> n != writer).filter(n -> {
        try {
          return n.storage().lscan("ns").get().items().isEmpty();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }).findFirst().orElseThrow();
      StoredObject read = reader.storage().get("ns", "k").get(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(read.value().asInt()).as("the newest version wins").isEqualTo(2);
      Node repaired = stale;
      await().atMost(Duration.ofSeconds(10)).until(() -> value(repaired) == 2);
    }
  }

  private static int value(Node n) throws Exception {
    List<StoredObject> items = n.storage().lscan("ns").get().items();
    return items.isEmpty() ? -1 : items.get(0).value().asInt();
  }
}
