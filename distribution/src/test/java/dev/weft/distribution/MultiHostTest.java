package dev.weft.distribution;

import static dev.weft.testkit.Commands.must;
import static dev.weft.testkit.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.Commands;
import dev.weft.testkit.LineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Eight "hosts" — network namespaces the test creates, each plugged into a bridge in a ninth "switch" namespace —
 * with two UDP nodes each on mapdb stores, all with the default replication (8) and read quorum (3). The hosts'
 * addresses (10.77.H.1/16) exist only inside these namespaces: the test talks to every node over its stdin and
 * stdout ({@link LineProcess}) and never sends anything to them from the root namespace.
 *
 * <p>Each host has its own /24 so that the k-buckets' per-subnet bound (4) treats them as the separate machines they
 * stand for; two nodes per host stay within the per-IP bound (2), so every Kademlia default holds except the
 * republish and refresh intervals (see {@link #REPUBLISH}, {@link #REFRESH}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MultiHostTest {
  private static final int HOSTS = 8;
  private static final int PER_HOST = 2;
  private static final int PORT = 7400;
  /**
   * Holders and writers republish every 10 s instead of every hour: scenario (c) kills every holder of a record and
   * waits for its writer to store it again, which must happen within the test's time budget.
   */
  private static final String REPUBLISH = "10s";
  /**
   * Buckets are refreshed, and contacts dropped during the partition pinged again, every 30 s / 6 = 5 s instead of
   * every 10 minutes: scenario (b) waits for the two sides to find each other after healing.
   */
  private static final String REFRESH = "30s";
  private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
  private final String sw = "wsw-" + tag;
  private final List<String> namespaces = new ArrayList<>();
  private final LineProcess[] nodes = new LineProcess[HOSTS * PER_HOST];
  private Path dir;

  @BeforeAll
  void hosts() throws Exception {
    Optional<String> unavailable = Commands.namespacesUnavailable(sw);
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
    namespaces.add(sw);
    must("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
    must("ip", "-n", sw, "link", "set", "br0", "up");
    for (int h = 0; h < HOSTS; h++) {
      String ns = host(h);
      must("ip", "netns", "add", ns);
      namespaces.add(ns);
      String inHost = "wh" + h + "-" + tag;
      String inSwitch = "ws" + h + "-" + tag;
      must("ip", "link", "add", inHost, "type", "veth", "peer", "name", inSwitch);
      must("ip", "link", "set", inHost, "netns", ns);
      must("ip", "link", "set", inSwitch, "netns", sw);
      must("ip", "-n", sw, "link", "set", inSwitch, "master", "br0");
      must("ip", "-n", sw, "link", "set", inSwitch, "up");
      must("ip", "-n", ns, "addr", "add", ip(h) + "/16", "dev", inHost);
      must("ip", "-n", ns, "link", "set", "lo", "up");
      must("ip", "-n", ns, "link", "set", inHost, "up");
    }
    dir = Files.createTempDirectory("weft-multihost");
    for (int n = 0; n < nodes.length; n++) {
      nodes[n] = start(n);
    }
    // Everyone joins through node 0, then once more so that the early joiners learn about the late ones.
    for (int round = 0; round < 2; round++) {
      for (int n = 1; n < nodes.length; n++) {
        assertThat(nodes[n].ask("join " + address(0))).startsWith("joined ");
      }
    }
  }

  @AfterAll
  void cleanUp() throws Exception {
    for (LineProcess p : nodes) {
      if (p != null) {
        p.kill();
      }
    }
    for (String ns : namespaces) {
      run("ip", "netns", "del", ns); // takes the veth ends inside it along
    }
    for (int h = 0; h < HOSTS; h++) {
      run("ip", "link", "del", "wh" + h + "-" + tag); // only left in the root namespace if setup failed half-way
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private String host(int h) {
    return "wh" + h + "-" + tag;
  }

  private static String ip(int h) {
    return "10.77." + h + ".1";
  }

  private static int hostOf(int node) {
    return node / PER_HOST;
  }

  private static String address(int node) {
    return "udp://" + ip(hostOf(node)) + ":" + (PORT + node % PER_HOST);
  }

  private LineProcess start(int n) throws IOException {
    return LineProcess.start(List.of("ip", "netns", "exec", host(hostOf(n))), dir, "node-" + n,
        Integer.toString(1000 + n), address(n), "weft.storage=mapdb",
        "weft.data.dir=" + dir.resolve("data-" + n), "weft.kademlia.republish-interval=" + REPUBLISH,
        "weft.kademlia.refresh-interval=" + REFRESH);
  }

  private static void acknowledged(String answer) {
    assertThat(answer).as("answer to a put").matches("put [1-8] [0-9]+");
  }

  /** "NODE/KEY" → the answer of {@code get NS KEY} on that node, for every node and key given. */
  private Map<String, String> readAll(List<Integer> from, String ns, List<String> keys) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (int n : from) {
      for (String k : keys) {
        out.put(n + "/" + k, nodes[n].ask("get " + ns + " " + k));
      }
    }
    return out;
  }

  /** Reads every key from every node given until all answer {@code expected}, or fails with what they answered. */
  private void everywhere(List<Integer> from, String ns, List<String> keys, String expected, Duration within)
      throws Exception {
    AtomicReference<Map<String, String>> wrong = new AtomicReference<>(Map.of());
    try {
      await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
        Map<String, String> w = new LinkedHashMap<>(readAll(from, ns, keys));
        w.values().removeIf(expected::equals);
        wrong.set(w);
        return w.isEmpty();
      });
      return;
    } catch (ConditionTimeoutException e) {
      // Fall through to the diagnostics: who answered what, and what each routing table holds.
    }
    Map<Integer, String> contacts = new LinkedHashMap<>();
    for (int n : from) {
      contacts.put(n, nodes[n].ask("contacts"));
    }
    throw new AssertionError("not \"" + expected + "\" after " + within.toSeconds() + " s (node/key=answer): "
        + wrong.get() + "; routing tables: " + contacts);
  }

  private List<Integer> running() {
    List<Integer> out = new ArrayList<>();
    for (int n = 0; n < nodes.length; n++) {
      if (nodes[n].isAlive()) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  @Order(1)
  void killNineOnFourHostsAndRestartLosesNoAcknowledgedWrite() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      keys.add("k" + i);
    }
    for (int version = 1; version <= 2; version++) {
      for (int i = 0; i < keys.size(); i++) {
        acknowledged(nodes[(i * 5 + version) % nodes.length].ask("put crash " + keys.get(i) + " v" + version));
      }
    }
    for (int round = 0; round < 2; round++) {
      // One node on each of four hosts: at most four of a record's eight holders are down at once.
      int[] victims = {1 + round, 4 + round, 9 + round, 12 + round};
      for (int n : victims) {
        nodes[n].kill();
      }
      for (int n : victims) {
        nodes[n] = start(n);
        assertThat(nodes[n].ask("join " + address(0))).startsWith("joined ");
      }
    }
    List<Integer> onePerHost = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      onePerHost.add(h * PER_HOST + h % PER_HOST);
    }
    assertThat(readAll(onePerHost, "crash", keys)).allSatisfy((where, answer) ->
        assertThat(answer).as(where).isEqualTo("value v2"));
  }

  @Test
  @Order(2)
  void writesOnBothSidesOfAPartitionConvergeToTheNewestAfterHealing() throws Exception {
    List<String> keys = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");
    for (String k : keys) {
      acknowledged(nodes[0].ask("put split " + k + " before"));
    }
    partition(true);
    try {
      // Side A is hosts 0-3 (nodes 0-7), side B hosts 4-7 (nodes 8-15). Even keys: B writes last; odd keys: A does.
      for (int i = 0; i < keys.size(); i++) {
        boolean bLast = i % 2 == 0;
        int first = bLast ? 2 : 10;
        int last = bLast ? 11 : 3;
        acknowledged(nodes[first].ask("put split " + keys.get(i) + " older"));
        acknowledged(nodes[last].ask("put split " + keys.get(i) + " newer"));
      }
      // Each side reads its own last write: the partition is real.
      assertThat(nodes[5].ask("get split p1")).isEqualTo("value newer");
      assertThat(nodes[5].ask("get split p0")).isEqualTo("value older");
      assertThat(nodes[13].ask("get split p0")).isEqualTo("value newer");
      assertThat(nodes[13].ask("get split p1")).isEqualTo("value older");
    } finally {
      partition(false);
    }
    long healed = System.nanoTime();
    everywhere(running(), "split", keys, "value newer", Duration.ofSeconds(60));
    System.out.printf("MultiHostTest: after healing, all %d nodes read the newest version of %d keys in %.1f s%n",
        nodes.length, keys.size(), (System.nanoTime() - healed) / 1e9);
  }

  /** Drops every datagram between hosts 0-3 and hosts 4-7, inside their own namespaces. */
  private void partition(boolean down) throws Exception {
    for (int h = 0; h < HOSTS; h++) {
      String other = h < HOSTS / 2 ? "10.77.4.0/22" : "10.77.0.0/22";
      must("ip", "netns", "exec", host(h), "iptables", down ? "-A" : "-D", "INPUT", "-s", other, "-j", "DROP");
    }
  }

  @Test
  @Order(3)
  void whenEveryHolderIsKilledTheWritersRepublishRestoresTheRecord() throws Exception {
    int writer = 6;
    String key = null;
    List<Integer> holders = new ArrayList<>();
    for (int i = 0; i < 20 && key == null; i++) {
      acknowledged(nodes[writer].ask("put orphan c" + i + " kept"));
      holders.clear();
      for (int n : running()) {
        if (Arrays.asList(nodes[n].ask("holds orphan").split(" ")).contains("c" + i)) {
          holders.add(n);
        }
      }
      System.out.printf("MultiHostTest: c%d held by %s%n", i, holders);
      if (!holders.contains(writer)) {
        key = "c" + i;
      }
    }
    assertThat(key).as("a key whose writer is not one of its holders").isNotNull();
    assertThat(holders).as("holders of " + key).hasSizeGreaterThanOrEqualTo(3);
    for (int n : holders) {
      nodes[n].kill();
    }
    List<Integer> alive = running();
    long killed = System.nanoTime();
    for (int n : alive) {
      assertThat(nodes[n].ask("holds orphan").split(" ")).as("keys node %d holds", n).doesNotContain(key);
    }
    // Nobody alive holds it now; the writer's republish (every 10 s) brings it back.
    everywhere(alive, "orphan", List.of(key), "value kept", Duration.ofSeconds(60));
    System.out.printf("MultiHostTest: all %d holders of %s killed; readable from all %d others again after %.1f s%n",
        holders.size(), key, alive.size(), (System.nanoTime() - killed) / 1e9);
  }
}
