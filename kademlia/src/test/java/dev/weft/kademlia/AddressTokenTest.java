package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.testkit.TestCluster;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Address tokens on the wire, from hand-made peers: a STORE needs a token issued to its source address (so a forged
 * source cannot write), and a request without one never gets more bytes back than it sent (no amplification).
 */
class AddressTokenTest {
  private final NodeId attackerId = NodeId.random(new Random(5));
  private TestCluster cluster;
  private Node target;
  private InetSocketAddress to;

  @BeforeEach
  void start() {
    cluster = TestCluster.builder().nodes(24).seed(6).set(KademliaSettings.RPC_TIMEOUT.key(), "300ms").start();
    target = cluster.node(0);
    Address a = target.addresses().get(0);
    to = new InetSocketAddress(a.host(), a.port());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private String header(String type, long rid, String self, Long tok) {
    return "{\"v\":1,\"t\":\"" + type + "\",\"rid\":" + rid + (tok == null ? "" : ",\"tok\":" + tok) + ",\"from\":\""
        + attackerId.toHex() + "\",\"addrs\":[\"" + self + "\"]";
  }

  private String store(long rid, String self, Long tok, String key) {
    return header("STORE", rid, self, tok) + ",\"record\":{\"ns\":\"tok\",\"key\":\"" + key + "\",\"val\":\"x\","
        + "\"ver\":\"1-2\",\"exp\":99999999999999,\"pub\":\"" + attackerId.toHex() + "\"}}";
  }

  private RawUdpPeer.Received answer(RawUdpPeer peer, long rid) throws Exception {
    RawUdpPeer.Received r = answerOrNone(peer, rid, 40);
    if (r == null) {
      throw new AssertionError("no answer to request " + rid);
    }
    return r;
  }

  private static RawUdpPeer.Received answerOrNone(RawUdpPeer peer, long rid, int waits) throws Exception {
    for (int i = 0; i < waits; i++) {
      RawUdpPeer.Received r = peer.receive();
      if (r != null && r.json() != null && r.json().path("rid").asLong() == rid) {
        return r;
      }
    }
    return null;
  }

  private boolean stored(String key) {
    return !target.storage().lscan("tok").join().items().stream().filter(o -> o.key().equals(key)).toList().isEmpty();
  }

  @Test
  void aStoreNeedsATokenIssuedToItsSourceAddress() throws Exception {
    try (RawUdpPeer peer = new RawUdpPeer("127.0.0.1"); RawUdpPeer other = new RawUdpPeer("127.0.0.1")) {
      // Without a token: refused with a TOKEN answer, nothing stored.
      peer.send(store(1_000_000_000_000_000_001L, peer.address(), null, "a"), to);
      RawUdpPeer.Received r = answer(peer, 1_000_000_000_000_000_001L);
      assertThat(r.json().path("t").asText()).isEqualTo("TOKEN");
      long token = r.json().path("tok").asLong();
      // A made-up token, and the token issued to `peer` used from another port: refused too.
      peer.send(store(1_000_000_000_000_000_002L, peer.address(), token ^ 1, "b"), to);
      assertThat(answer(peer, 1_000_000_000_000_000_002L).json().path("t").asText()).isEqualTo("TOKEN");
      other.send(store(1_000_000_000_000_000_003L, other.address(), token, "c"), to);
      assertThat(answer(other, 1_000_000_000_000_000_003L).json().path("t").asText()).isEqualTo("TOKEN");
      assertThat(stored("a") || stored("b") || stored("c")).isFalse();
      // The first is the handshake (a TOKEN exchange, nothing refused); the two bad tokens are refusals.
      assertThat(target.stats().refused().get("token.store")).isEqualTo(2);
      assertThat(target.stats().rpcs().get("TOKEN").received()).isEqualTo(3);
      // With the token issued to its own address, the same peer may store.
      peer.send(store(1_000_000_000_000_000_004L, peer.address(), token, "d"), to);
      RawUdpPeer.Received ok = answer(peer, 1_000_000_000_000_000_004L);
      assertThat(ok.json().path("t").asText()).isEqualTo("STORED");
      assertThat(stored("d")).isTrue();
    }
    // Honest nodes get their tokens from the lookup before a put, or ask again once: puts and reads still work.
    cluster.node(3).storage().put("tok", "honest", JsonNodeFactory.instance.textNode("v")).get(30, TimeUnit.SECONDS);
    assertThat(cluster.node(7).storage().get("tok", "honest").get(30, TimeUnit.SECONDS)).isPresent();
  }

  @Test
  void anUnverifiedSourceNeverGetsMoreBytesThanItSent() throws Exception {
    // A value far larger than any request, stored where the target holds it.
    String big = "x".repeat(20_000);
    cluster.node(2).storage().put("amp", "big", JsonNodeFactory.instance.textNode(big)).get(30, TimeUnit.SECONDS);
    // Ask one of the nodes that hold it.
    Node holder = cluster.nodes().stream().filter(n -> !n.storage().lscan("amp").join().items().isEmpty())
        .findFirst().orElseThrow();
    target = holder;
    to = new InetSocketAddress(holder.addresses().get(0).host(), holder.addresses().get(0).port());
    try (RawUdpPeer peer = new RawUdpPeer("127.0.0.1")) {
      long rid = 1_000_000_000_000_000_100L;
      String self = peer.address();
      // The smallest PING cannot even carry a token back within its size: it gets no answer. Nodes pad the pings they
      // send without a token (and their first lookups) for that reason.
      String[] requests = {
          header("PING", rid, self, null) + ",\"pad\":\"" + " ".repeat(120) + "\"}",
          header("FIND_NODE", rid + 1, self, null) + ",\"target\":\"" + NodeId.random(new Random(1)).toHex() + "\"}",
          header("FIND_VALUE", rid + 2, self, null) + ",\"target\":\"" + NodeId.forKey("amp", "big", 2).toHex()
              + "\",\"ns\":\"amp\",\"key\":\"big\"}",
          header("APP", rid + 3, self, null) + ",\"channel\":\"messaging\",\"body\":{}}",
      };
      long token = 0;
      for (int i = 0; i < requests.length; i++) {
        int sent = peer.send(requests[i], to);
        RawUdpPeer.Received r = answer(peer, rid + i);
        assertThat(r.bytes()).as(requests[i]).isLessThanOrEqualTo(sent);
        token = r.json().path("tok").asLong();
      }
      int tiny = peer.send(header("PING", rid + 5, self, null) + "}", to);
      assertThat(tiny).isLessThan(150);
      assertThat(answerOrNone(peer, rid + 5, 8)).isNull();
      assertThat(target.stats().refused()).containsKeys("amplification.dropped");
      assertThat(target.stats().refused()).containsKeys("amplification.limited");
      // The same lookups with the token: full answers (20 contacts, in two fragments), many times the request.
      long limitedBefore = target.stats().refused().get("amplification.limited");
      int sent = peer.send(header("FIND_NODE", rid + 10, self, token) + ",\"target\":\""
          + NodeId.random(new Random(1)).toHex() + "\"}", to);
      long nodesBefore = peer.bytesReceived;
      for (int i = 0; i < 40 && peer.bytesReceived - nodesBefore <= 3 * sent; i++) {
        peer.receive();
      }
      assertThat(peer.bytesReceived - nodesBefore).isGreaterThan(3 * sent);
      assertThat(target.stats().refused().get("amplification.limited")).isEqualTo(limitedBefore);
      peer.send(header("FIND_VALUE", rid + 11, self, token) + ",\"target\":\"" + NodeId.forKey("amp", "big", 2).toHex()
          + "\",\"ns\":\"amp\",\"key\":\"big\"}", to);
      // A 20 KB value travels in fragments: count what arrives for this request, at least the value's size.
      long before = peer.bytesReceived;
      for (int i = 0; i < 40 && peer.bytesReceived - before < big.length(); i++) {
        peer.receive();
      }
      assertThat(peer.bytesReceived - before).isGreaterThan(big.length());
    }
  }
}
