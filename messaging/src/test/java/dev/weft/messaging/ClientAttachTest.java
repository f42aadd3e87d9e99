package dev.weft.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.NodeId;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Clients attached to a node (browsers behind a gateway) reached with sendNode from any node, over UDP. */
class ClientAttachTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static TestCluster cluster(long seed) {
    return TestCluster.builder().nodes(8).seed(seed).set("weft.kademlia.rpc-timeout", "200ms")
        .set(MessagingSettings.CLIENT_PRESENCE_TTL.key(), "3s").start();
  }

  private static UndeliverableException.Reason reasonOf(Throwable e) {
    assertThat(e).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UndeliverableException.class);
    return ((UndeliverableException) e.getCause()).reason();
  }

  @Test
  void sendNodeFromAnyNodeReachesTheAttachedClientUntilItDetaches() throws Exception {
    try (TestCluster c = cluster(71)) {
      NodeId client = NodeId.random(new Random(1));
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      Messaging.Registration attached = Messaging.of(c.node(2)).attachClient(client, got::add)
          .get(10, TimeUnit.SECONDS);

      for (int i = 0; i < c.size(); i++) {
        Messaging.Delivery d = Messaging.of(c.node(i)).sendNode(client, JSON.objectNode().put("n", i))
            .get(10, TimeUnit.SECONDS);
        assertThat(d.to()).as("acknowledged by the client's node, sent from %d", i).isEqualTo(c.node(2).id());
      }
      // Other channels reach the client too, and say which they came on.
      Messaging.of(c.node(5)).channel("app.chat").sendNode(client, JSON.textNode("on a channel"))
          .get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == c.size() + 1);
      assertThat(got).allMatch(m -> m.kind() == ReceivedMessage.Kind.NODE);
      assertThat(got).filteredOn(m -> m.payload().has("n")).extracting(m -> m.payload().get("n").asInt())
          .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
      assertThat(got).filteredOn(m -> m.payload().isTextual()).singleElement()
          .satisfies(m -> {
            assertThat(m.channel()).isEqualTo("app.chat");
            assertThat(m.sender()).isEqualTo(c.node(5).id());
          });
      // A client gets no broadcasts and no messages of its node through its attachment.
      Messaging.of(c.node(4)).sendAll(JSON.textNode("everyone")).get(10, TimeUnit.SECONDS);
      Messaging.of(c.node(4)).sendNode(c.node(2).id(), JSON.textNode("the node")).get(10, TimeUnit.SECONDS);

      attached.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
          c.node(6).storage().get(Messaging.CLIENT_NAMESPACE, client.toHex()).get(10, TimeUnit.SECONDS)).isEmpty());
      assertThatThrownBy(() -> Messaging.of(c.node(6)).sendNode(client, JSON.textNode("late")).get(30,
          TimeUnit.SECONDS)).satisfies(e -> assertThat(reasonOf(e)).isEqualTo(UndeliverableException.Reason.NO_SUCH_NODE))
          .hasMessageContaining("not in the network");
      assertThat(got).hasSize(c.size() + 1);
    }
  }

  @Test
  void anIdIsAttachedOnceAndMovesWhenItsNodeLetsGoOrStops() throws Exception {
    try (TestCluster c = cluster(72)) {
      NodeId client = NodeId.random(new Random(2));
      List<ReceivedMessage> atOne = new CopyOnWriteArrayList<>();
      Messaging.Registration first = Messaging.of(c.node(1)).attachClient(client, atOne::add).get(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> Messaging.of(c.node(1)).attachClient(client, m -> { }).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("already");
      assertThatThrownBy(() -> Messaging.of(c.node(3)).attachClient(client, m -> { }).get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("another node");
      assertThatThrownBy(() -> Messaging.of(c.node(3)).attachClient(c.node(3).id(), m -> { }).get(10,
          TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);

      // Detached at node 1, the id can be taken at node 3, and messages follow it there.
      first.close();
      List<ReceivedMessage> atThree = new CopyOnWriteArrayList<>();
      Messaging.of(c.node(3)).attachClient(client, atThree::add).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(Messaging.of(c.node(6)).sendNode(client, JSON.textNode("moved")).get(10, TimeUnit.SECONDS).to())
            .isEqualTo(c.node(3).id());
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> !atThree.isEmpty());
      assertThat(atOne).isEmpty();

      // Node 3 stops without detaching: its record outlives it, but senders find its node gone, and another node
      // may take the id at once (node 3 cannot say it still has it).
      c.stop(3);
      assertThatThrownBy(() -> Messaging.of(c.node(6)).sendNode(client, JSON.textNode("x")).get(30,
          TimeUnit.SECONDS)).satisfies(e -> assertThat(reasonOf(e)).isEqualTo(UndeliverableException.Reason.NO_SUCH_NODE));
      List<ReceivedMessage> atFive = new CopyOnWriteArrayList<>();
      Messaging.of(c.node(5)).attachClient(client, atFive::add).get(30, TimeUnit.SECONDS);
      Messaging.of(c.node(0)).sendNode(client, JSON.textNode("back")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> atFive.size() == 1);
    }
  }

  @Test
  void aNodeAloneServesItsOwnClients() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(1).seed(74).start()) {
      NodeId client = NodeId.random(new Random(4));
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      Messaging.of(c.node(0)).attachClient(client, got::add).get(10, TimeUnit.SECONDS);
      assertThat(Messaging.of(c.node(0)).sendNode(client, JSON.textNode("local")).get(10, TimeUnit.SECONDS).to())
          .isEqualTo(c.node(0).id());
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    }
  }

  @Test
  void thePresenceRecordIsKeptAliveWhileAttached() throws Exception {
    try (TestCluster c = cluster(73)) {
      NodeId client = NodeId.random(new Random(3));
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      Messaging.of(c.node(4)).attachClient(client, got::add).get(10, TimeUnit.SECONDS);
      // Well past the 3 s time to live: the record is re-stored every second.
      await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          Messaging.of(c.node(7)).sendNode(client, JSON.textNode("still here")).get(10, TimeUnit.SECONDS).to())
          .isEqualTo(c.node(4).id()));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    }
  }
}
