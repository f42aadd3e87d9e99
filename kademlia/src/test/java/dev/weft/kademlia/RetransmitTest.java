package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Contact;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.sim.Latency;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost datagram to a peer whose round trips are known costs about one round trip, not the whole rpc-timeout; a peer
 * that does not answer is still given (retries + 1) × rpc-timeout. Virtual time, 30 ms each way.
 */
class RetransmitTest {
  private static final JsonNode PING = JsonNodeFactory.instance.textNode("ping");

  private final SimNetwork net = new SimNetwork(7, Latency.fixed(Duration.ofMillis(30)));
  private final List<Node> nodes = new ArrayList<>();
  private final List<Dht> dhts = new ArrayList<>();

  @BeforeEach
  void twoNodes() {
    Random random = new Random(7);
    for (int i = 0; i < 2; i++) {
      nodes.add(Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
          .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(NodeId.random(random))
          .addPlugin(DhtCapture.into(dhts::add)).listen("sim://n" + i + ":1").build());
    }
    CompletableFuture<Integer> join = nodes.get(1).join(nodes.get(0).addresses());
    net.scheduler().runUntil(join::isDone, Duration.ofMinutes(1));
    assertThat(join).isCompleted();
    dhts.get(1).handle("echo", (from, body) -> CompletableFuture.completedFuture(body));
    ask(); // the first request also fetches node 1's address token: two round trips
    for (int i = 0; i < 8; i++) { // round trips to time
      assertThat(ask().millis).isBetween(60L, 70L);
    }
  }

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  @Test
  void aLostRequestToATimedPeerIsResentAfterAboutOneRoundTrip() {
    net.loss(1.0);
    net.scheduler().schedule(() -> net.loss(0), 20, TimeUnit.MILLISECONDS); // only the first send is lost

    Answer a = ask();

    assertThat(a.error).isNull();
    // Resent at the 150 ms floor (60 ms round trips, no deviation), answered 60 ms later; fixed timeouts took 560 ms.
    assertThat(a.millis).isBetween(150L + 60, 150L + 70);
  }

  @Test
  void aSilentPeerStillHasTheWholeDeadlineBeforeTheRequestFails() {
    net.loss(1.0);

    Answer a = ask();

    assertThat(a.error).isInstanceOf(TimeoutException.class);
    assertThat(a.millis).as("2 × rpc-timeout, as with fixed timeouts").isBetween(1000L, 1010L);
  }

  private record Answer(long millis, Throwable error) {}

  private Answer ask() {
    Contact to = dhts.get(1).self();
    long t0 = net.scheduler().nanoTime();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    dhts.get(0).eventExecutor().execute(() -> dhts.get(0).request(to, "echo", PING).whenComplete((v, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(v);
      }
    }));
    net.scheduler().runUntil(f::isDone, Duration.ofSeconds(10));
    long millis = (net.scheduler().nanoTime() - t0) / 1_000_000;
    assertThat(f).isDone();
    Throwable error = f.isCompletedExceptionally() ? f.handle((v, e) -> e).join() : null;
    while (error != null && error.getCause() != null && !(error instanceof TimeoutException)) {
      error = error.getCause();
    }
    return new Answer(millis, error);
  }
}
