package dev.weft.gateway;

import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.testkit.TestCluster;
import java.util.Map;

/**
 * Nodes that listen on {@code ws://127.0.0.1:0} and join over the WebSocket transport: each serves browser clients
 * through the gateway plugin it starts, found by the ServiceLoader as in an application.
 */
final class GatewayCluster implements AutoCloseable {
  final TestCluster cluster;

  GatewayCluster(int nodes, long seed, Map<String, String> settings) {
    TestCluster.Builder b = TestCluster.builder().nodes(nodes).seed(seed).listen("ws://127.0.0.1:0");
    settings.forEach(b::set);
    this.cluster = b.start();
  }

  Node node(int i) {
    return cluster.node(i);
  }

  /** The port node {@code i}'s WebSocket server listens on. */
  int port(int i) {
    return cluster.node(i).addresses().stream().filter(a -> a.scheme().equals("ws")).map(Address::port).findFirst()
        .orElseThrow();
  }

  /** The client endpoint of node {@code i}, with an id when not null. */
  String clientUrl(int i, String id) {
    return "ws://127.0.0.1:" + port(i) + Gateway.CLIENT_PATH + (id == null ? "" : "?id=" + id);
  }

  /** The demo page of node {@code i}. */
  String pageUrl(int i, String id) {
    return "http://127.0.0.1:" + port(i) + "/" + (id == null ? "" : "?id=" + id);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
