package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing-table hardening on real UDP sockets. Linux answers on all of 127.0.0.0/8, so honest nodes each get an
 * address of their own (127.0.1.x) while the attacker's many ids share one (127.0.0.66); the bounds are told to count
 * loopback addresses.
 */
class SybilBoundsTest {
  private final Random random = new Random(31);
  private final HostNodes nodes = new HostNodes(random, Map.of(
      KademliaSettings.RPC_TIMEOUT.key(), "200ms",
      KademliaSettings.MAX_PER_IP.key(), "1",
      KademliaSettings.MAX_PER_SUBNET.key(), "20",
      KademliaSettings.LIMIT_LOOPBACK.key(), "true"));

  @AfterEach
  void close() {
    nodes.close();
  }

  private Node node(String listen) {
    return nodes.start(listen);
  }

  private static long fromHost(Node n, String host) {
    return n.info().buckets().stream().mapToLong(b -> b.contacts().stream()
        .filter(c -> c.contact().addresses().get(0).host().equals(host)).count()).max().orElse(0);
  }

  @Test
  void manyIdsFromOneAddressGetOneSlotPerBucket() throws Exception {
    Node victim = node("udp://127.0.1.100:0");
    List<CompletableFuture<Integer>> joins = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      joins.add(node("udp://127.0.1." + i + ":0").join(victim.addresses()));
    }
    List<Node> sybils = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Node s = node("udp://127.0.0.66:0");
      sybils.add(s);
      joins.add(s.join(victim.addresses()));
    }
    CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    // Every sybil has talked to the victim (its join pinged it), yet no bucket holds two of them.
    for (Node s : sybils) {
      s.storage().get("probe", s.id().toHex()).get(30, TimeUnit.SECONDS);
    }
    NodeInfo info = victim.info();
    for (NodeInfo.Bucket b : info.buckets()) {
      assertThat(b.contacts().stream().filter(c -> c.contact().addresses().get(0).host().equals("127.0.0.66")))
          .as("bucket %d", b.index()).hasSizeLessThanOrEqualTo(1);
    }
    assertThat(fromHost(victim, "127.0.0.66")).isEqualTo(1);
    assertThat(victim.stats().refused()).containsKey("routing.ip-bound");
    assertThat(victim.stats().refused().get("routing.ip-bound")).isPositive();
    // The honest nodes are all known, and the network works.
    for (int i = 1; i <= 6; i++) {
      String host = "127.0.1." + i;
      assertThat(info.buckets().stream().flatMap(b -> b.contacts().stream())
          .anyMatch(c -> c.contact().addresses().get(0).host().equals(host))).as(host).isTrue();
    }
    victim.storage().put("ns", "k", JsonNodeFactory.instance.textNode("v")).get(30, TimeUnit.SECONDS);
    assertThat(nodes.get(3).storage().get("ns", "k").get(30, TimeUnit.SECONDS)).isPresent();
  }

  @Test
  void aNewIdOnAnOldAddressReplacesTheOldIdOnceItStopsAnswering() throws Exception {
    Node victim = node("udp://127.0.1.100:0");
    Node before = node("udp://127.0.1.1:0");
    before.join(victim.addresses()).get(30, TimeUnit.SECONDS);
    Address address = before.addresses().get(0);
    NodeId oldId = before.id();
    before.close();
    // Another node (another id) on the very same address and port, as after a restart without its data directory.
    Node after = node(address.toString());
    assertThat(after.addresses()).containsExactly(address);
    after.join(victim.addresses()).get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      after.storage().get("probe", "x").get(30, TimeUnit.SECONDS);
      List<NodeId> known = victim.info().buckets().stream().flatMap(b -> b.contacts().stream())
          .map(c -> c.contact().id()).toList();
      assertThat(known).contains(after.id()).doesNotContain(oldId);
    });
    assertThat(victim.stats().refused()).containsKey("routing.address-taken");
  }
}
