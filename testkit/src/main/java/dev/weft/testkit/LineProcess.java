package dev.weft.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LineNode} in a child JVM on the test's class path: one command, one answer line. The command may be
 * prefixed (for instance with {@code ip netns exec NS}), which is how a test runs a node inside a network namespace
 * and still talks to it only over its stdin and stdout.
 */
public final class LineProcess {
  private static final String ANSWER = "(ready|joined|put|value|none|holds|stored|contacts|served|addr|error)\\b.*";
  private final Process process;
  private final Writer in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private LineProcess(Process process) {
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

  /**
   * Starts a node and waits for its {@code ready} line; its stderr goes to {@code dir/NAME.err}.
   *
   * @param prefix command words before {@code java} (empty for none)
   * @param args   {@link LineNode}'s arguments: the id seed, listen addresses, {@code key=value} settings
   */
  public static LineProcess start(List<String> prefix, Path dir, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    // Small heap, serial GC and the C1 compiler only: many of these share two cores in a test.
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LineNode.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".err").toFile()));
    LineProcess p = new LineProcess(pb.start());
    String ready = p.next();
    if (!ready.startsWith("ready ")) {
      p.kill();
      throw new IllegalStateException("node " + name + " did not start: " + ready);
    }
    return p;
  }

  /** The next answer line; fails after 60 s without one. */
  public String next() {
    try {
      String l;
      do {
        l = lines.poll(60, TimeUnit.SECONDS);
        if (l == null) {
          throw new AssertionError("no answer from the node process within 60 s");
        }
      } while (!l.matches(ANSWER));
      return l;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends one command and returns its answer. */
  public String ask(String command) throws IOException {
    in.write(command + "\n");
    in.flush();
    return next();
  }

  /** SIGKILL: no shutdown hook, no clean close of the store. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the node's input (it closes itself), then kills it if it has not exited within 10 s. */
  public void stop() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (IOException e) {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }
}
