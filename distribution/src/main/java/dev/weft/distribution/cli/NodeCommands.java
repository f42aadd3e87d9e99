package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * What a running node says about itself through its HTTP API: {@code info}, {@code stats} and {@code peers}.
 */
final class NodeCommands {
  private NodeCommands() {}

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Prints the node's id, addresses, contacts, stored records and routing table as one JSON object.")
  static final class Info extends ClientCommands.Base {
    Info(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("GET", "/v1/info", null).body());
      return Cli.OK;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Prints the node's counters (RPCs, lookups, bytes, messages) as one JSON object.")
  static final class Stats extends ClientCommands.Base {
    Stats(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("GET", "/v1/stats", null).body());
      return Cli.OK;
    }
  }

  @Command(name = "peers", mixinStandardHelpOptions = true,
      description = "Prints the node's routing table, one JSON line per contact: {id, addresses, bucket, "
          + "lastSeenMillis, rttMillis, failures}, most distant bucket first.")
  static final class Peers extends ClientCommands.Base {
    Peers(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      for (JsonNode peer : client().call("GET", "/v1/peers", null).body().path("peers")) {
        print(peer);
      }
      return Cli.OK;
    }
  }
}
