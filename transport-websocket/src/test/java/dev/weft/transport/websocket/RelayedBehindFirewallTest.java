package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.weft.testkit.Commands.run;
import static org.awaitility.Awaitility.await;

import dev.weft.testkit.HiddenHost;
import dev.weft.testkit.LineProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private static final int SUPER_PORT = 7301;
  private final List<LineProcess> processes = new ArrayList<>();
  private HiddenHost hosts;
  private String open;
  private String hidden;
  private String openIp;
  private String hiddenIp;
  private Path dir;

  @BeforeAll
  void namespaces() throws Exception {
    HiddenHost.Result made = HiddenHost.create("rbf", "10.231.0");
    Assumptions.assumeTrue(made.host() != null, () -> "skipped: " + made.unavailable());
    hosts = made.host();
    open = hosts.open;
    hidden = hosts.hidden;
    openIp = hosts.openIp;
    hiddenIp = hosts.hiddenIp;
    dir = Files.createTempDirectory("weft-netns");
  }

  @AfterAll
  void cleanUp() throws Exception {
    for (LineProcess p : processes) {
      p.stop();
    }
    if (hosts != null) {
      hosts.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aNodeNoOneCanReachStoresAndServesReplicasThroughItsSuperNode() throws Exception {
    String superAddress = "ws://" + openIp + ":" + SUPER_PORT;
    LineProcess superNode = start(open, 1, superAddress);
    LineProcess writer = start(open, 2, "ws://" + openIp + ":0");
    LineProcess reader = start(open, 3, "ws://" + openIp + ":0");
    LineProcess relayed = start(hidden, 4, superAddress + "/relay");
    assertThat(relayed.ask("addr")).startsWith("addr " + superAddress + "/relay/");

    // Nobody can open a connection to the hidden namespace: the attempt hangs until the probe gives up.
    int probe = run("ip", "netns", "exec", open, "timeout", "3", "bash", "-c",
        "exec 3<>/dev/tcp/" + hiddenIp + "/" + SUPER_PORT);
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
