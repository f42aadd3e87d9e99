package dev.weft.transport.websocket.gateway;

import dev.weft.api.Node;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.testkit.TestCluster;
import dev.weft.transport.websocket.internal.WsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Nodes joined over UDP, each with a WebSocket server on 127.0.0.1:0 and a gateway on it: super-nodes for browser
 * clients. Closes gateways, servers and nodes.
 */
final class GatewayCluster implements AutoCloseable {
  final TestCluster cluster;
  private final List<WsServer> servers = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();

  GatewayCluster(int nodes, long seed, Map<String, String> settings) {
    TestCluster.Builder b = TestCluster.builder().nodes(nodes).seed(seed).set("weft.kademlia.rpc-timeout", "250ms");
    settings.forEach(b::set);
    this.cluster = b.start();
    try {
      for (Node n : cluster.nodes()) {
        WsServer server = WsServer.start("127.0.0.1", 0, 1 << 20);
        servers.add(server);
        gateways.add(Gateway.start(n, server, WeftConfig.of(settings), Scheduler.system()));
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  Node node(int i) {
    return cluster.node(i);
  }

  Gateway gateway(int i) {
    return gateways.get(i);
  }

  int port(int i) {
    return servers.get(i).port();
  }

  /** The client endpoint of node {@code i}, with an id when not null. */
  String clientUrl(int i, String id) {
    return "ws://127.0.0.1:" + port(i) + Gateway.CLIENT_PATH + (id == null ? "" : "?id=" + id);
  }

  @Override
  public void close() {
    gateways.forEach(Gateway::close);
    servers.forEach(WsServer::close);
    cluster.close();
  }
}
