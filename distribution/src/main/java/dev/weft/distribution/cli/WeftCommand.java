package dev.weft.distribution.cli;

import dev.weft.distribution.Versions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft} itself: only lists its subcommands. */
@Command(
    name = WeftCommand.NAME,
    mixinStandardHelpOptions = true,
    versionProvider = WeftCommand.Version.class,
    description = "A peer-to-peer data layer: run a node, or talk to a running one through its HTTP API.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:not found (an object, a global, an index or its key, or the node of send-node)",
        "2:bad usage or bad input (invalid JSON value, bad address ...)",
        "3:the node or the network could not be reached, or refused for now (rate limit); the node stopped (listen, "
            + "global watch)",
        "4:unexpected error (please report it)"},
    footer = {"", "Client commands find the node at --api, else $WEFT_API, else " + Cli.DEFAULT_API + "; they send "
        + "--token, else $WEFT_API_TOKEN, else weft.api.token of conf/weft.properties, to a node that requires one.",
        "Output is JSON, one value per line; --pretty indents it. `weft completion` prints a bash/zsh completion "
            + "script."})
final class WeftCommand implements Callable<Integer> {
  static final String NAME = "weft";

  /**
   * The commands, in the order {@code weft --help} lists them. Not in {@code @Command(subcommands)}: {@link
   * CommandRunner} builds only the one a run names, so that picocli reads the annotations of one command instead of
   * forty.
   */
  static final List<Class<?>> SUBCOMMANDS = List.of(
      NodeCommand.class,
      ClusterCommand.class,
      SimulateCommand.class,
      StorageCommands.Put.class,
      PutAllCommand.class,
      StorageCommands.Get.class,
      StorageCommands.Delete.class,
      StorageCommands.Lscan.class,
      NodeCommands.Info.class,
      NodeCommands.Stats.class,
      NodeCommands.Peers.class,
      MessageCommands.Send.class,
      MessageCommands.SendNode.class,
      MessageCommands.SendAll.class,
      MessageCommands.Listen.class,
      GlobalCommands.Group.class,
      PhtCommands.Group.class,
      SqlCommand.class,
      LocalCommands.Config.class,
      LocalCommands.Version.class,
      LocalCommands.Keygen.class,
      LocalCommands.Completion.class,
      CommandLine.HelpCommand.class);

  /** The commands that look at the others: they run with all of them. */
  static final Set<Class<?>> NEED_ALL = Set.of(LocalCommands.Completion.class, CommandLine.HelpCommand.class);

  /** Also accepted before the command ({@code weft --api HOST:PORT get ...}); the command's own --api wins. */
  @Option(names = "--api", paramLabel = "HOST:PORT",
      description = "The node's HTTP API, for any command (a command's own --api wins).")
  String api;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The API's token, for any command.")
  String token;

  @Option(names = "--pretty", description = "Indented JSON, for people, for any command.")
  boolean pretty;

  @Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }

  /** {@code weft --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"weft " + Versions.weft() + " (Java " + Runtime.version() + ")"};
    }
  }
}
