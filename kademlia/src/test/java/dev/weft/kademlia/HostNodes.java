package dev.weft.kademlia;

import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Nodes of the per-IP limit tests: each on the address it is given (Linux answers on all of 127.0.0.0/8, so a test
 * can give nodes 127.x addresses of their own), with ids from the test's seeded random and the same settings; closed
 * together.
 */
final class HostNodes implements AutoCloseable {
  private final Random random;
  private final Map<String, String> settings;
  private final List<Node> nodes = new ArrayList<>();

  HostNodes(Random random, Map<String, String> settings) {
    this.random = random;
    this.settings = settings;
  }

  /** A node listening on {@code listen}; it has not joined. */
  Node start(String listen) {
    NodeBuilder b = Weft.builder().listen(listen).nodeId(NodeId.random(random));
    settings.forEach(b::set);
    Node n = b.build();
    nodes.add(n);
    return n;
  }

  /** The {@code i}-th node started. */
  Node get(int i) {
    return nodes.get(i);
  }

  @Override
  public void close() {
    nodes.forEach(Node::close);
  }
}
