package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link CommandRunner} builds for a run: the command it names alone, or {@code weft} with all when the run needs
 * it.
 */
final class CommandRunnerTest {
  private static final List<String> ALL = List.of("node", "cluster", "simulate", "put", "put-all", "get", "delete",
      "lscan", "info", "stats", "peers", "send", "send-node", "send-all", "listen", "global", "pht", "sql", "config",
      "version", "keygen", "completion", "help");

  private static CommandRunner.Invocation invocation(String... args) {
    PrintWriter none = new PrintWriter(new OutputStreamWriter(new ByteArrayOutputStream(), StandardCharsets.UTF_8));
    return CommandRunner.invocation(new Cli(none, none, Map.of(), new ByteArrayInputStream(new byte[0])), args);
  }

  @Test
  void aRunOfACommandBuildsThatCommandAloneUnderItsFullName() {
    CommandRunner.Invocation get = invocation("get", "ns", "k");
    assertThat(get.commandLine().getCommandName()).isEqualTo("weft get");
    assertThat(get.commandLine().getParent()).isNull();
    assertThat(get.args()).containsExactly("ns", "k");

    CommandRunner.Invocation global = invocation("global", "get", "--api", "127.0.0.1:1", "x");
    assertThat(global.commandLine().getCommandName()).isEqualTo("weft global");
    assertThat(global.commandLine().getSubcommands()).containsOnlyKeys("set", "get", "remove", "list", "watch");
    assertThat(global.args()).containsExactly("get", "--api", "127.0.0.1:1", "x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--help", "-V", "help get", "completion", "nosuch", "--bogus get",
      "--api 127.0.0.1:1 get", "--pretty get"})
  void helpCompletionOptionsOfWeftAndMistakesGetWeftWithEveryCommandInHelpOrder(String args) {
    String[] given = args.isEmpty() ? new String[0] : args.split(" ");
    CommandRunner.Invocation weft = invocation(given);
    assertThat(weft.commandLine().getCommandName()).isEqualTo("weft");
    assertThat(weft.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(ALL);
    assertThat(weft.args()).containsExactly(given);
  }

  @Test
  void usageAndErrorsNameTheCommandAsTyped() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(CommandRunner.run(new String[] {"global", "get", "--help"},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new ByteArrayInputStream(new byte[0]))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: weft global get ");
    assertThat(CommandRunner.run(new String[] {"get", "ns", "k", "--api", "127.0.0.1:0"}, new PrintStream(out, true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
        new ByteArrayInputStream(new byte[0]))).isEqualTo(Cli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("weft get: invalid API address in --api");
  }

  @Test
  void anUnknownOptionBeforeTheCommandGetsTheWholeUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CommandRunner.run(new String[] {"--bogus", "get", "ns", "k"},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new ByteArrayInputStream(new byte[0]));
    assertThat(code).isEqualTo(Cli.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--bogus'")
        .contains("Usage: weft").contains("  node ").contains("  pht ").contains("  completion ");
  }
}
