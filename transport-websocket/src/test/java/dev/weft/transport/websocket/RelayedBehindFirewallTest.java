package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.weft.testkit.Commands.must;
import static dev.weft.testkit.Commands.run;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.Commands;
import dev.weft.testkit.LineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A relayed node that truly cannot be reached: it runs in a network namespace of its own whose firewall drops every
 * inbound TCP connection attempt and every UDP datagram. Its super-node and two other nodes run in a second namespace,
 * joined to the first by a veth pair. The test creates both namespaces, drives the node processes over their stdin
 * and stdout only, and probes the hidden node's address from the super-node's namespace, never from the root one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RelayedBehindFirewallTest {
  private static final String OPEN_IP = "10.231.0.1";
  private static final String HIDDEN_IP = "10.231.0.2";
  private static final int SUPER_PORT = 7301;
  private final String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
  private final String open = "weft-open-" + tag;
  private final String hidden = "weft-hid-" + tag;
  private final List<LineProcess> processes = new ArrayList<>();
  private Path dir;
  private boolean created;

  @BeforeAll
  void namespaces() throws Exception {
    Optional<String> unavailable = Commands.namespacesUnavailable(open);
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
    created = true;
    must("ip", "netns", "add", hidden);
    must("ip", "link", "add", "wo" + tag, "type", "veth", "peer", "name", "wh" + tag);
    must("ip", "link", "set", "wo" + tag, "netns", open);
    must("ip", "link", "set", "wh" + tag, "netns", hidden);
    must("ip", "-n", open, "addr", "add", OPEN_IP + "/24", "dev", "wo" + tag);
    must("ip", "-n", hidden, "addr", "add", HIDDEN_IP + "/24", "dev", "wh" + tag);
    for (String ns : List.of(open, hidden)) {
      must("ip", "-n", ns, "link", "set", "lo", "up");
    }
    must("ip", "-n", open, "link", "set", "wo" + tag, "up");
    must("ip", "-n", hidden, "link", "set", "wh" + tag, "up");
    // Outbound connections (and their replies) pass; nothing may come in on its own.
    must("ip", "netns", "exec", hidden, "iptables", "-A", "INPUT", "-p", "tcp", "--syn", "-j", "DROP");
    must("ip", "netns", "exec", hidden, "iptables", "-A", "INPUT", "-p", "udp", "-j", "DROP");
    dir = Files.createTempDirectory("weft-netns");
  }

  @AfterAll
  void cleanUp() throws Exception {
    for (LineProcess p : processes) {
      p.stop();
    }
    if (created) {
      run("ip", "netns", "del", open);
      run("ip", "netns", "del", hidden);
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aNodeNoOneCanReachStoresAndServesReplicasThroughItsSuperNode() throws Exception {
    String superAddress = "ws://" + OPEN_IP + ":" + SUPER_PORT;
    LineProcess superNode = start(open, 1, superAddress);
    LineProcess writer = start(open, 2, "ws://" + OPEN_IP + ":0");
    LineProcess reader = start(open, 3, "ws://" + OPEN_IP + ":0");
    LineProcess relayed = start(hidden, 4, superAddress + "/relay");
    assertThat(relayed.ask("addr")).startsWith("addr " + superAddress + "/relay/");

    // Nobody can open a connection to the hidden namespace: the attempt hangs until the probe gives up.
    int probe = run("ip", "netns", "exec", open, "timeout", "3", "bash", "-c",
        "exec 3<>/dev/tcp/" + HIDDEN_IP + "/" + SUPER_PORT);
    assertThat(probe).as("exit code of a TCP connect to the hidden node (124: timed out)").isEqualTo(124);

    for (LineProcess p : List.of(writer, reader, relayed)) {
      assertThat(p.ask("join " + superAddress)).startsWith("joined ");
    }
    for (LineProcess p : List.of(writer, reader, relayed)) {
      assertThat(p.ask("join " + superAddress)).startsWith("joined ");
    }
    for (int i = 0; i < 20; i++) {
      assertThat(writer.ask("put ns k" + i + " v" + i)).matches("put [1-9][0-9]* [0-9]+");
    }
    // The hidden node holds replicas of what others wrote (four nodes, eight replicas: all of them) ...
    await().atMost(Duration.ofSeconds(20)).until(() -> relayed.ask("stored").equals("stored 20"));
    // ... its own writes and reads work ...
    assertThat(relayed.ask("put ns mine hidden-value")).matches("put [2-9] [0-9]+");
    assertThat(relayed.ask("get ns k7")).isEqualTo("value v7");
    assertThat(reader.ask("get ns mine")).isEqualTo("value hidden-value");
    for (int i = 0; i < 20; i++) {
      assertThat(reader.ask("get ns k" + i)).isEqualTo("value v" + i);
    }
    // ... and it answers the others' lookups and stores, all through the super-node.
    for (String rpc : List.of("FIND_NODE", "STORE")) {
      assertThat(Long.parseLong(relayed.ask("served " + rpc).substring("served ".length()))).as(rpc).isPositive();
    }
  }

  private LineProcess start(String ns, int seed, String listen) throws IOException {
    LineProcess p = LineProcess.start(List.of("ip", "netns", "exec", ns), dir, "node-" + seed,
        Integer.toString(seed), listen);
    processes.add(p);
    return p;
  }
}
