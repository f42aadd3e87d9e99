package dev.weft.messaging.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * <p><b>Unicast</b> ({@code send}, {@code sendNode}): see {@link Unicast}; this class checks the message, draws its id
 * and answers the {@code deliver} requests of others.
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
  private final SeenCache seen;
  private final SecureRandom ids = new SecureRandom();
  private final Map<String, List<MessageHandler>> handlers = new ConcurrentHashMap<>();
  private final Dht.Registration registration;
  private final Channel user;
  private final ClientPresence clients;
  final LongAdder duplicatesDropped = new LongAdder();
  final LongAdder delivered = new LongAdder();

  private final Broadcaster broadcaster;
  private final Unicast unicast;

  MessagingPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.maxMessageBytes = (int) (long) ctx.config().get(MessagingSettings.MAX_MESSAGE_BYTES);
    this.seen = new SeenCache(ctx.config().get(MessagingSettings.SEEN_CACHE));
    this.user = new Channel(Messaging.USER_CHANNEL);
    Storage storage = ctx.node().storage();
    this.clients = new ClientPresence(dht, scheduler, storage, ctx.config().get(MessagingSettings.CLIENT_PRESENCE_TTL),
        id -> Unicast.findNode(dht, id));
    this.broadcaster = new Broadcaster(ctx, seen, this::deliverLocally);
    this.unicast = new Unicast(dht, storage, ctx.config().get(MessagingSettings.SEND_ATTEMPTS), new Unicast.Local() {
      @Override
      public void deliver(ReceivedMessage m) {
        deliverLocally(m);
      }

      @Override
      public ClientPresence.Attachment client(NodeId id) {
        return clients.get(id);
      }

      @Override
      public void deliverToClient(ClientPresence.Attachment a, ReceivedMessage m) {
        MessagingPlugin.this.deliverToClient(a, m);
      }
    });
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
    return unicast.send(newId(), channel, namespace, key, message);
  }

  CompletableFuture<Messaging.Delivery> sendNode(String channel, NodeId to, JsonNode message) {
    try {
      checkSize(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return unicast.sendNode(newId(), channel, to, message);
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
