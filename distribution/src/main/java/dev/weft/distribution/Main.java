package dev.weft.distribution;

import dev.weft.distribution.cli.Cli;
import dev.weft.distribution.cli.CommandRunner;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code weft} command: {@code weft node} runs a node with its HTTP API; {@code weft simulate} runs the scale
 * experiments on a simulated network; {@code put}, {@code get}, {@code delete},
 * {@code lscan}, {@code info}, {@code stats}, {@code send}, {@code send-node}, {@code send-all}, {@code listen},
 * {@code global set|get|remove|list|watch} and {@code pht create|insert|remove|get|range|rect|stats} talk to a running
 * node through that API. {@code bin/weft} of the
 * distribution starts this class; run {@code weft --help} for the commands and {@code weft <command> --help} for
 * their options.
 *
 * <p>Exit codes: 0 success, 1 not found, 2 bad usage or bad input, 3 the node or the network could not be reached,
 * 4 an unexpected error (a bug worth reporting).
 */
public final class Main {
  private Main() {}

  /**
   * Runs one command with {@code cli}'s streams and environment; its exit code. What {@link #main} does short of
   * exiting: the class-data training runs commands through here, so the archive holds the path bin/weft takes.
   */
  public static int run(String[] args, Cli cli) {
    return CommandRunner.run(args, cli);
  }

  /** Runs one command ({@link CommandRunner}) and exits the JVM with its exit code. */
  public static void main(String[] args) {
    // Not System.out: that PrintStream swallows write errors, so `weft listen | head -1` would never learn that its
    // reader left (the JVM ignores SIGPIPE). Over the descriptor itself, PrintWriter.checkError() tells.
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
        StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(args, new Cli(out, err, System.getenv(), System.in));
    out.flush();
    err.flush();
    System.exit(code);
  }
}
