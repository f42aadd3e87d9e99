package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code weft global ...}: the globals of the node's schema plugin, named JSON values every node of the network knows,
 * through the routes under {@code /v1/schema} of its HTTP API.
 */
final class GlobalCommands {
  private GlobalCommands() {}

  private static final String NAME_HELP = "1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter, digit or _.";

  /** {@code weft global} itself: only lists its subcommands. */
  @Command(name = "global", mixinStandardHelpOptions = true,
      description = "Named JSON values that every node of the network knows (the schema plugin): set one on any node "
          + "and every node learns it; the newest write wins.",
      subcommands = {Set.class, Get.class, Remove.class, ListAll.class, Watch.class})
  static final class Group extends ClientCommands.CommandGroup {}

  /** A command on one global, named by its first parameter. */
  abstract static class OnGlobal extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "NAME", description = NAME_HELP)
    String name;

    OnGlobal(Cli cli) {
      super(cli);
    }

    /** The global's path; the node checks the name, the CLI only that there is one. */
    String path() {
      if (name.isEmpty()) {
        throw new CliException(Cli.USAGE, "the global name must not be empty");
      }
      return "/v1/schema/globals/" + Urls.encodeSegment(name);
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Sets the global NAME to a JSON value on every node; prints {name, value, version} once this node "
          + "applied it and handed it on. Exit code 3 when the node writes globals faster than it may (try again).")
  static final class Set extends OnGlobal {
    @Parameters(index = "1", paramLabel = "JSON", description = "The value, any JSON (null too): '{\"a\":1}', "
        + "'\"text\"', 42 ... Use - to read it from standard input.")
    String json;

    Set(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      byte[] value = jsonArgument(json, "value");
      print(client().call("PUT", path(), value).body());
      return Cli.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Prints the value of the global NAME as this node knows it, as JSON; exit code 1 when it knows "
          + "none (or it was removed).")
  static final class Get extends OnGlobal {
    Get(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      JsonNode global = client().call("GET", path(), null).body();
      JsonNode value = global.get("value");
      if (value == null) {
        throw new CliException(Cli.INTERNAL, "the node answered without a value: " + JsonTree.text(global));
      }
      print(value);
      return Cli.OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Removes the global NAME from every node (succeeds whether or not it existed); prints {name, "
          + "removed, version}.")
  static final class Remove extends OnGlobal {
    Remove(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("DELETE", path(), null).body());
      return Cli.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Prints every global this node knows, one JSON line {name, value, version} each, by name.")
  static final class ListAll extends ClientCommands.Base {
    ListAll(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      for (JsonNode global : client().call("GET", "/v1/schema/globals", null).body().path("globals")) {
        print(global);
      }
      return Cli.OK;
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = {
          "Prints every change of a global this node learns, one JSON line each: {name, value, version}, or {name, "
              + "removed, version} for a removal, as they arrive, until stopped with Ctrl-C or SIGTERM.",
          "Exit code 3 when the node stops, cannot be reached, or goes silent for "
              + "45 s (it sends a heartbeat every 15 s)."})
  static final class Watch extends ClientCommands.Base {
    Watch(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      return follow("/v1/schema/watch", "watching");
    }
  }
}
