package dev.weft.distribution.cli;

import dev.weft.distribution.config.NodeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that say how a node runs: of {@code weft node}, and of {@code weft config}, which shows the result. */
final class NodeOptions {
  @Option(names = "--udp", paramLabel = "HOST:PORT",
      description = "UDP address to listen on; port 0 picks a free port (default: weft.listen, else "
          + NodeSettings.DEFAULT_UDP + ").")
  String udp;

  @Option(names = "--ws", paramLabel = "HOST:PORT",
      description = "Also listen on WebSocket (port 0: a free port): peers may connect over ws://, nodes that cannot"
          + " listen may relay through this one, browsers connect to it (weft.js).")
  String ws;

  @Option(names = "--relay", paramLabel = "ws://HOST:PORT",
      description = "Be reached through this super-node instead of listening on WebSocket; repeat for fail-over."
          + " Without --bootstrap the node joins the network through its super-node.")
  List<String> relay;

  @Option(names = "--no-listen", description = "Open no socket of its own: reached only through its --relay"
      + " super-nodes (for nodes behind NAT or a firewall).")
  boolean noListen;

  @Option(names = "--api", paramLabel = "HOST:PORT",
      description = "Where the HTTP API listens; port 0 picks a free port (default: " + NodeSettings.API_LISTEN_KEY
          + ", else " + Cli.DEFAULT_API + "). Off loopback it requires " + NodeSettings.API_TOKEN_KEY + ".")
  String api;

  @Option(names = "--bootstrap", paramLabel = "udp://HOST:PORT|ws://HOST:PORT",
      description = "A node to join through; repeat for several (default: weft.bootstrap, else none: a new network).")
  List<String> bootstrap;

  @Option(names = "--storage", paramLabel = "NAME", description = "The local store: memory or mapdb (default: "
      + "weft.storage, else memory).")
  String storage;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Directory for a persistent store (--storage mapdb): records, node id and saved contacts"
          + " (default: weft.data.dir).")
  Path data;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with settings (default: conf/weft.properties of the installation, if present).")
  Path config;

  @Option(names = "--id", paramLabel = "HEX", description = "This node's id, 40 hex digits (default: random).")
  String id;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting, e.g. --set weft.api.request-timeout=10s; repeatable; wins over the file and the "
          + "environment.")
  Map<String, String> set;

  /**
   * The settings these options, the environment and the configuration file give.
   *
   * @param parentApi {@code --api} given before the command ({@code weft --api HOST:PORT node})
   */
  NodeSettings resolve(String parentApi, Map<String, String> env) {
    return NodeSettings.resolve(
        new NodeSettings.Options(config, set, udp, api != null ? api : parentApi, bootstrap, storage, id, data,
            new NodeSettings.WebSockets(ws, relay, noListen)), NodeSettings.installedConfig(), env);
  }
}
