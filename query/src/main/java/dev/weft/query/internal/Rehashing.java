package dev.weft.query.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.expr.KeySet;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the rows of a join that rehashes both sides to the nodes their join keys hash to (docs/query.md, "Joins that
 * rehash"): a {@link Sender} per node part of a rehashing walk batches its rows by the closest node it knows to each
 * row's hash and sends each batch there; a node that knows a node closer still to a row's hash passes the row on (each
 * step strictly closer, as a Kademlia lookup's), and the node closest holds it in its {@link JoinBuffers}. A batch is
 * answered once its rows are held or passed on and answered, so that a sender that heard every answer knows its rows
 * arrived; a batch that got no answer is sent again while the walk has time, and taken once ({@link
 * JoinBuffers#first}), or, once its node left the routing table, its rows go to the next closest.
 *
 * <p>Thread-safe; senders are used by one task at a time.
 */
final class Rehashing {
  private static final Logger LOG = LoggerFactory.getLogger(Rehashing.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Most times a row is passed on: each step is strictly closer to its hash, so only a forged batch gets here. */
  static final int MAX_HOPS = 32;
  /** Most rows in one batch as it arrives. */
  static final int MAX_ROWS = 100_000;

  /** Sends a batch on the query channel and completes with the receiver's answer. */
  @FunctionalInterface
  interface Link {
    CompletableFuture<JsonNode> send(Contact to, ObjectNode batch);
  }

  private final Dht dht;
  private final JoinBuffers buffers;
  private final Link link;
  private final Scheduler scheduler;
  private final Executor workers;
  private final Counters counters;
  private final int pageBytes;

  Rehashing(Dht dht, JoinBuffers buffers, Link link, Scheduler scheduler, Executor workers, Counters counters,
      int pageBytes) {
    this.dht = dht;
    this.buffers = buffers;
    this.link = link;
    this.scheduler = scheduler;
    this.workers = workers;
    this.counters = counters;
    this.pageBytes = pageBytes;
  }

  /**
   * The join key of an output row as rows are matched and hashed: the canonical values ({@link KeySet#canonical}) at
   * {@code keys}, as JSON; empty when one is NULL (or NaN), which matches nothing.
   */
  static Optional<String> joinKey(Object[] row, List<Integer> keys) {
    List<Object> key = new ArrayList<>(keys.size());
    keys.forEach(k -> key.add(row[k]));
    return KeySet.canonical(key).map(values -> {
      try {
        return JSON.writeValueAsString(values);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A sender for this node's rows of rehashing walk {@code query}, due by {@code deadline} (scheduler nanos). */
  Sender sender(String query, String salt, long deadline) {
    return new Sender(query, salt, deadline, 0, Set.of());
  }

  /**
   * A batch from another node: holds the rows this node is closest to, passes the others on; answers when done. Called
   * on the node's event thread; the work runs on the plugin's workers.
   */
  CompletableFuture<JsonNode> onBatch(JsonNode body) {
    return CompletableFuture.supplyAsync(() -> take(Batch.fromJson(body)), workers).thenCompose(f -> f);
  }

  private CompletableFuture<JsonNode> take(Batch b) {
    long ttl = TimeUnit.MILLISECONDS.toNanos(b.ttlMs());
    if (!buffers.first(b.query(), b.from(), b.seq(), ttl)) {
      return CompletableFuture.completedFuture(answer(""));
    }
    Sender on = new Sender(b.query(), b.salt(), scheduler.nanoTime() + ttl, b.hops() + 1, Set.of());
    for (JsonNode r : b.rows()) {
      on.route(r.get(0).textValue(), (ArrayNode) r.get(1));
    }
    on.close();
    return on.flush().thenApply(Rehashing::answer);
  }

  private static ObjectNode answer(String error) {
    ObjectNode o = F.objectNode().put("ok", error.isEmpty());
    if (!error.isEmpty()) {
      o.put("error", error);
    }
    return o;
  }

  /**
   * The rows of one node's part of a rehashing walk (or of a batch it passes on), batched by the node each goes to. Its
   * caller adds rows, sends the full batches with {@link #flush} when {@link #ready}, and at the end {@link #close}s
   * it and flushes the rest. Used by one task at a time.
   */
  final class Sender {
    private final String query;
    private final String salt;
    private final long deadline;
    private final int hops;
    /** Nodes that did not answer a batch of this sender's: rows go to the next closest instead. */
    private final Set<NodeId> avoid;
    private final Map<NodeId, Pending> pending = new LinkedHashMap<>();
    private List<JoinBuffers.Held> local = new ArrayList<>();
    private boolean full;
    private boolean closed;

    /** Rows on their way to one node. */
    private static final class Pending {
      final Contact to;
      ArrayNode rows = F.arrayNode();
      int bytes;

      Pending(Contact to) {
        this.to = to;
      }
    }

    private Sender(String query, String salt, long deadline, int hops, Set<NodeId> avoid) {
      this.avoid = avoid;
      this.query = query;
      this.salt = salt;
      this.deadline = deadline;
      this.hops = hops;
    }

    /** Sends {@code row} ({@code [key, version, values]}) toward the node closest to the hash of its join key. */
    void add(String joinKey, ArrayNode row) {
      counters.rowsRehashed.incrementAndGet();
      route(joinKey, row);
    }

    private void route(String joinKey, ArrayNode row) {
      NodeId hash = dht.keyId("join/" + salt, joinKey);
      Contact to = null;
      for (Contact c : dht.closestKnown(hash, 1 + avoid.size())) {
        if (!avoid.contains(c.id())) {
          to = hash.compareDistance(c.id(), dht.self().id()) < 0 ? c : null;
          break;
        }
      }
      if (to == null) {
        local.add(new JoinBuffers.Held(joinKey, row));
        return;
      }
      Contact next = to;
      Pending p = pending.computeIfAbsent(next.id(), id -> new Pending(next));
      ArrayNode entry = p.rows.addArray().add(joinKey).add(row);
      p.bytes += entry.toString().length() + 1;
      full |= p.bytes >= pageBytes;
    }

    /** Whether a batch is full (or, once closed, whether any rows wait). */
    boolean ready() {
      return full || closed && (!pending.isEmpty() || !local.isEmpty());
    }

    /** Whether {@link #close} was called. */
    boolean closed() {
      return closed;
    }

    /** No more rows: {@link #flush} sends every batch. */
    void close() {
      closed = true;
    }

    /**
     * Holds this node's own rows and sends the full batches (all of them once closed), in parallel; completes once
     * every batch was answered, with the first refusal (an error as a last page carries it) or empty. A batch that got
     * no answer in the walk's time is lost: the counts of the probe show it (the join is incomplete).
     */
    CompletableFuture<String> flush() {
      List<CompletableFuture<String>> sent = new ArrayList<>();
      if (!local.isEmpty()) {
        String refused = buffers.keep(query, Math.max(1, deadline - scheduler.nanoTime()), local);
        local = new ArrayList<>();
        if (!refused.isEmpty()) {
          return CompletableFuture.completedFuture(refused);
        }
      }
      for (var it = pending.values().iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (closed || p.bytes >= pageBytes) {
          it.remove();
          sent.add(deliver(p, batch(p.rows)));
        }
      }
      full = false;
      return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> sent.stream()
          .map(CompletableFuture::join).filter(e -> !e.isEmpty()).findFirst().orElse(""), workers);
    }

    private ObjectNode batch(ArrayNode rows) {
      long ttlMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - scheduler.nanoTime()));
      return new Batch(query, salt, dht.self().id(), buffers.nextSeq(), hops, Math.min(ttlMs, 3_600_000), rows)
          .toJson();
    }

    /**
     * Sends a batch until it is answered or the walk's time is up; completes with the refusal, or empty. A node that
     * did not answer (after the channel's own retransmissions) is sent it again while the routing table still holds
     * it; once dropped from it (it left), its rows go to the next closest node, where the other senders' rows for
     * those keys go too once they find it gone.
     */
    private CompletableFuture<String> deliver(Pending p, ObjectNode batch) {
      Contact to = p.to;
      CompletableFuture<JsonNode> answer;
      try {
        answer = link.send(to, batch);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      return answer.handle((a, e) -> {
        if (e == null) {
          return CompletableFuture.completedFuture(a.path("ok").asBoolean(false) ? ""
              : a.path("error").asText("UNAVAILABLE: node " + to.id().toHex() + " did not take a join's rows"));
        }
        if (Blocking.unwrap(e) instanceof TimeoutException && scheduler.nanoTime() - deadline < 0) {
          if (dht.contact(to.id()).isPresent()) {
            return deliver(p, batch);  // still in the routing table: a lossy link, most likely; sent again, taken once
          }
          Set<NodeId> without = new HashSet<>(avoid);
          without.add(to.id());
          Sender around = new Sender(query, salt, deadline, hops, without);
          for (JsonNode r : p.rows) {
            around.route(r.get(0).textValue(), (ArrayNode) r.get(1));
          }
          around.close();
          return around.flush();
        }
        LOG.debug("join rows for {} lost on their way to {}", query, to.id().toHex(), e);
        return CompletableFuture.completedFuture("");
      }).thenCompose(f -> f);
    }
  }

  /**
   * A batch of a rehashing walk's rows (type {@code rehash}; docs/protocol.md): each {@code [joinKey, [key, version,
   * values]]}, with the walk's query id and salt, its sender and sequence number (copies are taken once), how many
   * times it was passed on, and how long the receiver holds the rows.
   */
  record Batch(String query, String salt, NodeId from, long seq, int hops, long ttlMs, ArrayNode rows) {
    ObjectNode toJson() {
      ObjectNode o = F.objectNode().put("t", "rehash").put("q", query).put("salt", salt).put("from", from.toHex())
          .put("seq", seq).put("hops", hops).put("ttlMs", ttlMs);
      o.set("rows", rows);
      return o;
    }

    static Batch fromJson(JsonNode m) {
      JsonNode seq = m.get("seq");
      if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0) {
        throw new IllegalArgumentException("rehash: seq must be a non-negative integer");
      }
      int hops = Wire.integer(m, "hops");
      if (hops < 0 || hops > MAX_HOPS) {
        throw new IllegalArgumentException("rehash: hops must be 0.." + MAX_HOPS);
      }
      JsonNode ttl = m.get("ttlMs");
      if (ttl == null || !ttl.isIntegralNumber() || ttl.longValue() < 1 || ttl.longValue() > 3_600_000) {
        throw new IllegalArgumentException("rehash: ttlMs must be 1..3600000");
      }
      JsonNode rows = m.get("rows");
      if (rows == null || !rows.isArray() || rows.size() > MAX_ROWS) {
        throw new IllegalArgumentException("rehash: rows must be an array of at most " + MAX_ROWS);
      }
      for (JsonNode r : rows) {
        JsonNode row = r.path(1);
        if (!r.isArray() || r.size() != 2 || !r.get(0).isTextual() || !row.isArray() || row.size() != 3
            || !row.get(0).isTextual() || !row.get(1).isTextual() || !row.get(2).isArray()) {
          throw new IllegalArgumentException("rehash: each row must be [joinKey, [key, version, values]]");
        }
        checkVersion(row.get(1).textValue());
      }
      return new Batch(Wire.queryId(m), Wire.hexId(m, "salt"), Wire.id(m.get("from"), "from"), seq.longValue(), hops,
          ttl.longValue(), (ArrayNode) rows);
    }

    private static void checkVersion(String text) {
      try {
        Version.parse(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("rehash: a row's version is malformed: "
            + text.substring(0, Math.min(40, text.length())), e);
      }
    }
  }
}
