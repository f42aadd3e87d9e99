package dev.weft.distribution;

import dev.weft.api.NodeId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Three heartbeats missed: the node is gone, or the network between us. */
    static final Duration SILENCE_LIMIT = HttpApi.HEARTBEAT.multipliedBy(3);

    Listen(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      ApiClient client = client();
      InputStream body = client.stream("/v1/messages/stream");
      // On stderr, so stdout stays one message per line. The node registered the handler before it answered: from
      // now on nothing sent to it is missed, which is what scripts wait for.
      cli.err().println("weft listen: listening to " + client.base() + " (Ctrl-C stops)");
      AtomicLong lastRead = new AtomicLong(System.nanoTime());
      AtomicBoolean silent = new AtomicBoolean();
      ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-listen-watchdog");
        t.setDaemon(true);
        return t;
      });
      // A node that froze, or whose host vanished, closes nothing: only its silence tells. Closing the body wakes the
      // blocked read below with an IOException.
      watchdog.scheduleWithFixedDelay(() -> {
        if (System.nanoTime() - lastRead.get() > SILENCE_LIMIT.toNanos()) {
          silent.set(true);
          closeQuietly(body);
        }
      }, 1, 1, TimeUnit.SECONDS);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lastRead.set(System.nanoTime());
          if (line.isEmpty()) {
            // The node's heartbeat.
            continue;
          }
          cli.out().println(line);
          if (cli.out().checkError()) {
            // Whoever read our output is gone (`weft listen | head -1`); PrintWriter would swallow every later error.
            return Cli.OK;
          }
        }
      } catch (IOException e) {
        if (!silent.get()) {
          throw new CliException(Cli.UNAVAILABLE, "lost the connection to the node at " + client.base() + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
      } finally {
        watchdog.shutdownNow();
      }
      if (silent.get()) {
        throw new CliException(Cli.UNAVAILABLE, "no word from the node at " + client.base() + " for "
            + SILENCE_LIMIT.toSeconds() + " s (it sends a heartbeat every " + HttpApi.HEARTBEAT.toSeconds()
            + " s): it is gone or unreachable");
      }
      throw new CliException(Cli.UNAVAILABLE, "the node at " + client.base() + " ended the stream: it stopped");
    }

    private static void closeQuietly(InputStream in) {
      try {
        in.close();
      } catch (IOException e) {
        // the read it should wake fails anyway
      }
    }
  }
}
