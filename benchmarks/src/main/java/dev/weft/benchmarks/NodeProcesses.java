package dev.weft.benchmarks;

import dev.weft.api.Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N {@link BenchNode} processes on loopback, joined through the first; {@code -Dweft.*} settings of this JVM pass
 * through. Closing stops them.
 */
final class NodeProcesses implements AutoCloseable {
  final List<Process> procs = new ArrayList<>();
  final List<Long> pids = new ArrayList<>();
  private final List<BufferedReader> outputs = new ArrayList<>();
  /** The nodes' WebSocket addresses, when they were started with {@code -Dbench.ws=true}. */
  final List<Address> webSockets = new ArrayList<>();
  final Address bootstrap;
  final double startSeconds;

  NodeProcesses(int nodes, String jvmOptions) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> procs.forEach(Process::destroyForcibly)));
    String first = null;
    long t0 = System.nanoTime();
    for (int i = 0; i < nodes; i++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.addAll(Arrays.asList(jvmOptions.trim().split("\\s+")));
      System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("weft."))
          .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
      cmd.addAll(List.of("-cp", cp, BenchNode.class.getName()));
      if (first != null) {
        cmd.add(first);
      }
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      procs.add(p);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      outputs.add(out);
      String line = out.readLine();
      while (line != null && line.startsWith("[")) {
        line = out.readLine(); // the JVM's own log lines (a flight recording's start), with -XX options given
      }
      if (line == null || !line.startsWith("READY ")) {
        throw new IllegalStateException("node " + i + " did not start: " + line);
      }
      String[] parts = line.split(" ");
      if (first == null) {
        first = parts[1];
      }
      pids.add(Long.parseLong(parts[2]));
      if (parts.length > 3) {
        webSockets.add(Address.parse(parts[3]));
      }
    }
    // Early nodes rejoin so every node knows the whole network, as bucket refreshes would do over time.
    for (Process p : procs) {
      OutputStream in = p.getOutputStream();
      in.write('\n');
      in.flush();
    }
    this.bootstrap = Address.parse(first);
    this.startSeconds = (System.nanoTime() - t0) / 1e9;
  }

  /** The messages all node processes have sent so far. */
  long messagesOut() throws IOException {
    for (Process p : procs) {
      p.getOutputStream().write("stats\n".getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().flush();
    }
    long sum = 0;
    for (BufferedReader out : outputs) {
      String line = out.readLine();
      if (line == null || !line.startsWith("STATS ")) {
        throw new IllegalStateException("a node process did not report its stats: " + line);
      }
      sum += Long.parseLong(line.substring(6).trim());
    }
    return sum;
  }

  /** Resident memory of one process in KiB, or -1. */
  static long rssKib(long pid) {
    return procField("/proc/" + pid + "/status", "VmRSS:");
  }

  /**
   * Proportional resident memory of one process in KiB, or -1: its private pages, plus each shared page divided by the
   * processes sharing it (the JDK's class-data archive, the same jars mapped by every node of the host).
   */
  static long pssKib(long pid) {
    return procField("/proc/" + pid + "/smaps_rollup", "Pss:");
  }

  /**
   * CPU time used so far by the threads of process {@code pid} ({@code "self"} for this one), in clock ticks
   * (normally 10 ms), summed over all its threads at [0] and over its JIT compiler threads at [1]; zeros when /proc
   * cannot say. Threads that ended are not counted, which is why callers compare two readings over a busy phase only.
   */
  static long[] cpuTicks(String pid) {
    long[] ticks = new long[2];
    try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          // After the name: state, ppid, ... utime is the 14th field of the line, stime the 15th.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          ticks[0] += t;
          if (name.contains("CompilerThre")) {
            ticks[1] += t;
          }
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read
        }
      }
    } catch (IOException | RuntimeException e) {
      return ticks;
    }
    return ticks;
  }

  private static long procField(String file, String field) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    procs.forEach(Process::destroy);
    for (Process p : procs) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
