package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.LookupFailedException;
import dev.weft.api.NodeId;
import dev.weft.api.Storage;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.messaging.MessageHandler;
import dev.weft.messaging.Messaging;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients attached to this node ({@link Messaging#attachClient}) and their presence records in {@link
 * Messaging#CLIENT_NAMESPACE} ({@code {"node": <this node's id>}}), refreshed every third of their time to live and
 * deleted on detach. Called on any thread; thread-safe.
 */
final class ClientPresence {
  private static final Logger LOG = LoggerFactory.getLogger(ClientPresence.class);

  private final Dht dht;
  private final Scheduler scheduler;
  private final Storage storage;
  private final Duration presenceTtl;
  /** The contact of a node by id, empty when it is gone. */
  private final Function<NodeId, CompletableFuture<Optional<Contact>>> findNode;
  private final Map<NodeId, Attachment> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ClientPresence(Dht dht, Scheduler scheduler, Storage storage, Duration presenceTtl,
      Function<NodeId, CompletableFuture<Optional<Contact>>> findNode) {
    this.dht = dht;
    this.scheduler = scheduler;
    this.storage = storage;
    this.presenceTtl = presenceTtl;
    this.findNode = findNode;
  }

  /** The attached client with id {@code id}, or null. */
  Attachment get(NodeId id) {
    return id == null ? null : clients.get(id);
  }

  /** The node is stopping: its presence records expire on their own (their senders meet a node that is gone). */
  void close() {
    closed = true;
    for (Attachment a : clients.values()) {
      a.stopRefreshing();
    }
    clients.clear();
  }

  /** A client attached to this node; closing it detaches the client. */
  final class Attachment implements Messaging.Registration {
    final NodeId id;
    final MessageHandler handler;
    final AtomicBoolean detached = new AtomicBoolean();
    private volatile Scheduler.Cancellable refresh;

    Attachment(NodeId id, MessageHandler handler) {
      this.id = id;
      this.handler = handler;
    }

    @Override
    public void close() {
      if (detached.compareAndSet(false, true)) {
        stopRefreshing();
        clients.remove(id, this);
        if (!closed) {
          unpublish(id);
        }
      }
    }

    void stopRefreshing() {
      Scheduler.Cancellable r = refresh;
      if (r != null) {
        r.cancel();
      }
    }

    /** Stores the presence record again every third of its time to live, until detached. */
    void scheduleRefresh() {
      if (detached.get() || closed) {
        return;
      }
      refresh = scheduler.schedule(() -> {
        if (detached.get() || closed) {
          return;
        }
        publish(id).whenComplete((r, e) -> {
          if (e != null) {
            LOG.warn("could not refresh the presence record of client {}: {}", id.shortHex(),
                Unicast.rootMessage(e));
          }
          scheduleRefresh();
        });
      }, presenceTtl.toMillis() / 3, TimeUnit.MILLISECONDS);
    }
  }

  CompletableFuture<Messaging.Registration> attach(NodeId client, MessageHandler handler) {
    if (client.equals(dht.self().id())) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "a client cannot take the id of the node it attaches to (" + client.toHex() + ")"));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new WeftException("the node is stopping"));
    }
    Attachment a = new Attachment(client, handler);
    if (clients.putIfAbsent(client, a) != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("client " + client.toHex()
          + " is attached to this node already"));
    }
    CompletableFuture<Messaging.Registration> done = storage.get(Messaging.CLIENT_NAMESPACE, client.toHex())
        .exceptionallyCompose(e -> {
          // No node could be asked (this node is alone): nobody else can hold the client either.
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
              ? e.getCause() : e;
          return cause instanceof LookupFailedException ? CompletableFuture.completedFuture(Optional.empty())
              : CompletableFuture.failedFuture(cause);
        })
        .thenCompose(record -> {
          NodeId host = record.map(r -> MessagingPlugin.parseId(r.value().path("node").asText())).orElse(null);
          if (host == null || host.equals(dht.self().id())) {
            return CompletableFuture.completedFuture(false);
          }
          return stillAttached(host, client);
        })
        .thenCompose(elsewhere -> {
          if (elsewhere) {
            throw new IllegalStateException("client " + client.toHex() + " is attached to another node");
          }
          return publish(client);
        })
        .thenApply(r -> {
          a.scheduleRefresh();
          return (Messaging.Registration) a;
        });
    return done.whenComplete((r, e) -> {
      if (e != null) {
        a.detached.set(true);
        clients.remove(client, a);
      } else if (a.detached.get() && !closed) {
        // Closed while the record was being stored: take it back.
        unpublish(client);
      }
    });
  }

  /** Whether node {@code host} says it has {@code client} attached; false when it cannot be found or asked. */
  private CompletableFuture<Boolean> stillAttached(NodeId host, NodeId client) {
    ObjectNode probe = new ProbeMessage(client).toJson();
    return findNode.apply(host).thenCompose(c -> c.isEmpty() ? CompletableFuture.completedFuture(false)
        : dht.request(c.get(), MessagingPlugin.DHT_CHANNEL, probe).handle((answer, error) ->
            error == null && ProbeMessage.Answer.fromJson(answer).attached()));
  }

  private CompletableFuture<Void> publish(NodeId client) {
    return storage.put(Messaging.CLIENT_NAMESPACE, client.toHex(),
        JsonNodeFactory.instance.objectNode().put("node", dht.self().id().toHex()), presenceTtl).thenApply(r -> null);
  }

  /** Deletes the presence record of {@code client} if it still names this node (it may have moved on). */
  private void unpublish(NodeId client) {
    String key = client.toHex();
    storage.get(Messaging.CLIENT_NAMESPACE, key).thenCompose(record -> {
      boolean ours = record.isPresent() && dht.self().id().equals(MessagingPlugin.parseId(record.get().value()
          .path("node")
          .asText())) && !clients.containsKey(client);
      return ours ? storage.delete(Messaging.CLIENT_NAMESPACE, key).thenApply(r -> null)
          : CompletableFuture.completedFuture(null);
    }).whenComplete((r, e) -> {
      if (e != null) {
        LOG.debug("could not delete the presence record of client {}: {}", client.shortHex(),
            Unicast.rootMessage(e));
      }
    });
  }
}
