package dev.weft.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.WeftConfig;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broadcast tree on peers in virtual time: coverage, message count, fall-back past a dead contact. */
class BroadcasterTest {
  private static List<List<ReceivedMessage>> network(EmbeddedDht net, int n) {
    List<List<ReceivedMessage>> inboxes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EmbeddedPeer p = net.addPeer(WeftConfig.empty());
      Messaging m = p.start(new MessagingProvider()).service(Messaging.class).orElseThrow();
      List<ReceivedMessage> inbox = new ArrayList<>();
      m.registerMessageHandler(inbox::add);
      inboxes.add(inbox);
    }
    return inboxes;
  }

  @Test
  void everyNodeGetsItOnceWithNMinusOneHandOffs() {
    EmbeddedDht net = new EmbeddedDht(7);
    List<List<ReceivedMessage>> inboxes = network(net, 30);
    Messaging origin = net.peers().get(0).service(Messaging.class).orElseThrow();
    Messaging.Broadcast b = net.await(origin.sendAll(JsonNodeFactory.instance.textNode("hi")));
    net.advance(java.time.Duration.ofSeconds(1));
    assertThat(inboxes).allSatisfy(in -> assertThat(in).hasSize(1));
    assertThat(b.unreachable()).isZero();
    assertThat(net.exchanges()).hasSize(29).allSatisfy(x -> assertThat(x.answer()).contains("\"dup\":false"));
  }

  @Test
  void aDeadContactsSubtreeIsReachedThroughAnotherOfItsBucket() {
    EmbeddedDht net = new EmbeddedDht(11);
    List<List<ReceivedMessage>> inboxes = network(net, 30);
    EmbeddedPeer dead = net.peers().get(5);
    dead.stop();
    Messaging origin = net.peers().get(0).service(Messaging.class).orElseThrow();
    net.await(origin.sendAll(JsonNodeFactory.instance.textNode("hi")));
    net.advance(java.time.Duration.ofSeconds(10));
    for (int i = 0; i < inboxes.size(); i++) {
      assertThat(inboxes.get(i)).as("peer " + i).hasSize(i == 5 ? 0 : 1);
    }
    assertThat(net.exchanges()).anyMatch(x -> x.to().equals(dead.id()) && x.failure() != null);
  }
}
