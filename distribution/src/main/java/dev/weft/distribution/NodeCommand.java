package dev.weft.distribution;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code weft node}: runs a node and its HTTP API until SIGTERM or SIGINT. Prints one JSON line on stdout once it is up
 * (after the first join attempt); logs go to stderr.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Runs a node: listens on UDP (and WebSocket with --ws), joins the network through the bootstrap addresses, serves the HTTP API, and "
            + "prints {\"id\", \"addresses\", \"api\", \"contacts\", \"version\"} as one JSON line when it is up.",
        "If no bootstrap address answers, the node warns on stderr, keeps running alone and retries in the background.",
        "Settings come from (weakest first) the defaults, the properties file, --set and the options below."},
    footer = {"", "Stop it with SIGTERM or Ctrl-C: it closes the HTTP API, then the node."})
final class NodeCommand implements Callable<Integer> {
  /** System property with the installation directory; bin/weft sets it. */
  static final String HOME_PROPERTY = "weft.home";

  @Option(names = "--udp", paramLabel = "HOST:PORT",
      description = "UDP address to listen on; port 0 picks a free port (default: weft.listen, else "
          + NodeSettings.DEFAULT_UDP + ").")
  String udp;

  @Option(names = "--ws", paramLabel = "HOST:PORT",
      description = "Also listen on WebSocket (port 0: a free port): peers may connect over ws://, nodes that cannot"
          + " listen may relay through this one, browsers connect to it (weft.js).")
  String ws;

  @Option(names = "--relay", paramLabel = "ws://HOST:PORT",
      description = "Be reached through this super-node instead of listening on WebSocket; repeat for fail-over.")
  List<String> relay;

  @Option(names = "--no-listen", description = "Open no socket of its own: reached only through its --relay"
      + " super-nodes (for nodes behind NAT or a firewall).")
  boolean noListen;

  @Option(names = "--api", paramLabel = "HOST:PORT",
      description = "Where the HTTP API listens; port 0 picks a free port (default: " + NodeSettings.API_LISTEN
          + ", else " + Cli.DEFAULT_API + "). Keep it on loopback: the API has no authentication.")
  String api;

  @Option(names = "--bootstrap", paramLabel = "udp://HOST:PORT|ws://HOST:PORT",
      description = "A node to join through; repeat for several (default: weft.bootstrap, else none: a new network).")
  List<String> bootstrap;

  @Option(names = "--storage", paramLabel = "NAME", description = "The local store (default: weft.storage, else memory).")
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
      description = "Any setting, e.g. --set weft.api.request-timeout=10s; repeatable; wins over the file.")
  Map<String, String> set;

  @ParentCommand
  WeftCommand parent;

  private final Cli cli;

  NodeCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    NodeSettings settings = NodeSettings.resolve(
        new NodeSettings.Options(config, set, udp, api != null ? api : parent == null ? null : parent.api, bootstrap,
            storage, id, data, new NodeSettings.WebSockets(ws, relay, noListen)), defaultConfig());
    NodeService service = NodeService.start(settings, cli.err());
    Thread hook = new Thread(service::close, "weft-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int contacts = service.join();
    cli.out().println(Json.text(service.describe(contacts)));
    cli.out().flush();
    service.awaitClosed();
    return Cli.OK;
  }

  private static Optional<Path> defaultConfig() {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, "conf", "weft.properties"));
  }
}
