package dev.weft.messaging.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.JsonLimits;
import dev.weft.api.NodeId;
import dev.weft.api.Storage;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.messaging.MessageHandler;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.MessagingSettings;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.messaging.UndeliverableException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messaging over the DHT's {@code messaging} channel.
 *
 * <p><b>Broadcast</b>: see {@link Broadcaster}. Duplicates (from its retries, or replays) are dropped by a bounded
 * cache of ids ({@link SeenCache}).
 *
 * <p><b>Clients</b> ({@link Messaging#attachClient}, kept by {@link ClientPresence}): an attached client's id is
 * published as a presence record in {@link Messaging#CLIENT_NAMESPACE}; a {@code sendNode} whose lookup finds no node
 * with the id reads that record and sends the message with kind {@code client} to the node it names, which hands it to
 * the client's handler.
 */
final class MessagingPlugin implements Plugin {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingPlugin.class);
  static final String DHT_CHANNEL = "messaging";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Dht dht;
  private final Scheduler scheduler;
  private final int maxMessageBytes;
  private final int sendAttempts;
  private final SeenCache seen;
  private final SecureRandom ids = new SecureRandom();
  private final Map<String, List<MessageHandler>> handlers = new ConcurrentHashMap<>();
  private final Dht.Registration registration;
  private final Channel user;
  private final Storage storage;
  private final ClientPresence clients;
  final LongAdder duplicatesDropped = new LongAdder();
  final LongAdder delivered = new LongAdder();

  private final Broadcaster broadcaster;

  MessagingPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.maxMessageBytes = (int) (long) ctx.config().get(MessagingSettings.MAX_MESSAGE_BYTES);
    this.sendAttempts = ctx.config().get(MessagingSettings.SEND_ATTEMPTS);
    this.seen = new SeenCache(ctx.config().get(MessagingSettings.SEEN_CACHE));
    this.user = new Channel(Messaging.USER_CHANNEL);
    this.storage = ctx.node().storage();
    this.clients = new ClientPresence(dht, scheduler, storage, ctx.config().get(MessagingSettings.CLIENT_PRESENCE_TTL),
        this::findNode);
    this.broadcaster = new Broadcaster(ctx, seen, this::deliverLocally);
    this.registration = dht.handle(DHT_CHANNEL, this::onRequest);
  }

  @Override
  public <T> Optional<T> service(Class<T> type) {
    return type.isInstance(user) ? Optional.of(type.cast(user)) : Optional.empty();
  }

  @Override
  public void close() {
    registration.close();
    clients.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Receiving

  private CompletableFuture<JsonNode> onRequest(Contact from, JsonNode body) {
    String op = body.path("op").asText();
    if (op.equals(ProbeMessage.OP)) {
      ProbeMessage probe = ProbeMessage.fromJson(body);
      return probe == null ? CompletableFuture.failedFuture(new WeftException("malformed probe"))
          : CompletableFuture.completedFuture(new ProbeMessage.Answer(clients.get(probe.to()) != null).toJson());
    }
    String id = body.path("id").asText();
    String channel = body.path("ch").asText();
    JsonNode payload = body.get("msg");
    if (id.isEmpty() || id.length() > 64 || channel.isEmpty() || channel.length() > 128 || payload == null) {
      return CompletableFuture.failedFuture(new WeftException("malformed message"));
    }
    try {
      // Senders check this too; a peer that does not would otherwise have it forwarded until a hop's envelope fails.
      JsonLimits.checkNesting(payload, "message");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new WeftException("malformed message: " + e.getMessage()));
    }
    switch (op) {
      case DeliverMessage.OP -> {
        String kind = body.path("kind").asText();
        if (kind.equals("client")) {
          NodeId to = parseId(body.path("to").asText());
          ClientPresence.Attachment a = clients.get(to);
          if (a == null) {
            // Not an error of the exchange: the sender learns the client is gone (its record is stale).
            return CompletableFuture.completedFuture(DeliverMessage.Answer.GONE.toJson());
          }
          deliverToClient(a, new ReceivedMessage(ReceivedMessage.Kind.NODE, id, from.id(), channel, Optional.empty(),
              Optional.empty(), payload));
          return CompletableFuture.completedFuture(DeliverMessage.Answer.OK.toJson());
        }
        if (kind.equals("node") && !body.path("to").asText().equals(dht.self().id().toHex())) {
          return CompletableFuture.failedFuture(new WeftException("not the addressed node"));
        }
        ReceivedMessage.Kind k = kind.equals("key") ? ReceivedMessage.Kind.KEY : ReceivedMessage.Kind.NODE;
        Optional<String> ns = k == ReceivedMessage.Kind.KEY ? Optional.of(body.path("ns").asText()) : Optional.empty();
        Optional<String> key = k == ReceivedMessage.Kind.KEY ? Optional.of(body.path("key").asText()) : Optional.empty();
        deliverLocally(new ReceivedMessage(k, id, from.id(), channel, ns, key, payload));
        return CompletableFuture.completedFuture(DeliverMessage.Answer.OK.toJson());
      }
      case BroadcastMessage.OP -> {
        try {
          return broadcaster.onBroadcast(BroadcastMessage.fromJson(body));
        } catch (WeftException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
      default -> {
        return CompletableFuture.failedFuture(new WeftException("unknown messaging op '" + op + "'"));
      }
    }
  }

  static NodeId parseId(String hex) {
    try {
      return NodeId.fromHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Hands a message to an attached client's handler once. */
  private void deliverToClient(ClientPresence.Attachment a, ReceivedMessage m) {
    if (!seen.firstTime(m.id())) {
      duplicatesDropped.increment();
      return;
    }
    delivered.increment();
    scheduler.execute(() -> {
      try {
        a.handler.onMessage(m);
      } catch (RuntimeException e) {
        LOG.warn("client handler of {} failed on message {}", a.id.shortHex(), m.id(), e);
      }
    });
  }

  /** Hands a message to this node's handlers once; false when its id was seen before. */
  private boolean deliverLocally(ReceivedMessage m) {
    if (!seen.firstTime(m.id())) {
      duplicatesDropped.increment();
      return false;
    }
    List<MessageHandler> hs = handlers.get(m.channel());
    if (hs == null || hs.isEmpty()) {
      return true;
    }
    delivered.increment();
    for (MessageHandler h : hs) {
      scheduler.execute(() -> {
        try {
          h.onMessage(m);
        } catch (RuntimeException e) {
          LOG.warn("message handler failed on message {} of channel {}", m.id(), m.channel(), e);
        }
      });
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending

  private String newId() {
    byte[] b = new byte[16];
    ids.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private void checkSize(JsonNode message) {
    JsonLimits.checkNesting(message, "message");
    try {
      int size = MAPPER.writeValueAsBytes(message).length;
      if (size > maxMessageBytes) {
        throw new ValueTooLargeException("message", size, maxMessageBytes);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("message is not serialisable JSON: " + e.getOriginalMessage(), e);
    }
  }

  CompletableFuture<Messaging.Delivery> send(String channel, String namespace, String key, JsonNode message) {
    try {
      checkSize(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String id = newId();
    ObjectNode body = DeliverMessage.toKey(id, channel, message, namespace, key).toJson();
    NodeId target = dht.keyId(namespace, key);
    return dht.lookup(target, sendAttempts).thenCompose(closest -> tryInTurn(closest, 0, body, id, channel,
        new ReceivedMessage(ReceivedMessage.Kind.KEY, id, dht.self().id(), channel, Optional.of(namespace),
            Optional.of(key), message), "the node responsible for " + namespace + "/" + key));
  }

  /** Delivers to the first of {@code candidates} that acknowledges, trying at most {@code sendAttempts}. */
  private CompletableFuture<Messaging.Delivery> tryInTurn(List<Contact> candidates, int index, ObjectNode body,
      String id, String channel, ReceivedMessage local, String what) {
    if (index >= candidates.size() || index >= sendAttempts) {
      return CompletableFuture.failedFuture(new UndeliverableException(UndeliverableException.Reason.NO_ANSWER,
          "no answer from " + what + " ("
          + Math.min(index, candidates.size()) + " nodes tried)"));
    }
    Contact c = candidates.get(index);
    if (c.id().equals(dht.self().id())) {
      deliverLocally(local);
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, c.id()));
    }
    return dht.request(c, DHT_CHANNEL, body).handle((answer, error) -> {
      if (error == null && DeliverMessage.Answer.fromJson(answer).ok()) {
        return CompletableFuture.completedFuture(new Messaging.Delivery(id, c.id()));
      }
      return tryInTurn(candidates, index + 1, body, id, channel, local, what);
    }).thenCompose(f -> f);
  }

  CompletableFuture<Messaging.Delivery> sendNode(String channel, NodeId to, JsonNode message) {
    try {
      checkSize(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String id = newId();
    if (to.equals(dht.self().id())) {
      deliverLocally(new ReceivedMessage(ReceivedMessage.Kind.NODE, id, to, channel, Optional.empty(),
          Optional.empty(), message));
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, to));
    }
    ClientPresence.Attachment attached = clients.get(to);
    if (attached != null) {
      deliverToClient(attached, new ReceivedMessage(ReceivedMessage.Kind.NODE, id, dht.self().id(), channel,
          Optional.empty(), Optional.empty(), message));
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, dht.self().id()));
    }
    ObjectNode body = DeliverMessage.toNode(id, channel, message, to).toJson();
    ObjectNode clientBody = DeliverMessage.toClient(id, channel, message, to).toJson();
    CompletableFuture<Optional<Contact>> known = CompletableFuture.completedFuture(dht.contact(to));
    return known.thenCompose(c -> c.isPresent() ? deliverTo(c.get(), body, id)
        .exceptionallyCompose(e -> lookupAndDeliver(to, body, clientBody, id))
        : lookupAndDeliver(to, body, clientBody, id));
  }

  private CompletableFuture<Messaging.Delivery> lookupAndDeliver(NodeId to, ObjectNode body, ObjectNode clientBody,
      String id) {
    return dht.lookup(to, 3).thenCompose(closest -> {
      for (Contact c : closest) {
        if (c.id().equals(to)) {
          return deliverTo(c, body, id);
        }
      }
      // The lookup's answer may include this node: it is no other node.
      long others = closest.stream().filter(c -> !c.id().equals(dht.self().id())).count();
      if (others == 0) {
        // Alone: no other node could serve a client of that id, and this one has none (checked before).
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, "node " + to.toHex() + " is not in the network: this node"
                + " knows no other node"));
      }
      String noNode = "node " + to.toHex() + " is not in the network (a lookup for it found " + others + " other node"
          + (others == 1 ? "" : "s") + ")";
      return deliverViaPresence(to, clientBody, id, noNode);
    });
  }

  /** No node has the id {@code to}: delivers to the node its presence record names, if it is a client. */
  private CompletableFuture<Messaging.Delivery> deliverViaPresence(NodeId to, ObjectNode body, String id,
      String noNode) {
    return storage.get(Messaging.CLIENT_NAMESPACE, to.toHex()).handle((record, error) -> {
      if (error != null) {
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_ANSWER, noNode + ", and its client presence record could not be read: "
            + rootMessage(error), error));
      }
      NodeId host = record.map(r -> parseId(r.value().path("node").asText())).orElse(null);
      if (host == null) {
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, noNode + ", and no client with that id is attached anywhere"));
      }
      if (host.equals(dht.self().id())) {
        // Our own record, but the client left (clients.get(to) was null): the record is stale.
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " is no longer attached"));
      }
      return findNode(host).thenCompose(contact -> {
        if (contact.isEmpty()) {
          return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
              UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " was attached to node "
              + host.toHex() + ", which is not in the network any more"));
        }
        return dht.request(contact.get(), DHT_CHANNEL, body).handle((answer, failure) -> {
          DeliverMessage.Answer taken = failure == null ? DeliverMessage.Answer.fromJson(answer) : null;
          if (taken != null && taken.ok()) {
            return CompletableFuture.completedFuture(new Messaging.Delivery(id, host));
          }
          if (taken != null && taken.gone()) {
            return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
                UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " is no longer attached to node "
                + host.toHex()));
          }
          return hostFailed(to, host, failure != null ? rootMessage(failure) : answer.toString(), failure);
        }).thenCompose(f -> f);
      });
    }).thenCompose(f -> f);
  }

  /**
   * The node a client is attached to did not take a message. A contact from the routing table may be a node that
   * stopped: when a lookup cannot find it, the client is gone with it.
   */
  private CompletableFuture<Messaging.Delivery> hostFailed(NodeId client, NodeId host, String why, Throwable cause) {
    CompletableFuture<Messaging.Delivery> out = new CompletableFuture<>();
    dht.lookup(host, 3).whenComplete((closest, e) -> {
      boolean alive = e != null || closest.stream().anyMatch(n -> n.id().equals(host));
      out.completeExceptionally(alive ? new UndeliverableException(UndeliverableException.Reason.NO_ANSWER, "node "
          + host.toHex() + ", which client " + client.toHex() + " is attached to, did not take the message: " + why,
          cause) : new UndeliverableException(UndeliverableException.Reason.NO_SUCH_NODE, "client " + client.toHex()
          + " was attached to node " + host.toHex() + ", which is not in the network any more"));
    });
    return out;
  }

  /** The contact of the node with id {@code id}: from the routing table, else by a lookup; empty when it is gone. */
  private CompletableFuture<Optional<Contact>> findNode(NodeId id) {
    Optional<Contact> known = dht.contact(id);
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(known);
    }
    return dht.lookup(id, 3).thenApply(closest -> closest.stream().filter(c -> c.id().equals(id)).findFirst());
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private CompletableFuture<Messaging.Delivery> deliverTo(Contact c, ObjectNode body, String id) {
    return dht.request(c, DHT_CHANNEL, body).handle((answer, error) -> {
      if (error == null && DeliverMessage.Answer.fromJson(answer).ok()) {
        return new Messaging.Delivery(id, c.id());
      }
      String why = error != null ? String.valueOf(error.getMessage()) : answer.toString();
      throw new UndeliverableException(UndeliverableException.Reason.NO_ANSWER,
          "node " + c.id().toHex() + " did not take the message: " + why, error);
    });
  }

  CompletableFuture<Messaging.Broadcast> sendAll(String channel, JsonNode message) {
    try {
      checkSize(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return broadcaster.start(newId(), channel, message);
  }

  Messaging.Registration register(String channel, MessageHandler handler) {
    List<MessageHandler> list = handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
    list.add(handler);
    return () -> list.remove(handler);
  }

  /** The Messaging API bound to one channel. */
  final class Channel implements Messaging {
    private final String name;

    Channel(String name) {
      this.name = name;
    }

    @Override
    public CompletableFuture<Delivery> send(String namespace, String key, JsonNode message) {
      java.util.Objects.requireNonNull(namespace, "namespace");
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(message, "message");
      return MessagingPlugin.this.send(name, namespace, key, message);
    }

    @Override
    public CompletableFuture<Delivery> sendNode(NodeId node, JsonNode message) {
      java.util.Objects.requireNonNull(node, "node");
      java.util.Objects.requireNonNull(message, "message");
      return MessagingPlugin.this.sendNode(name, node, message);
    }

    @Override
    public CompletableFuture<Broadcast> sendAll(JsonNode message) {
      java.util.Objects.requireNonNull(message, "message");
      return MessagingPlugin.this.sendAll(name, message);
    }

    @Override
    public Registration registerMessageHandler(MessageHandler handler) {
      java.util.Objects.requireNonNull(handler, "handler");
      return register(name, handler);
    }

    @Override
    public CompletableFuture<Registration> attachClient(NodeId client, MessageHandler handler) {
      java.util.Objects.requireNonNull(client, "client");
      java.util.Objects.requireNonNull(handler, "handler");
      return clients.attach(client, handler);
    }

    @Override
    public Messaging channel(String other) {
      if (other == null || other.isEmpty() || other.length() > 128) {
        throw new IllegalArgumentException("a channel name is 1 to 128 characters");
      }
      return new Channel(other);
    }
  }
}
