package dev.weft.distribution.cli;

import dev.weft.distribution.Json;
import dev.weft.distribution.config.NodeSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code weft node}: runs a node and its HTTP API until SIGTERM or SIGINT. Prints one JSON line on stdout once it is up
 * (after the first join attempt); logs go to stderr.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Runs a node: listens on UDP (and WebSocket with --ws), joins the network through the bootstrap addresses, "
            + "serves the HTTP API (and /metrics), and prints {\"id\", \"addresses\", \"api\", \"contacts\", "
            + "\"version\"} as one JSON line when it is up.",
        "If no bootstrap address answers, the node warns on stderr, keeps running alone and retries in the background.",
        "Settings come from (weakest first) the defaults, the properties file, WEFT_* environment variables "
            + "(WEFT_KADEMLIA_K for weft.kademlia.k), --set and the options below; an unknown key stops it. "
            + "`weft config` shows the result."},
    footer = {"", "Stop it with SIGTERM or Ctrl-C: it closes the HTTP API, then the node."})
final class NodeCommand implements Callable<Integer> {
  @Mixin
  NodeOptions options;

  @ParentCommand
  WeftCommand parent;

  private final Cli cli;

  NodeCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    NodeSettings settings = options.resolve(parent == null ? null : parent.api, cli.env());
    NodeService service = NodeService.start(settings, cli.err());
    Thread hook = new Thread(service::close, "weft-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int contacts = service.join();
    if (contacts == 0 && settings.bootstrap().isEmpty()) {
      cli.err().println("weft node: no --bootstrap given: this node is the first of a network of its own, and stores "
          + "what it is given alone until another node joins through it");
    }
    cli.out().println(Json.text(service.describe(contacts)));
    cli.out().flush();
    service.awaitClosed();
    return Cli.OK;
  }
}
