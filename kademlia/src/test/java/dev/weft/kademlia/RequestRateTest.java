package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One IP address sending ten times its request rate is served at most at its rate, while the other peers keep being
 * answered. Nodes get 127.x addresses of their own and the limits are told to count loopback.
 */
class RequestRateTest {
  private static final int RATE = 50;
  private final Random random = new Random(41);
  private final HostNodes nodes = new HostNodes(random, Map.of(
      KademliaSettings.RPC_TIMEOUT.key(), "300ms",
      KademliaSettings.LIMIT_LOOPBACK.key(), "true",
      KademliaSettings.REQUESTS_PER_IP.key(), Integer.toString(RATE)));

  @AfterEach
  void close() {
    nodes.close();
  }

  private Node node(String listen) {
    return nodes.start(listen);
  }

  @Test
  void aFlooderIsServedAtItsRateWhileOthersAreServed() throws Exception {
    Node target = node("udp://127.0.1.100:0");
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      joins.add(node("udp://127.0.1." + i + ":0").join(target.addresses()));
    }
    CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      nodes.get(1 + i % 5).storage().put("rate", "k" + i, JsonNodeFactory.instance.numberNode(i))
          .get(30, TimeUnit.SECONDS);
    }
    Address a = target.addresses().get(0);
    InetSocketAddress to = new InetSocketAddress(a.host(), a.port());
    NodeId attacker = NodeId.random(random);
    int seconds = 3;
    try (RawUdpPeer flooder = new RawUdpPeer("127.0.0.66")) {
      String ping = "{\"v\":1,\"t\":\"PING\",\"rid\":RID,\"from\":\"" + attacker.toHex() + "\",\"addrs\":[\""
          + flooder.address() + "\"],\"pad\":\"" + " ".repeat(150) + "\"}";
      // Ten times the rate for three seconds (paced in batches), while honest nodes read through the target.
      int sent = 0;
      List<CompletableFuture<?>> reads = new ArrayList<>();
      long start = System.nanoTime();
      for (int tick = 0; tick < seconds * 20; tick++) {
        for (int j = 0; j < RATE / 2; j++) {
          flooder.send(ping.replace("RID", Long.toString(1_000_000_000_000_000_000L + sent++)), to);
        }
        if (tick % 2 == 0) {
          Node reader = nodes.get(1 + (tick / 2) % 5);
          reads.add(reader.storage().get("rate", "k" + (tick / 2) % 20));
        }
        long due = start + (tick + 1) * 50_000_000L;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
      }
      assertThat(sent).isEqualTo(10 * RATE * seconds);
      int answered = 0;
      for (int idle = 0; idle < 4; ) {
        RawUdpPeer.Received r = flooder.receive();
        if (r == null) {
          idle++;
        } else if (r.json() != null && r.json().path("t").asText().equals("PONG")) {
          answered++;
        }
      }
      long elapsedSeconds = Math.max(seconds, Math.round((System.nanoTime() - start) / 1e9));
      // At most the rate over the time, plus the burst it starts with.
      assertThat(answered).isLessThanOrEqualTo(RATE * (int) elapsedSeconds + 2 * RATE);
      assertThat(answered).isGreaterThan(RATE);
      assertThat(target.stats().refused().get("rate.ip")).isGreaterThanOrEqualTo(sent - answered - 10L);
      int found = 0;
      for (CompletableFuture<?> read : reads) {
        if (((java.util.Optional<?>) read.get(30, TimeUnit.SECONDS)).isPresent()) {
          found++;
        }
      }
      assertThat(found).isGreaterThanOrEqualTo((int) Math.ceil(0.99 * reads.size()));
    }
  }
}
