package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
    Assumptions.assumeTrue(new File("/usr/sbin/ip").canExecute() || new File("/sbin/ip").canExecute(),
        "skipped: no `ip` command to create network namespaces");
    Assumptions.assumeTrue(new File("/usr/sbin/iptables").canExecute(),
        "skipped: no `iptables` to filter the hidden namespace (.ci/run installs it)");
    Assumptions.assumeTrue(run("ip", "netns", "add", open) == 0,
        "skipped: cannot create network namespaces here (needs root)");
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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, java, "-Xmx96m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), LineNode.class.getName(), Integer.toString(seed), listen)
        .directory(dir.toFile()).redirectError(dir.resolve("node-" + seed + ".err").toFile());
    LineProcess p = new LineProcess(pb.start());
    processes.add(p);
    String ready = p.next();
    assertThat(ready).as("start of node %d in %s", seed, ns).startsWith("ready ");
    return p;
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static void must(String... command) throws IOException, InterruptedException {
    int code = run(command);
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + code);
    }
  }

  /** A {@link LineNode} process: one command, one answer line. */
  private static final class LineProcess {
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    LineProcess(Process process) {
      this.process = process;
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            lines.add(l);
          }
        } catch (IOException e) {
          // The process ended.
        }
      }, "line-node-reader");
      t.setDaemon(true);
      t.start();
    }

    String next() {
      try {
        String l;
        do {
          l = lines.poll(60, TimeUnit.SECONDS);
          if (l == null) {
            throw new AssertionError("no answer from the node process within 60 s");
          }
        } while (!l.matches("(ready|joined|put|value|none|stored|served|addr|error)\\b.*"));
        return l;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    String ask(String command) throws IOException {
      in.write(command + "\n");
      in.flush();
      return next();
    }

    void stop() throws IOException, InterruptedException {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
