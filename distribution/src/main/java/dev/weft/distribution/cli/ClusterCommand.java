package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.distribution.Json;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code weft cluster --nodes N}: N nodes in this one process, on loopback, for trying things out. Node i listens on
 * the base ports plus i (UDP, HTTP API, WebSocket); the others join through the first. Memory storage only: it all
 * goes when the process stops.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Starts N nodes in this process for trying weft out: node i listens on UDP base+i, serves its HTTP API on "
            + "--api base+i and WebSocket on --ws base+i (port 0 everywhere: free ports); nodes 1.. join through "
            + "node 0. Stores are in memory.",
        "Prints one JSON line per node when all are up: {index, id, addresses, api, ws, contacts}; then runs until "
            + "SIGTERM or Ctrl-C. Settings (file, WEFT_* variables, --set) apply to every node."},
    footer = {"", "Example: weft cluster --nodes 5, then weft info, weft --api 127.0.0.1:7071 peers, ..."})
final class ClusterCommand implements Callable<Integer> {
  static final int MAX_NODES = 64;
  static final String DEFAULT_WS = "127.0.0.1:8070";

  @Option(names = "--nodes", paramLabel = "N", required = true, description = "How many nodes, 1 to " + MAX_NODES + ".")
  int nodes;

  @Option(names = "--api", paramLabel = "HOST:PORT", description = "The first node's HTTP API; node i's is on port + i"
      + " (default: " + Cli.DEFAULT_API + ").")
  String api;

  @Option(names = "--udp", paramLabel = "HOST:PORT", description = "The first node's UDP address; node i's is on port"
      + " + i (default: " + NodeSettings.DEFAULT_UDP + ").")
  String udp;

  @Option(names = "--ws", paramLabel = "HOST:PORT", description = "The first node's WebSocket address, for browsers "
      + "and relayed nodes; node i's is on port + i (default: " + DEFAULT_WS + ").")
  String ws;

  @Option(names = "--no-ws", description = "No WebSocket listener: UDP only.")
  boolean noWs;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with settings for every node (default: conf/weft.properties of the "
          + "installation, if present).")
  java.nio.file.Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting for every node; repeatable.")
  Map<String, String> set;

  @ParentCommand
  WeftCommand parent;

  private final Cli cli;

  ClusterCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new CliException(Cli.USAGE, "--nodes must be 1 to " + MAX_NODES + ", got " + nodes);
    }
    HostPort apiBase = base(api != null ? api : parent != null && parent.api != null ? parent.api : Cli.DEFAULT_API,
        "--api", "http");
    HostPort udpBase = base(udp != null ? udp : NodeSettings.DEFAULT_UDP, "--udp", "udp");
    HostPort wsBase = noWs ? null : base(ws != null ? ws : DEFAULT_WS, "--ws", "ws");
    if (noWs && ws != null) {
      throw new CliException(Cli.USAGE, "--ws and --no-ws exclude each other");
    }
    if (wsBase != null && overlap(apiBase, wsBase)) {
      throw new CliException(Cli.USAGE, "the API ports " + range(apiBase) + " and the WebSocket ports "
          + range(wsBase) + " overlap: move one with --api or --ws");
    }

    List<NodeService> services = new ArrayList<>();
    Thread hook = new Thread(() -> closeAll(services), "weft-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<ObjectNode> lines = new ArrayList<>();
    try {
      List<String> bootstrap = null;
      for (int i = 0; i < nodes; i++) {
        NodeSettings settings = NodeSettings.resolve(new NodeSettings.Options(config, set, at(udpBase, i),
            at(apiBase, i), bootstrap, "memory", null, null,
            new NodeSettings.WebSockets(wsBase == null ? null : at(wsBase, i), List.of(), false)),
            NodeSettings.installedConfig(), cli.env());
        NodeService service = NodeService.start(settings, cli.err());
        synchronized (services) {
          services.add(service);
        }
        int contacts = service.join();
        if (bootstrap == null) {
          bootstrap = List.of(udpAddress(service).toString());
        }
        ObjectNode line = service.describe(contacts);
        line.put("index", i);
        service.node().addresses().stream().filter(a -> a.scheme().equals("ws")).findFirst()
            .ifPresent(a -> line.put("ws", a.toString()));
        lines.add(line);
      }
    } catch (RuntimeException e) {
      closeAll(services);
      throw e;
    }
    for (ObjectNode line : lines) {
      cli.out().println(Json.text(line));
    }
    cli.out().flush();
    cli.err().println("weft cluster: " + nodes + " node" + (nodes == 1 ? "" : "s") + " up; try `weft --api "
        + services.get(0).http().address() + " info`. Ctrl-C stops them.");
    cli.err().flush();
    for (NodeService s : services) {
      s.awaitClosed();
    }
    return Cli.OK;
  }

  private static Address udpAddress(NodeService service) {
    return service.node().addresses().stream().filter(a -> a.scheme().equals("udp")).findFirst()
        .orElseThrow(() -> new CliException(Cli.INTERNAL, "the first node has no UDP address"));
  }

  private HostPort base(String text, String option, String scheme) {
    HostPort hp;
    try {
      hp = HostPort.parse(text, scheme);
    } catch (IllegalArgumentException e) {
      throw new CliException(Cli.USAGE, "invalid " + option + ": " + e.getMessage());
    }
    if (hp.port() != 0 && hp.port() + nodes - 1 > 65535) {
      throw new CliException(Cli.USAGE, "invalid " + option + ": " + nodes + " nodes from port " + hp.port()
          + " go past 65535");
    }
    return hp;
  }

  private boolean overlap(HostPort a, HostPort b) {
    return a.port() != 0 && b.port() != 0 && a.port() < b.port() + nodes && b.port() < a.port() + nodes;
  }

  private String range(HostPort hp) {
    return hp.port() + "-" + (hp.port() + nodes - 1);
  }

  /** Node i's address: the base port plus i, or a free port when the base is 0. */
  private static String at(HostPort base, int i) {
    return new HostPort(base.host(), base.port() == 0 ? 0 : base.port() + i).toString();
  }

  private static void closeAll(List<NodeService> services) {
    List<NodeService> copy;
    synchronized (services) {
      copy = new ArrayList<>(services);
    }
    for (int i = copy.size() - 1; i >= 0; i--) {
      copy.get(i).close();
    }
  }
}
