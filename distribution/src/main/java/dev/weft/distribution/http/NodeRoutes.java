package dev.weft.distribution.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Node;
import dev.weft.api.NodeInfo;
import dev.weft.distribution.Json;
import dev.weft.distribution.Versions;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.Route;
import java.util.List;
import java.util.Set;

/**
 * The routes about the node itself: {@code /v1/info}, {@code /v1/stats}, {@code /v1/peers} and {@code /metrics}. They
 * are synchronous snapshots: the node copies a few counters on its loop, a short wait that does not touch the network,
 * so they are answered on the server's thread.
 */
final class NodeRoutes {
  /** The {@code warning} of a write or {@code info} on a node with no contact. */
  static final String ALONE = "this node knows no other node: what it stores is held here alone. Join a network "
      + "(weft node --bootstrap ADDRESS) unless this is its first node";

  private NodeRoutes() {}

  static List<Route> routes(NodeMetrics metrics) {
    return List.of(
        new Route("GET", "/v1/info", NodeRoutes::info),
        new Route("GET", "/v1/stats", NodeRoutes::stats),
        new Route("GET", "/v1/peers", NodeRoutes::peers),
        new Route("GET", "/metrics", call -> {
          call.query(Set.of());
          call.text(NodeMetrics.contentType(), metrics.scrape());
        }));
  }

  /** Adds {@link #ALONE} to {@code body} when {@code node} has no contact; returns {@code body}. */
  static ObjectNode warnIfAlone(Node node, ObjectNode body) {
    if (node.info().contacts() == 0) {
      body.put("warning", ALONE);
    }
    return body;
  }

  private static void info(HttpCall call) {
    call.query(Set.of());
    ObjectNode body = Json.MAPPER.valueToTree(call.node().info());
    body.put("weftVersion", Versions.weft());
    call.ok(warnIfAlone(call.node(), body));
  }

  private static void stats(HttpCall call) {
    call.query(Set.of());
    call.ok(Json.MAPPER.valueToTree(call.node().stats()));
  }

  /** The routing table, one entry per contact, closest buckets last: {@code weft peers}. */
  private static void peers(HttpCall call) {
    call.query(Set.of());
    ArrayNode peers = Json.MAPPER.createArrayNode();
    for (NodeInfo.Bucket bucket : call.node().info().buckets()) {
      for (NodeInfo.ContactInfo c : bucket.contacts()) {
        ObjectNode peer = peers.addObject();
        peer.put("id", c.contact().id().toHex());
        peer.set("addresses", Json.MAPPER.valueToTree(c.contact().addresses()));
        peer.put("bucket", bucket.index());
        peer.put("lastSeenMillis", c.lastSeenMillis());
        if (c.rttMillis() >= 0) {
          peer.put("rttMillis", c.rttMillis());
        } else {
          peer.putNull("rttMillis");
        }
        peer.put("failures", c.failures());
      }
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("count", peers.size());
    body.set("peers", peers);
    call.ok(body);
  }
}
