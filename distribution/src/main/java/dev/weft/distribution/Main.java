package dev.weft.distribution;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

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

  /** Runs one command and exits the JVM with its exit code. */
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

  /** Runs one command in this JVM and returns its exit code; {@code weft node} returns only once it was stopped. */
  static int run(String[] args, Cli cli) {
    CommandLine commandLine = commandLine(cli);
    try {
      return commandLine.execute(args);
    } finally {
      cli.out().flush();
      cli.err().flush();
    }
  }

  /** Convenience for tests: UTF-8 streams. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, InputStream in) {
    return run(args, new Cli(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true), env, in));
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine commandLine = new CommandLine(WeftCommand.class, new Factory(cli));
    commandLine.setOut(cli.out());
    commandLine.setErr(cli.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      // "weft get: ", "weft global get: ": the command as it was typed.
      String prefix = cmd.getCommandSpec().qualifiedName() + ": ";
      if (e instanceof CliException c) {
        cmd.getErr().println(prefix + c.getMessage());
        return c.exitCode();
      }
      cmd.getErr().println(prefix + "unexpected error (please report it): " + e);
      e.printStackTrace(cmd.getErr());
      return Cli.INTERNAL;
    });
    return commandLine;
  }

  /** Gives commands that want one the {@link Cli} of this run. */
  private static final class Factory implements CommandLine.IFactory {
    private final Cli cli;

    Factory(Cli cli) {
      this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      Constructor<K> withCli;
      try {
        withCli = type.getDeclaredConstructor(Cli.class);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
      return withCli.newInstance(cli);
    }
  }
}
