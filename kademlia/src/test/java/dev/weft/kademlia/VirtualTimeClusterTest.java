package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.sim.ManualScheduler;
import dev.weft.sim.MemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A whole network on one thread with virtual time: every clock read and timer goes through the injected scheduler and
 * no node starts a thread, so the same seed gives the same run, and hours of maintenance pass in milliseconds.
 */
class VirtualTimeClusterTest {
  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(Node::close);
  }

  private List<String> run(long seed) {
    ManualScheduler clock = new ManualScheduler();
    MemoryNetwork net = new MemoryNetwork(seed).latency(Duration.ofMillis(20));
    Random random = new Random(seed);
    List<Node> mine = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Node n = Weft.builder().discovery(false).addTransport(net.provider())
          .addStore(new dev.weft.kademlia.internal.MemoryStoreProvider())
          .engine(new dev.weft.kademlia.internal.KademliaEngineProvider())
          .scheduler(clock).nodeId(NodeId.random(random)).listen("mem://n" + i + ":1")
          .set(KademliaSettings.REPUBLISH_INTERVAL.key(), "1h").build();
      mine.add(n);
      nodes.add(n);
    }
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i < mine.size(); i++) {
      joins.add(mine.get(i).join(mine.get(0).addresses()));
    }
    finish(clock, joins);
    List<CompletableFuture<?>> puts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      puts.add(mine.get(random.nextInt(60)).storage().put("ns" + (i % 7), "k" + i, JsonNodeFactory.instance.numberNode(i)));
    }
    finish(clock, puts);
    List<CompletableFuture<Optional<StoredObject>>> gets = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      gets.add(mine.get(random.nextInt(60)).storage().get("ns" + (i % 7), "k" + i));
    }
    finish(clock, gets);
    List<String> trace = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      StoredObject o = gets.get(i).join().orElseThrow();
      assertThat(o.value().asInt()).isEqualTo(i);
      trace.add(o.version().toString());
    }
    // Three virtual hours of refreshes, republishing and sweeps take no real time, and lose nothing.
    clock.advance(Duration.ofHours(3));
    List<CompletableFuture<Optional<StoredObject>>> later = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      later.add(mine.get(random.nextInt(60)).storage().get("ns" + (i % 7), "k" + i));
    }
    finish(clock, later);
    assertThat(later).allSatisfy(f -> assertThat(f.join()).isPresent());
    trace.add("stats " + mine.get(5).stats().messagesOut() + " " + mine.get(5).info().contacts());
    return trace;
  }

  private static void finish(ManualScheduler clock, List<? extends CompletableFuture<?>> futures) {
    for (int step = 0; step < 10_000 && !futures.stream().allMatch(CompletableFuture::isDone); step++) {
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(futures).allMatch(CompletableFuture::isDone);
  }

  @Test
  void sixtyNodesOnOneThreadAreDeterministic() {
    List<String> first = run(77);
    nodes.forEach(Node::close);
    nodes.clear();
    assertThat(run(77)).isEqualTo(first);
  }
}
