package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.testkit.EmbeddedDht;
import dev.weft.testkit.EmbeddedPeer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rows of a join's rehashing walk between plugin hosts in virtual time ({@link EmbeddedDht}): each ends at the node
 * closest to its key's hash, every row once; a node that left (dropped from the routing tables) has its rows taken by
 * the next closest instead of holding the walk up to its deadline.
 */
class RehashingTest {
  private static final String Q = "0123456789abcdef0123456789abcdef";
  private static final String SALT = "fedcba9876543210fedcba9876543210";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final EmbeddedDht net = new EmbeddedDht(5);
  private final List<EmbeddedPeer> peers = new ArrayList<>();
  private final List<JoinBuffers> buffers = new ArrayList<>();
  private final List<Rehashing> nodes = new ArrayList<>();
  /** Nodes every routing table has dropped (stale closest-known lists may still name them). */
  private final Set<NodeId> gone = new HashSet<>();

  private void start(int n) {
    for (int i = 0; i < n; i++) {
      EmbeddedPeer peer = net.addPeer();
      Dht dht = forgetting(peer);
      JoinBuffers b = new JoinBuffers(net.scheduler(), 1 << 20, new Counters());
      Rehashing r = new Rehashing(dht, b, (to, batch) -> dht.request(to, Wire.CHANNEL, batch), net.scheduler(),
          net.scheduler()::execute, new Counters(), 1024);
      peer.handle(Wire.CHANNEL, (from, body) -> r.onBatch(body));
      peers.add(peer);
      buffers.add(b);
      nodes.add(r);
    }
  }

  /** {@code peer} as a Dht whose routing table no longer holds the nodes in {@link #gone}. */
  private Dht forgetting(EmbeddedPeer peer) {
    return (Dht) Proxy.newProxyInstance(Dht.class.getClassLoader(), new Class<?>[] {Dht.class}, (proxy, m, args) -> {
      if (m.getName().equals("contact") && gone.contains((NodeId) args[0])) {
        return Optional.empty();
      }
      try {
        return m.invoke(peer, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  private static ArrayNode row(int i) {
    return F.arrayNode().add("k" + i).add(new Version(1000 + i, 1).toString()).add(F.arrayNode().add(i % 40));
  }

  private static String joinKey(int i) {
    return "[" + (i % 40) + "]";
  }

  /** The running peer closest to the hash of {@code joinKey}. */
  private int owner(String joinKey) {
    NodeId hash = peers.get(0).keyId("join/" + SALT, joinKey);
    int best = -1;
    for (int p = 0; p < peers.size(); p++) {
      if (peers.get(p).running() && (best < 0 || hash.compareDistance(peers.get(p).id(), peers.get(best).id()) < 0)) {
        best = p;
      }
    }
    return best;
  }

  /** Sends 200 rows (40 join keys) from peer 0 and returns what the sender answered. */
  private String send() {
    Rehashing.Sender s = nodes.get(0).sender(Q, SALT, net.scheduler().nanoTime() + TimeUnit.SECONDS.toNanos(30));
    for (int i = 0; i < 200; i++) {
      s.add(joinKey(i), row(i));
    }
    s.close();
    return net.await(s.flush());
  }

  @Test
  void everyRowEndsAtTheNodeClosestToItsKeysHashOnce() {
    start(6);
    assertThat(send()).isEmpty();
    long held = 0;
    for (int p = 0; p < peers.size(); p++) {
      JoinBuffers.Probed mine = buffers.get(p).probe(Q, Q);
      held += mine.left();
      for (JoinBuffers.Group g : mine.groups()) {
        String key = "[" + g.left().get(0).get(2).get(0).asInt() + "]";
        assertThat(owner(key)).as("holder of " + key).isEqualTo(p);
      }
    }
    assertThat(held).isEqualTo(200);
  }

  @Test
  void aNodeThatLeftHasItsRowsTakenByTheNextClosest() {
    start(6);
    int leaver = -1;
    for (int i = 0; i < 40 && leaver <= 0; i++) {
      leaver = owner("[" + i + "]");
    }
    peers.get(leaver).stop();
    gone.add(peers.get(leaver).id());
    long t0 = net.scheduler().nanoTime();
    assertThat(send()).isEmpty();
    assertThat(net.scheduler().nanoTime() - t0).as("well before the walk's 30 s").isLessThan(
        TimeUnit.SECONDS.toNanos(15));
    long held = 0;
    for (int p = 0; p < peers.size(); p++) {
      if (p != leaver) {
        JoinBuffers.Probed mine = buffers.get(p).probe(Q, Q);
        held += mine.left();
        for (JoinBuffers.Group g : mine.groups()) {
          assertThat(owner("[" + g.left().get(0).get(2).get(0).asInt() + "]")).isEqualTo(p);
        }
      }
    }
    assertThat(held).isEqualTo(200);
  }
}
