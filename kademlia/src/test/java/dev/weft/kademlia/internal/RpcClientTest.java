package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.WeftConfig;
import dev.weft.sim.ManualScheduler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link RpcClient} without sockets: sends are recorded, time is a manual clock, the loop runs tasks at once. */
class RpcClientTest {
  private static final Codec CODEC = new Codec(64 * 1024);
  private final ManualScheduler clock = new ManualScheduler();
  private final NodeId self = NodeId.random(new Random(1));
  private final Contact peer = new Contact(NodeId.random(new Random(2)), List.of(Address.parse("udp://10.0.0.2:1")));
  private final List<Envelope> sent = new ArrayList<>();
  private final List<Double> rtts = new ArrayList<>();
  private final List<Contact> timedOut = new ArrayList<>();
  private final Stats stats = new Stats();
  private final RpcClient rpc = new RpcClient(self, () -> List.of(Address.parse("udp://10.0.0.1:1")),
      KademliaConfig.from(WeftConfig.of(Map.of("weft.kademlia.rpc-timeout", "500ms",
          "weft.kademlia.rpc-timeout-min", "150ms", "weft.kademlia.rpc-retries", "1"))),
      clock, Runnable::run, CODEC, stats, new SecureRandom(), new RpcClient.Peers() {
        @Override
        public Optional<Address> reachable(Contact to) {
          return Optional.of(to.addresses().get(0));
        }

        @Override
        public void send(Address to, byte[] bytes) {
          try {
            sent.add(CODEC.decode(bytes));
          } catch (MalformedMessageException e) {
            throw new AssertionError(e);
          }
        }

        @Override
        public long retransmitMillis(NodeId id, long minMillis, long maxMillis) {
          return 200;
        }

        @Override
        public void answered(Contact sender, Envelope answer, double rttMillis) {
          rtts.add(rttMillis);
        }

        @Override
        public void timedOut(Contact to) {
          timedOut.add(to);
        }
      });

  @Test
  void resendsAtTheRetransmitTimeAndTimesOutAtTheDeadline() {
    List<Runnable> stalls = new ArrayList<>();
    CompletableFuture<Message> f = rpc.request(peer, new Message.Ping(), null, () -> stalls.add(() -> { }));
    assertThat(sent).hasSize(1);
    clock.advance(Duration.ofMillis(199));
    assertThat(sent).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(sent).as("resent after the peer's retransmit time").hasSize(2);
    assertThat(sent.get(1).rid()).isEqualTo(sent.get(0).rid());
    assertThat(stalls).hasSize(1);
    clock.advance(Duration.ofMillis(799));
    assertThat(f).isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(f).isCompletedExceptionally();
    assertThat(f.handle((m, e) -> e).join()).isInstanceOf(TimeoutException.class);
    assertThat(timedOut).containsExactly(peer);
    assertThat(rpc.inFlight()).isZero();
  }

  @Test
  void anAnswerCompletesWithItsBodyAndItsRoundTrip() {
    CompletableFuture<Message> f = rpc.request(peer, new Message.FindNode(self), null, null);
    assertThat(sent.get(0).tok()).isNull();
    clock.advance(Duration.ofMillis(40));
    rpc.onAnswer(peer, new Envelope(sent.get(0).rid(), peer.id(), peer.addresses(), 77L, new Message.Nodes(List.of())));
    assertThat(f.join()).isEqualTo(new Message.Nodes(List.of()));
    assertThat(rtts).containsExactly(40.0);
    rpc.request(peer, new Message.Ping(), null, null);
    assertThat(sent.get(1).tok()).as("the peer's token goes with the next request").isEqualTo(77L);
  }

  @Test
  void aTokenAnswerIsRetriedOnceWithTheTokenAndAnswersFromOthersAreIgnored() {
    CompletableFuture<Message> f = rpc.request(peer, new Message.Ping(), null, null);
    long rid = sent.get(0).rid();
    rpc.onAnswer(peer, new Envelope(rid, NodeId.random(new Random(3)), List.of(), 5L, new Message.Pong()));
    assertThat(f).as("someone we did not ask").isNotDone();
    rpc.onAnswer(peer, new Envelope(rid, peer.id(), List.of(), 9L, new Message.Token()));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).tok()).isEqualTo(9L);
    assertThat(sent.get(1).rid()).isEqualTo(rid);
    rpc.onAnswer(peer, new Envelope(rid, peer.id(), List.of(), 9L, new Message.Error("busy")));
    assertThat(f).isCompletedExceptionally();
  }

  @Test
  void closeFailsWhatIsWaiting() {
    CompletableFuture<Message> f = rpc.request(peer, new Message.Ping(), null, null);
    rpc.close();
    assertThat(f).isCompletedExceptionally();
    assertThat(rpc.request(peer, new Message.Ping(), null, null)).isCompletedExceptionally();
  }
}
