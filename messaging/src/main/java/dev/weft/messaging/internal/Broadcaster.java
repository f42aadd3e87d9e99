package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.RateLimitedException;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.util.KeyedRateLimits;
import dev.weft.api.util.TokenBucket;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.MessagingSettings;
import dev.weft.messaging.ReceivedMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Broadcast (El-Ansary et al., "Efficient Broadcast in Structured P2P Networks", 2003): the originator hands the message
 * to one contact in each of its non-empty k-buckets, telling it a limit equal to that bucket's index; a node with limit
 * L does the same for its buckets below L. The buckets of a node split the id space into disjoint subtrees, so with full
 * routing tables every node receives the message once: N − 1 messages. Each hand-off is acknowledged; when a contact
 * does not answer, another contact of the same bucket takes its subtree, so a dead node does not cut its subtree off.
 * Broadcasts are limited per origin and per node (token buckets).
 *
 * <p>Called on the node's event thread (requests) and on callers' threads ({@link #start}); thread-safe.
 */
final class Broadcaster {
  /** Requests a subtree is given before it counts as unreachable, however few contacts lead to it. */
  private static final int SUBTREE_TRIES = 3;

  /** Hands a message to this node's handlers; false when its id was seen before. Never null arguments. */
  @FunctionalInterface
  interface LocalDelivery {
    boolean deliver(ReceivedMessage m);
  }

  private final PluginContext ctx;
  private final Dht dht;
  private final SeenCache seen;
  private final LocalDelivery local;
  private final int attempts;
  private final int perOriginRate;
  private final TokenBucket allBroadcasts;
  /** Broadcast allowance per origin, for recent origins only (an evicted one starts again with a full burst). */
  private final KeyedRateLimits<NodeId> perOrigin;

  Broadcaster(PluginContext ctx, SeenCache seen, LocalDelivery local) {
    this.ctx = ctx;
    this.dht = ctx.dht();
    this.seen = seen;
    this.local = local;
    this.attempts = ctx.config().get(MessagingSettings.BROADCAST_ATTEMPTS);
    this.perOriginRate = ctx.config().get(MessagingSettings.BROADCASTS_PER_ORIGIN);
    this.perOrigin = new KeyedRateLimits<>(perOriginRate, 2.0 * perOriginRate, 1024);
    int totalRate = ctx.config().get(MessagingSettings.BROADCASTS_PER_SECOND);
    this.allBroadcasts = new TokenBucket(totalRate, 2.0 * totalRate, ctx.scheduler().nanoTime());
  }

  /** Takes one broadcast from {@code origin}'s allowance and the node's; counts a refusal. */
  private boolean allowed(NodeId origin) {
    long now = ctx.scheduler().nanoTime();
    if (!perOrigin.tryTake(origin, now)) {
      ctx.refused("broadcast-origin-rate");
      return false;
    }
    if (!allBroadcasts.tryTake(now)) {
      ctx.refused("broadcast-rate");
      return false;
    }
    return true;
  }

  /** Starts broadcast {@code id} (its size checked already) from this node. */
  CompletableFuture<Messaging.Broadcast> start(String id, String channel, JsonNode message) {
    NodeId self = dht.self().id();
    if (!allowed(self)) {
      return CompletableFuture.failedFuture(new RateLimitedException("this node started more than "
          + perOriginRate + " broadcasts a second (" + MessagingSettings.BROADCASTS_PER_ORIGIN + "); try again later"));
    }
    local.deliver(new ReceivedMessage(ReceivedMessage.Kind.BROADCAST, id, self, channel, Optional.empty(),
        Optional.empty(), message));
    return forward(new BroadcastMessage(id, channel, message, self, NodeId.BITS));
  }

  /** A peer handed us {@code m}: deliver it and hand it on below its limit, unless limited or seen. */
  CompletableFuture<JsonNode> onBroadcast(BroadcastMessage m) {
    if (!seen.contains(m.id()) && !allowed(m.origin())) {
      // Neither delivered nor forwarded: the part of the network below us misses it, by design.
      return CompletableFuture.completedFuture(BroadcastMessage.Answer.LIMITED.toJson());
    }
    boolean fresh = local.deliver(new ReceivedMessage(ReceivedMessage.Kind.BROADCAST, m.id(), m.origin(), m.channel(),
        Optional.empty(), Optional.empty(), m.payload()));
    if (fresh) {
      forward(m);
    }
    return CompletableFuture.completedFuture(BroadcastMessage.Answer.taken(!fresh).toJson());
  }

  /** Hands the broadcast to one contact in each bucket below its limit, falling back to others in the bucket. */
  private CompletableFuture<Messaging.Broadcast> forward(BroadcastMessage m) {
    List<List<Contact>> buckets = dht.buckets();
    List<CompletableFuture<Boolean>> handOffs = new ArrayList<>();
    for (int j = Math.min(m.limit(), NodeId.BITS) - 1; j >= 0; j--) {
      List<Contact> bucket = new ArrayList<>(buckets.get(j));
      if (bucket.isEmpty()) {
        continue;
      }
      // Most recently heard-from first: under churn the freshest contact is the likeliest to be alive.
      Collections.reverse(bucket);
      handOffs.add(handOff(bucket, 0, m.below(j).toJson()));
    }
    AtomicInteger ok = new AtomicInteger();
    return CompletableFuture.allOf(handOffs.stream().map(f -> f.thenAccept(b -> {
      if (b) {
        ok.incrementAndGet();
      }
    })).toArray(CompletableFuture[]::new)).thenApply(v -> new Messaging.Broadcast(m.id(), ok.get(),
        handOffs.size() - ok.get()));
  }

  /**
   * Tries the bucket's contacts in turn, going round again when it has fewer than {@link #SUBTREE_TRIES}: the nearest
   * subtrees hold one or two nodes, and with 10% loss one request in thirty fails both its transmissions, which left
   * such a subtree without the broadcast.
   */
  private CompletableFuture<Boolean> handOff(List<Contact> bucket, int attempt, JsonNode body) {
    int tries = Math.min(attempts, Math.max(bucket.size(), SUBTREE_TRIES));
    if (attempt >= tries) {
      return CompletableFuture.completedFuture(false);
    }
    return dht.request(bucket.get(attempt % bucket.size()), MessagingPlugin.DHT_CHANNEL, body)
        .handle((answer, error) -> error == null && BroadcastMessage.Answer.fromJson(answer).ok()
            ? CompletableFuture.completedFuture(true) : handOff(bucket, attempt + 1, body)).thenCompose(f -> f);
  }
}
