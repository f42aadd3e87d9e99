package dev.weft.distribution.cli;

import dev.weft.api.NodeId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The messaging commands: {@code send}, {@code send-node} and {@code send-all} post one message through the node's
 * HTTP API; {@code listen} prints the messages the node receives until it is stopped.
 */
final class MessageCommands {
  private MessageCommands() {}

  private static final String JSON_HELP = "The message, any JSON: '{\"a\":1}', '\"text\"', 42 ... "
      + "Use - to read it from standard input.";

  @Command(name = "send", mixinStandardHelpOptions = true,
      description = "Sends a JSON message to the node responsible for NAMESPACE and KEY (the closest live node to "
          + "the key); prints {id, to} once that node acknowledged it. Exit code 3 when none of the closest nodes "
          + "took it.")
  static final class Send extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "NAMESPACE")
    String namespace;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", paramLabel = "JSON", description = JSON_HELP)
    String json;

    Send(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      String path = "/v1/messages/key/" + segments(namespace, key);
      print(client().call("POST", path, jsonArgument(json, "message")).body());
      return Cli.OK;
    }
  }

  @Command(name = "send-node", mixinStandardHelpOptions = true,
      description = "Sends a JSON message to the node with id ID (40 hex digits, as `weft info` prints it); prints "
          + "{id, to} once it acknowledged it. Exit code 1 when no node with that id is in the network, 3 when it "
          + "did not take the message or the network could not be asked.")
  static final class SendNode extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "JSON", description = JSON_HELP)
    String json;

    SendNode(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      NodeId to;
      try {
        to = NodeId.fromHex(id.trim());
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid node id: " + e.getMessage());
      }
      byte[] message = jsonArgument(json, "message");
      print(client().call("POST", "/v1/messages/node/" + to.toHex(), message).body());
      return Cli.OK;
    }
  }

  @Command(name = "send-all", mixinStandardHelpOptions = true,
      description = "Sends a JSON message to every node of the network, this one included; prints {id, subtrees, "
          + "unreachable}: the parts of the network (k-buckets) the node handed it to, and those where no contact "
          + "took it.")
  static final class SendAll extends ClientCommands.Base {
    @Parameters(index = "0", paramLabel = "JSON", description = JSON_HELP)
    String json;

    SendAll(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("POST", "/v1/messages/all", jsonArgument(json, "message")).body());
      return Cli.OK;
    }
  }

  @Command(name = "listen", mixinStandardHelpOptions = true,
      description = {
          "Prints every user message the node receives, one JSON line each: {kind, id, sender, channel, namespace, "
              + "key, payload} (namespace and key for kind \"key\" only), as they arrive, until stopped with "
              + "Ctrl-C or SIGTERM.",
          "Exit code 3 when the node stops, cannot be reached, or goes silent for "
              + "45 s (it sends a heartbeat every 15 s)."})
  static final class Listen extends ClientCommands.Base {
    Listen(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      return follow("/v1/messages/stream", "listening to");
    }
  }
}
