package dev.weft.benchmarks;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Nodes on UDP loopback in the benchmark's own process, for benchmarks that drive them through the Java API. */
final class InProcessNodes {
  private InProcessNodes() {}

  /**
   * Starts {@code n} nodes with ids drawn from {@code random}, adding each to {@code nodes} as it starts (so the caller
   * closes whatever started, even when a later one fails), and joins every node to the first twice: the second round
   * fills routing tables with the nodes that joined after.
   */
  static void start(List<Node> nodes, int n, Random random) throws Exception {
    for (int i = 0; i < n; i++) {
      nodes.add(Weft.builder().listen("udp://127.0.0.1:0").nodeId(NodeId.random(random)).build());
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 1; i < n; i++) {
        nodes.get(i).join(nodes.get(0).addresses()).get(30, TimeUnit.SECONDS);
      }
    }
  }
}
