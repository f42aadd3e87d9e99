package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.NodeId;
import dev.weft.testkit.HiddenHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's mixed network from the tarball, as issue 17 reproduced it: a super-node S ({@code --udp --ws}), a
 * UDP-only node U (the default), and a node R that opens no socket ({@code --no-listen --relay ws://S}) and is given
 * no {@code --bootstrap}. R runs in a network namespace whose firewall drops every inbound connection attempt and
 * datagram; S and U in a second one. Every node is driven by its own CLI inside its namespace; nothing is sent to them
 * from the root namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
final class RelayReachIT {
  @TempDir
  static Path dir;

  private HiddenHost hosts;
  private String openIp;
  private Tarball tarball;
  private Tarball inOpen;
  private Tarball inHidden;

  @BeforeAll
  void namespaces() throws Exception {
    HiddenHost.Result made = HiddenHost.create("rr", "10.232.0");
    Assumptions.assumeTrue(made.host() != null, () -> "skipped: " + made.unavailable());
    hosts = made.host();
    openIp = hosts.openIp;
    tarball = Tarball.unpack(dir);
    inOpen = tarball.inNamespace(hosts.open);
    inHidden = tarball.inNamespace(hosts.hidden);
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (tarball != null) {
      tarball.destroyAll();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  /** A node: its id, its API inside its namespace and the namespace's installation. */
  private record Started(String name, String id, String api, Tarball where) {}

  private Started start(Tarball where, String name, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    // Replication 1: a key lives on its closest node alone, so reading it proves that node was reached.
    all.addAll(List.of("--set", "weft.kademlia.replication=1", "--set", "weft.kademlia.read-quorum=1"));
    try {
      Process p = where.node(name, all.toArray(String[]::new));
      JsonNode line = where.firstLine(p, name);
      return new Started(name, line.get("id").asText(), line.get("api").asText(), where);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Tarball.Result weft(Started node, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--api", node.api()));
    return node.where().weft(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void aRelayedNodeJoinsThroughItsSuperNodeAndEveryKindReachesEveryOther() throws Exception {
    Started s = start(inOpen, "super", "--udp", openIp + ":7411", "--ws", openIp + ":7412", "--api",
        "127.0.0.1:7070");
    Started u = start(inOpen, "udp-only", "--udp", openIp + ":7413", "--bootstrap", "udp://" + openIp + ":7411",
        "--api", "127.0.0.1:7071");
    Started r = start(inHidden, "relayed", "--no-listen", "--relay", "ws://" + openIp + ":7412", "--api",
        "127.0.0.1:7070");
    List<Started> all = List.of(s, u, r);

    // No --bootstrap: the relayed node joined through its super-node, and learns the UDP-only node too.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (Started n : all) {
        Tarball.Result info = weft(n, "info");
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.json().get("contacts").asInt()).as("contacts of %s", n.name()).isEqualTo(2);
      }
    });
    Tarball.Result rInfo = weft(r, "info");
    assertThat(rInfo.json().get("addresses").toString()).contains("ws://" + openIp + ":7412/relay/")
        .contains("udp://" + openIp + ":7411/relay/");

    // send-node from every node to every other, each seen by the receiver's `weft listen`.
    List<Process> listeners = new ArrayList<>();
    for (Started n : all) {
      listeners.add(n.where().background(n.name() + "-listen", "listen", "--api", n.api()));
      n.where().awaitErr(listeners.get(listeners.size() - 1), n.name() + "-listen", "listening to");
    }
    for (Started from : all) {
      for (Started to : all) {
        if (from != to) {
          Tarball.Result sent = weft(from, "send-node", to.id(), "{\"from\":\"" + from.name() + "\"}");
          assertThat(sent.code()).as("%s → %s: %s", from.name(), to.name(), sent.err()).isZero();
        }
      }
    }
    for (Started n : all) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(n.where().outLines(n.name() + "-listen"))
          .extracting(l -> l.get("payload").get("from").asText()).as("senders heard by %s", n.name())
          .containsExactlyInAnyOrderElementsOf(all.stream().filter(o -> o != n).map(Started::name).toList()));
    }

    // A key whose only replica is the relayed node: written and read back by the UDP-only node.
    String[] nsKey = keyClosestTo(r, all);
    Tarball.Result put = weft(u, "put", nsKey[0], nsKey[1], "\"held behind a firewall\"");
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(weft(r, "lscan", nsKey[0]).lines()).extracting(l -> l.get("key").asText()).containsExactly(nsKey[1]);
    assertThat(weft(u, "lscan", nsKey[0]).lines()).isEmpty();
    Tarball.Result get = weft(u, "get", nsKey[0], nsKey[1]);
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.json().get("value").asText()).isEqualTo("held behind a firewall");

    // The UDP-only node never waited on the relayed one: not one of its requests timed out.
    JsonNode rpcs = weft(u, "stats").json().get("rpcs");
    long timedOut = 0;
    for (JsonNode rpc : rpcs) {
      timedOut += rpc.path("timedOut").asLong();
    }
    assertThat(timedOut).as("timed-out requests of the UDP-only node: %s", rpcs).isZero();
  }

  /** A namespace and key whose id is closest to {@code holder} of {@code nodes}. */
  private static String[] keyClosestTo(Started holder, List<Started> nodes) {
    for (int i = 0; i < 100_000; i++) {
      String ns = "reach" + i % 16;
      String key = "k" + i;
      NodeId id = NodeId.forKey(ns, key, 2); // 2: weft.storage.namespace-bits, by default
      Started closest = nodes.stream().min(Comparator.comparing(n -> NodeId.fromHex(n.id()), id::compareDistance))
          .orElseThrow();
      if (closest == holder) {
        return new String[] {ns, key};
      }
    }
    throw new AssertionError("no key of 100,000 is closest to " + holder.name());
  }
}
