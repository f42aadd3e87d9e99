package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.sim.SimNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the replica tests on a simulated network ask: run until futures finish, who is closest, who holds a record. */
final class SimReplicas {
  private SimReplicas() {}

  /** Runs the network's virtual time until every future is done (at most 5 virtual minutes), then joins them. */
  static void finish(SimNetwork net, List<? extends CompletableFuture<?>> futures) {
    assertThat(net.scheduler().runUntil(() -> futures.stream().allMatch(CompletableFuture::isDone),
        Duration.ofMinutes(5))).isTrue();
    futures.forEach(CompletableFuture::join);
  }

  /** {@code nodes} sorted by distance to {@code target}, closest first. */
  static List<Node> closestFirst(List<Node> nodes, NodeId target) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparing(Node::id, target::compareDistance));
    return sorted;
  }

  /** The nodes holding anything of {@code namespace} (one record in these tests), closest to {@code target} first. */
  static List<Node> holders(SimNetwork net, List<Node> nodes, NodeId target, String namespace) {
    List<Node> out = new ArrayList<>();
    for (Node n : closestFirst(nodes, target)) {
      CompletableFuture<Integer> held = n.storage().lscan(namespace).thenApply(p -> p.items().size());
      finish(net, List.of(held));
      if (held.join() > 0) {
        out.add(n);
      }
    }
    return out;
  }
}
