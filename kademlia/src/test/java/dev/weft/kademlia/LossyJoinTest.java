package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A join survives its first datagrams being lost, on a simulated network in virtual time. */
class LossyJoinTest {
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  @Test
  void aJoinWhoseFirstPingsAreLostStillJoins() {
    SimNetwork net = new SimNetwork(41, Latency.fixed(Duration.ofMillis(30)));
    Random random = new Random(41);
    for (int i = 0; i < 12; i++) {
      nodes.add(Weft.builder().discovery(false).scheduler(net.scheduler()).addTransport(net.provider())
          .addStore(new MemoryStoreProvider()).engine(new KademliaEngineProvider()).nodeId(NodeId.random(random))
          .listen("sim://n" + i + ":1").build());
    }
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < 11; i++) {
      joins.add(nodes.get(i).join(nodes.get(0).addresses()));
    }
    net.scheduler().runUntil(() -> joins.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(1));
    // Every datagram is lost for 1.2 s: both tries of the first ping round (sent at 0 and 500 ms) time out.
    net.loss(1.0);
    net.scheduler().schedule(() -> net.loss(0), 1200, TimeUnit.MILLISECONDS);
    Node late = nodes.get(11);
    CompletableFuture<Integer> join = late.join(nodes.get(0).addresses());
    net.scheduler().runUntil(join::isDone, Duration.ofMinutes(1));
    assertThat(join).isCompleted();
    assertThat(join.join()).isGreaterThanOrEqualTo(10);
  }
}
