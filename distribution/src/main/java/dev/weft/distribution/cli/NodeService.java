package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.CoreSettings;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.api.WeftException;
import dev.weft.distribution.Json;
import dev.weft.distribution.Versions;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.http.HttpApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node with its HTTP API, as {@code weft node} runs it: started, joined (or alone and retrying), and closed by the
 * shutdown hook.
 *
 * <h2>Joining</h2>
 * When none of the bootstrap addresses answers, the node keeps running alone, says so on stderr and tries again in
 * the background (5 s, then doubling up to 60 s) until it has a contact. Exiting instead would turn a bootstrap node
 * that restarts a few seconds late into an outage of every node that points at it.
 */
final class NodeService implements AutoCloseable {
  /** Bounds the first join, in case the engine's own lookup timeouts are generous. */
  static final Duration FIRST_JOIN_TIMEOUT = Duration.ofSeconds(60);
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger("dev.weft.node");

  private final NodeSettings settings;
  private final Node node;
  private final HttpApi http;
  private final PrintWriter err;
  private final ScheduledExecutorService retries;
  private final Object lock = new Object();
  private final CountDownLatch closed = new CountDownLatch(1);
  private boolean closing;

  private NodeService(NodeSettings settings, Node node, HttpApi http, PrintWriter err) {
    this.settings = settings;
    this.node = node;
    this.http = http;
    this.err = err;
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "weft-join-retry");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Builds the node (it listens, alone) and starts the HTTP API.
   *
   * @throws CliException exit code 2 for a configuration the builder rejects, 3 when an address cannot be bound
   */
  static NodeService start(NodeSettings settings, PrintWriter err) {
    Node node;
    try {
      node = Weft.builder().config(settings.config()).declare(NodeSettings.DECLARED).build();
    } catch (ConfigException e) {
      throw new CliException(Cli.USAGE, e.getMessage(), e);
    } catch (WeftException e) {
      throw new CliException(Cli.UNAVAILABLE, "cannot start the node: " + e.getMessage(), e);
    }
    HttpApi http;
    try {
      // The memory store keeps nothing on disk, whatever weft.data.dir says.
      Optional<Path> dataDir = settings.config().get(CoreSettings.STORAGE).equals("memory")
          ? Optional.empty() : settings.config().find(CoreSettings.DATA_DIR).map(Path::of);
      http = HttpApi.start(node, settings.api(), dataDir);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw new CliException(Cli.UNAVAILABLE, e.getMessage(), e);
    }
    return new NodeService(settings, node, http, err);
  }

  Node node() {
    return node;
  }

  HttpApi http() {
    return http;
  }

  /**
   * Joins through the bootstrap addresses, waiting at most {@link #FIRST_JOIN_TIMEOUT}; on failure prints a warning
   * and schedules retries.
   *
   * @return the contacts in the routing table afterwards (0 when alone)
   */
  int join() {
    List<Address> bootstrap = settings.bootstrap();
    try {
      // With no bootstrap address the engine joins through the super-nodes of a relayed node, else stays alone.
      int contacts = node.join(bootstrap).copy().get(FIRST_JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (contacts > 0) {
        LOG.info("joined through {}: {} contacts", bootstrap.isEmpty() ? "its super-nodes" : bootstrap, contacts);
      }
      return contacts;
    } catch (ExecutionException | TimeoutException | CompletionException e) {
      String why = e instanceof TimeoutException ? "no answer within " + FIRST_JOIN_TIMEOUT.toSeconds() + " s"
          : reason(e);
      err.println("weft node: warning: could not join the network through "
          + (bootstrap.isEmpty() ? "its super-nodes" : bootstrap) + " (" + why
          + "); running alone and retrying in " + FIRST_RETRY.toSeconds() + " s");
      scheduleRetry(FIRST_RETRY);
      return node.info().contacts();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return node.info().contacts();
    }
  }

  private void scheduleRetry(Duration delay) {
    synchronized (lock) {
      if (closing) {
        return;
      }
      retries.schedule(() -> retry(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void retry(Duration lastDelay) {
    if (node.info().contacts() > 0) {
      // Someone joined through us meanwhile: we are part of a network, refreshes take it from here.
      LOG.info("no longer alone: {} contacts", node.info().contacts());
      return;
    }
    Duration next = lastDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : lastDelay.multipliedBy(2);
    node.join(settings.bootstrap()).whenComplete((contacts, failure) -> {
      if (failure == null) {
        LOG.info("joined through {}: {} contacts", settings.bootstrap(), contacts);
      } else {
        LOG.warn("still alone: could not join through {} ({}); retrying in {} s", settings.bootstrap(),
            reason(failure), next.toSeconds());
        scheduleRetry(next);
      }
    });
  }

  /** The line {@code weft node} prints when it is up: id, addresses, API, contacts and version. */
  ObjectNode describe(int contacts) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("id", node.id().toHex());
    line.set("addresses", Json.MAPPER.valueToTree(node.addresses()));
    line.put("api", http.uri().toString());
    line.put("contacts", contacts);
    line.put("version", Versions.weft());
    return line;
  }

  /** Waits until {@link #close()} ran. */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Stops retries, the HTTP API and then the node. Idempotent; safe from a shutdown hook. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closing) {
        return;
      }
      closing = true;
    }
    try {
      retries.shutdownNow();
      http.close();
      node.close();
      LOG.info("stopped");
    } finally {
      closed.countDown();
    }
  }

  /** The message of what actually went wrong, without the future's wrappers. */
  private static String reason(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
