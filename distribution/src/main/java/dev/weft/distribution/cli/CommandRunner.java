package dev.weft.distribution.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs one {@code weft} command in this JVM: builds picocli's command line for what the run names, executes it, and
 * turns a {@link CliException} into its message and exit code. Public for {@link dev.weft.distribution.Main}, which
 * gives it the process's streams.
 */
public final class CommandRunner {
  private CommandRunner() {}

  /** Runs one command in this JVM and returns its exit code; {@code weft node} returns only once it was stopped. */
  public static int run(String[] args, Cli cli) {
    Invocation invocation = invocation(cli, args);
    try {
      return invocation.commandLine().execute(invocation.args());
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

  /** The command line that runs a command, and the arguments it is given. */
  record Invocation(CommandLine commandLine, String[] args) {}

  /**
   * What runs {@code args}. {@code weft get ns k}: the command {@code get} alone, named {@code weft get}, given
   * {@code ns k}. Anything else ({@code weft} alone, options of {@code weft} itself before the command, {@code help},
   * {@code completion}, an unknown command) gets {@code weft} with every command, so that picocli's messages and usage
   * are those of the whole tree. Building a command's model reads its annotations by reflection; one command instead of
   * forty, and no {@code weft} above it, is most of what picocli costs a client command's start (docs/benchmarks.md,
   * "CLI start-up").
   */
  static Invocation invocation(Cli cli, String... args) {
    Factory factory = new Factory(cli);
    Class<?> named = args.length == 0 ? null : named(args[0]);
    CommandLine commandLine;
    String[] given;
    if (named != null) {
      commandLine = new CommandLine(named, factory);
      // Its usage and messages name it as typed: "Usage: weft get ...", "weft get: not found".
      commandLine.setCommandName(WeftCommand.NAME + " " + commandLine.getCommandName());
      given = Arrays.copyOfRange(args, 1, args.length);
    } else {
      commandLine = new CommandLine(WeftCommand.class, factory);
      for (Class<?> command : WeftCommand.SUBCOMMANDS) {
        commandLine.addSubcommand(new CommandLine(command, factory));
      }
      given = args;
    }
    // After the subcommands were added: these settings reach the subcommands present when they are made.
    commandLine.setOut(cli.out());
    commandLine.setErr(cli.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(new ErrorReport());
    return new Invocation(commandLine, given);
  }

  /**
   * Prints what went wrong and returns its exit code. A class, not a lambda: picocli's interfaces are Java 5 class
   * files, which the class-data archive cannot hold, so a lambda of one would be spun anew at every start.
   */
  private static final class ErrorReport implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
      // "weft get: ", "weft global get: ": the command as it was typed.
      String prefix = cmd.getCommandSpec().qualifiedName() + ": ";
      if (e instanceof CliException c) {
        cmd.getErr().println(prefix + c.getMessage());
        return c.exitCode();
      }
      cmd.getErr().println(prefix + "unexpected error (please report it): " + e);
      e.printStackTrace(cmd.getErr());
      return Cli.INTERNAL;
    }
  }

  /** The command named {@code name}; null for none, or for one that needs the others ({@code help}). */
  private static Class<?> named(String name) {
    for (Class<?> command : WeftCommand.SUBCOMMANDS) {
      Command annotation = command.getAnnotation(Command.class);
      if (annotation.name().equals(name) || List.of(annotation.aliases()).contains(name)) {
        return WeftCommand.NEED_ALL.contains(command) ? null : command;
      }
    }
    return null;
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
