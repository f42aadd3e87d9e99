package dev.weft.testkit;

import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system commands that set up network namespaces for multi-process tests ({@code ip}, {@code iptables}),
 * and says why such a test cannot run here.
 */
public final class Commands {
  private Commands() {}

  /**
   * Why network namespaces cannot be made here, or empty when they can: {@code ip} and {@code iptables} exist and
   * {@code probe} (a namespace name) could be created; the caller deletes it.
   */
  public static Optional<String> namespacesUnavailable(String probe) throws IOException, InterruptedException {
    if (!new File("/usr/sbin/ip").canExecute() && !new File("/sbin/ip").canExecute()) {
      return Optional.of("no `ip` command to create network namespaces");
    }
    if (!new File("/usr/sbin/iptables").canExecute() && !new File("/sbin/iptables").canExecute()) {
      return Optional.of("no `iptables` to filter inside the namespaces (.ci/run installs it)");
    }
    if (run("ip", "netns", "add", probe) != 0) {
      return Optional.of("cannot create network namespaces here (needs root)");
    }
    return Optional.empty();
  }

  /** Runs a command with its output discarded; its exit code, or -1 if it did not end within 30 s. */
  public static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** Runs a command that must succeed. */
  public static void must(String... command) throws IOException, InterruptedException {
    int code = run(command);
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + code);
    }
  }
}
