package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.Storage;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.Catalog;
import dev.weft.query.row.RowCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The keeper of rows (docs/query.md, "What a write means"): the live node closest to a row's id applies that row's
 * writes one at a time per key — read, check, write — so that of two inserts of one key, one succeeds and the other
 * is told "duplicate key", as long as the keeper stays the same node. The rows themselves are ordinary DHT objects,
 * written to their replicas with {@link Storage}.
 *
 * <p>Called on the node's event thread (requests) and on statement threads (this node's own writes); thread-safe.
 */
final class RowKeeper {
  /** Rows live until deleted: their holders republish and hand them off like any object. */
  static final Duration ROW_TTL = Duration.ofDays(365L * 100);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Tries of one op before its failure is reported. */
  private static final int ATTEMPTS = 3;
  /** Most ops one write message carries. */
  static final int MAX_OPS = 1000;

  /** What to do with one row. */
  enum Kind { INSERT, UPSERT, DELETE }

  /** One row's write, as the keeper takes it; {@code row} is null for a delete. */
  record Op(Kind kind, String key, JsonNode row) {
    ObjectNode toJson() {
      ObjectNode o = F.objectNode().put("op", kind.name().toLowerCase(java.util.Locale.ROOT)).put("key", key);
      if (row != null) {
        o.set("row", row);
      }
      return o;
    }

    static Op fromJson(JsonNode o) {
      if (o == null || !o.isObject() || !o.path("op").isTextual() || !o.path("key").isTextual()) {
        throw new IllegalArgumentException("write: each op needs \"op\" and \"key\"");
      }
      Kind kind;
      try {
        kind = Kind.valueOf(o.get("op").textValue().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("write: unknown op " + o.get("op").textValue(), e);
      }
      JsonNode row = o.get("row");
      if ((kind == Kind.DELETE) != (row == null) || (row != null && !row.isArray())) {
        throw new IllegalArgumentException("write: " + kind + " needs " + (kind == Kind.DELETE ? "no row" : "a row"));
      }
      return new Op(kind, o.get("key").textValue(), row);
    }
  }

  /** The result of one op: applied, a duplicate key, absent (a delete of nothing), or an error text. */
  static final String OK = "ok";
  static final String DUPLICATE = "duplicate key";
  static final String ABSENT = "absent";

  private static final JsonNode ACCEPTED = F.objectNode().put("accepted", true);

  private final Storage storage;
  /** Write messages applied recently, so that a retransmission is not applied twice. */
  private final RecentIds seen = new RecentIds(8192);
  private final Counters counters;
  /** The last write queued per (namespace, key): the next one starts after it. */
  private final Map<String, CompletableFuture<String>> tails = new ConcurrentHashMap<>();

  private final Catalog catalog;
  private final IndexEntries indexes;
  private final Watches watches;

  RowKeeper(Storage storage, Counters counters, Catalog catalog, IndexEntries indexes, Watches watches) {
    this.storage = storage;
    this.counters = counters;
    this.catalog = catalog;
    this.indexes = indexes;
    this.watches = watches;
  }

  /** Sends a keeper's results back to the node that asked; the channel's request with the node's retries. */
  @FunctionalInterface
  interface Replies {
    CompletableFuture<JsonNode> send(Contact to, JsonNode message);
  }

  /**
   * A write message from another node, {@code {"t":"write","w","origin","ns","ops":[…]}}: answered at once with
   * {@code {"accepted":true}} (a row's write takes a read and a write of its replicas, longer than a request may wait),
   * then applied, and its results sent to the origin as {@code {"t":"written","w","results":[…]}}. A retransmitted
   * message (same {@code w}) is accepted again but applied once.
   */
  CompletableFuture<JsonNode> onWrite(JsonNode body, Replies replies) {
    String w = Wire.hexId(body, "w");
    Contact origin = Wire.contactFrom(body.get("origin"));
    JsonNode ns = body.get("ns");
    JsonNode ops = body.get("ops");
    if (ns == null || !ns.isTextual() || TableDefinition.tableOfRowNamespace(ns.textValue()).isEmpty()) {
      throw new IllegalArgumentException("write: ns must be a table's row namespace");
    }
    if (ops == null || !ops.isArray() || ops.isEmpty() || ops.size() > MAX_OPS) {
      throw new IllegalArgumentException("write: ops must be an array of 1 to " + MAX_OPS);
    }
    List<Op> list = new ArrayList<>();
    ops.forEach(o -> list.add(Op.fromJson(o)));
    if (!seen.firstTime(w)) {
      return CompletableFuture.completedFuture(ACCEPTED);
    }
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (Op op : list) {
      results.add(apply(ns.textValue(), op));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      ArrayNode out = F.arrayNode();
      results.forEach(r -> out.add(r.join()));
      return send(replies, origin, F.objectNode().put("t", "written").put("w", w).set("results", out), 0);
    });
    return CompletableFuture.completedFuture(ACCEPTED);
  }

  private static CompletableFuture<JsonNode> send(Replies replies, Contact to, JsonNode message, int attempt) {
    return replies.send(to, message).handle((a, e) -> e == null || attempt >= 2
        ? CompletableFuture.completedFuture(a) : send(replies, to, message, attempt + 1)).thenCompose(f -> f);
  }

  static ObjectNode request(String w, Contact origin, String ns, List<Op> ops) {
    ObjectNode o = F.objectNode().put("t", "write").put("w", w);
    o.set("origin", Wire.contact(origin));
    o.put("ns", ns);
    ArrayNode a = o.putArray("ops");
    ops.forEach(op -> a.add(op.toJson()));
    return o;
  }

  /** Applies one op after the ops queued before it on the same key; never fails (an error is a result). */
  CompletableFuture<String> apply(String ns, Op op) {
    String slot = ns + "\n" + op.key();
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> before = tails.put(slot, mine);
    CompletableFuture<String> start = before == null ? CompletableFuture.completedFuture(OK) : before;
    start.handle((x, e) -> null).thenCompose(x -> attempt(ns, op, 0)).handle((r, e) -> {
      String result = e == null ? r : "error: " + Blocking.failure(e, "writing the row").getMessage();
      counters.rowWrites.incrementAndGet();
      if (!OK.equals(result) && !ABSENT.equals(result)) {
        counters.rowWritesFailed.incrementAndGet();
      }
      tails.remove(slot, mine);
      mine.complete(result);
      return null;
    });
    return mine;
  }

  /**
   * Runs an op, again when it failed: a failed read wrote nothing, and a failed write (no replica acknowledged) wrote
   * nothing either, so trying again cannot apply a row twice; it rides out a moment of overload (lookups timing out).
   */
  private CompletableFuture<String> attempt(String ns, Op op, int attempt) {
    CompletableFuture<String> out = new CompletableFuture<>();
    run(ns, op).whenComplete((r, e) -> {
      if (e == null) {
        out.complete(r);
      } else if (attempt >= ATTEMPTS - 1) {
        out.completeExceptionally(e);
      } else {
        CompletableFuture.delayedExecutor(50L << attempt, TimeUnit.MILLISECONDS).execute(() ->
            attempt(ns, op, attempt + 1).whenComplete((again, error) -> {
              if (error == null) {
                out.complete(again);
              } else {
                out.completeExceptionally(error);
              }
            }));
      }
    });
    return out;
  }

  private CompletableFuture<String> run(String ns, Op op) {
    boolean watched = watches.watched(ns);
    Optional<TableDefinition> table = TableDefinition.tableOfRowNamespace(ns).flatMap(catalog::table)
        .filter(t -> t.rowNamespace().equals(ns)).or(() -> watched ? watches.table(ns) : Optional.empty());
    List<IndexDefinition> ix = table.map(catalog::indexesOf).orElse(List.of());
    if (ix.isEmpty() && !watched) {
      // Blind where nothing needs the row as it was: no index entry to remove, no watch to tell.
      return switch (op.kind()) {
        case INSERT -> storage.get(ns, op.key()).thenCompose(held -> held.isPresent()
            ? CompletableFuture.completedFuture(DUPLICATE)
            : storage.put(ns, op.key(), op.row(), ROW_TTL).thenApply(r -> OK));
        case UPSERT -> storage.put(ns, op.key(), op.row(), ROW_TTL).thenApply(r -> OK);
        case DELETE -> storage.get(ns, op.key()).thenCompose(held -> held.isEmpty()
            ? CompletableFuture.completedFuture(ABSENT)
            : storage.delete(ns, op.key()).thenApply(r -> OK));
      };
    }
    return indexed(table.get(), ix, ns, op);
  }

  /**
   * A write to a table with indexes or watches: the row is read first (its old entries must go; a watch is told when
   * the row passed its filter before or after), the new entries go in before the row is written (a row is never
   * without its entry), the old ones out after it (a stale entry only costs a reader a get: every fetched row is
   * checked again).
   */
  private CompletableFuture<String> indexed(TableDefinition t, List<IndexDefinition> ix, String ns, Op op) {
    return storage.get(ns, op.key()).thenCompose(held -> {
      Object[] before = held.map(o -> RowCodec.fromJson(t, o.value())).orElse(null);
      if (op.kind() == Kind.INSERT && before != null) {
        return CompletableFuture.completedFuture(DUPLICATE);
      }
      if (op.kind() == Kind.DELETE) {
        return before == null ? CompletableFuture.completedFuture(ABSENT)
            : storage.delete(ns, op.key()).thenCompose(r -> indexes.removeOld(t, ix, op.key(), before, null))
                .thenApply(v -> written(ns, before, null));
      }
      Object[] after = RowCodec.fromJson(t, op.row());
      return indexes.add(t, ix, op.key(), before, after).thenCompose(added -> !OK.equals(added)
          ? CompletableFuture.completedFuture(added)
          : storage.put(ns, op.key(), op.row(), ROW_TTL)
              .thenCompose(r -> indexes.removeOld(t, ix, op.key(), before, after))
              .thenApply(v -> written(ns, before, after)));
    });
  }

  private String written(String ns, Object[] before, Object[] after) {
    watches.changed(ns, before, after);
    return OK;
  }
}
