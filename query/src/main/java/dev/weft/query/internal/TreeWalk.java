package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The broadcast tree's hand-off, as scans and watches walk it (docs/protocol.md, "query"): a request to one contact of
 * each non-empty bucket below a limit, that bucket's index as the receiver's own limit, the bucket's contacts tried in
 * turn (most recently heard from first) until one takes it. Each hand-off's outcome says who took it and, when a
 * request timed out first, to whom: that contact may have taken it all the same. Stateless; requests through the DHT,
 * outcomes completed on its threads.
 */
final class TreeWalk {
  /** Contacts of one bucket tried before its subtree counts as unreachable (all of them, if the bucket holds more). */
  static final int SUBTREE_TRIES = 3;

  private TreeWalk() {}

  /**
   * One bucket's hand-off.
   *
   * @param limit the bucket's index: the limit the receiver was handed
   * @param to the contact that took it; null when none did
   * @param again whether that contact had taken it before (its answer said so)
   * @param unanswered the first contact whose request went unanswered (timed out), or null
   */
  record Outcome(int limit, NodeId to, boolean again, NodeId unanswered) {}

  /**
   * Hands on to the buckets below {@code limit}, highest first: {@code body.apply(j)} is the request for bucket {@code
   * j}; an answer passing {@code taken} ends that bucket's tries (a failed request or another answer tries the next
   * contact).
   */
  static List<CompletableFuture<Outcome>> handOn(Dht dht, int limit, IntFunction<JsonNode> body,
      Predicate<JsonNode> taken) {
    List<List<Contact>> buckets = dht.buckets();
    List<CompletableFuture<Outcome>> out = new ArrayList<>();
    for (int j = Math.min(limit, NodeId.BITS) - 1; j >= 0; j--) {
      List<Contact> bucket = new ArrayList<>(buckets.get(j));
      if (!bucket.isEmpty()) {
        Collections.reverse(bucket);  // most recently heard from first
        out.add(tryBucket(dht, j, bucket, 0, body.apply(j), taken, null));
      }
    }
    return out;
  }

  private static CompletableFuture<Outcome> tryBucket(Dht dht, int limit, List<Contact> bucket, int attempt,
      JsonNode body, Predicate<JsonNode> taken, NodeId unanswered) {
    if (attempt >= Math.max(bucket.size(), SUBTREE_TRIES)) {
      return CompletableFuture.completedFuture(new Outcome(limit, null, false, unanswered));
    }
    Contact to = bucket.get(attempt % bucket.size());
    return dht.request(to, Wire.CHANNEL, body).handle((answer, error) -> {
      if (error == null && taken.test(answer)) {
        return CompletableFuture.completedFuture(new Outcome(limit, to.id(), answer.path("again").asBoolean(false),
            unanswered));
      }
      boolean lost = error != null && Blocking.unwrap(error) instanceof TimeoutException;
      return tryBucket(dht, limit, bucket, attempt + 1, body, taken, unanswered == null && lost ? to.id()
          : unanswered);
    }).thenCompose(f -> f);
  }
}
