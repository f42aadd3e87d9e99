package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Evaluator;
import dev.weft.query.expr.Expr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of live queries (docs/query.md, "Live queries"): the watches other nodes (or this one) registered
 * down the broadcast tree, each a table's row namespace, a filter and the watching node, held for a lease; and, as the
 * keeper of rows, a notice to the watching node when a write changed a row that passes the filter before or after it.
 * The notice says only "changed": the watcher runs its query again. Notices to one watch are coalesced: one in flight,
 * and one more after it if writes came meanwhile.
 *
 * <p>Requests arrive on the event thread; {@link #changed} is called by the keeper on any thread; thread-safe.
 */
final class Watches {
  private static final Logger LOG = LoggerFactory.getLogger(Watches.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Contacts of one bucket tried before its subtree goes without the watch (until the next renewal). */
  /** Most watches a node holds, and most from one watching node: beyond them registrations are refused. */
  static final int MAX_HELD = 4096;
  static final int MAX_PER_ORIGIN = 256;
  /** Longest lease a registration may ask for. */
  static final long MAX_LEASE_MS = 10 * 60_000;

  /** One registration: a watch on one table's rows through one filter. */
  private static final class Held {
    final String id;
    final Contact origin;
    final TableDefinition table;
    final Optional<Expr> filter;
    long expiresNanos;
    boolean inFlight;
    boolean pending;

    Held(String id, Contact origin, TableDefinition table, Optional<Expr> filter, long expiresNanos) {
      this.id = id;
      this.origin = origin;
      this.table = table;
      this.filter = filter;
      this.expiresNanos = expiresNanos;
    }
  }

  /** Sends a notice to a watching node: a request on the sql channel, or a call of this node's own live queries. */
  @FunctionalInterface
  interface Notices {
    CompletableFuture<JsonNode> send(Contact to, JsonNode notice);
  }

  private final Dht dht;
  private final Scheduler scheduler;
  private final Counters counters;
  private final Notices notices;
  /** By row namespace, then by watch id. */
  private final Map<String, Map<String, Held>> byNamespace = new HashMap<>();
  private int held;

  Watches(Dht dht, Scheduler scheduler, Counters counters, Notices notices) {
    this.dht = dht;
    this.scheduler = scheduler;
    this.counters = counters;
    this.notices = notices;
  }

  /**
   * A watch (or its renewal) handed to this node: held until its lease ends, and handed on to one contact in each
   * bucket below {@code limit}. {@code {"t":"watch","id","origin","limit","leaseMs","spec"}}; answered {@code
   * {"held": bool}} (false: over this node's limits).
   */
  CompletableFuture<JsonNode> onWatch(JsonNode m) {
    String id = Wire.hexId(m, "id");
    Contact origin = Wire.contactFrom(m.get("origin"));
    int limit = limit(m);
    long lease = m.path("leaseMs").asLong(-1);
    if (!m.path("leaseMs").canConvertToLong() || lease < 1 || lease > MAX_LEASE_MS) {
      throw new IllegalArgumentException("watch: leaseMs must be 1.." + MAX_LEASE_MS);
    }
    ScanSpec spec = ScanSpec.fromJson(m.get("spec"));
    boolean taken = hold(id, origin, spec, lease);
    forward(m, limit);
    return CompletableFuture.completedFuture(F.objectNode().put("held", taken));
  }

  /** An ended watch: {@code {"t":"unwatch","id","limit"}}, dropped here and handed on like the watch. */
  CompletableFuture<JsonNode> onUnwatch(JsonNode m) {
    String id = Wire.hexId(m, "id");
    int limit = limit(m);
    synchronized (this) {
      for (Map<String, Held> watches : byNamespace.values()) {
        if (watches.remove(id) != null) {
          held--;
        }
      }
      byNamespace.values().removeIf(Map::isEmpty);
    }
    forward(m, limit);
    return CompletableFuture.completedFuture(F.objectNode().put("held", false));
  }

  private static int limit(JsonNode m) {
    int limit = Wire.integer(m, "limit");
    if (limit < 0 || limit > NodeId.BITS) {
      throw new IllegalArgumentException("limit must be 0.." + NodeId.BITS);
    }
    return limit;
  }

  private synchronized boolean hold(String id, Contact origin, ScanSpec spec, long leaseMs) {
    expire();
    String ns = spec.table().rowNamespace();
    long until = scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMs);
    Map<String, Held> watches = byNamespace.computeIfAbsent(ns, x -> new HashMap<>());
    Held h = watches.get(id);
    if (h != null) {
      h.expiresNanos = until;
      return true;
    }
    long fromOrigin = byNamespace.values().stream().flatMap(w -> w.values().stream())
        .filter(x -> x.origin.id().equals(origin.id())).count();
    if (held >= MAX_HELD || fromOrigin >= MAX_PER_ORIGIN) {
      counters.watchesRefused.incrementAndGet();
      if (watches.isEmpty()) {
        byNamespace.remove(ns);
      }
      return false;
    }
    watches.put(id, new Held(id, origin, spec.table(), spec.filter(), until));
    held++;
    return true;
  }

  private void expire() {
    long now = scheduler.nanoTime();
    for (Map<String, Held> watches : byNamespace.values()) {
      int before = watches.size();
      watches.values().removeIf(h -> h.expiresNanos - now <= 0);
      held -= before - watches.size();
    }
    byNamespace.values().removeIf(Map::isEmpty);
  }

  /** Hands {@code m} on down the tree (below {@code limit}); a part no contact took has it at the next renewal. */
  private void forward(JsonNode m, int limit) {
    for (CompletableFuture<TreeWalk.Outcome> f : TreeWalk.handOn(dht, limit,
        j -> ((ObjectNode) m.deepCopy()).put("limit", j), answer -> true)) {
      f.thenAccept(o -> {
        if (o.to() == null) {
          LOG.debug("a watch reached no contact of bucket {}: that part of the network has it at the next renewal",
              o.limit());
        }
      });
    }
  }

  /** Whether some watch is held on {@code ns}: its keeper must then read a row before writing it. */
  synchronized boolean watched(String ns) {
    Map<String, Held> watches = byNamespace.get(ns);
    return watches != null && !watches.isEmpty();
  }

  /** The table definition a watch on {@code ns} carries, for a keeper whose catalog lacks it. */
  synchronized Optional<TableDefinition> table(String ns) {
    Map<String, Held> watches = byNamespace.get(ns);
    return watches == null ? Optional.empty() : watches.values().stream().map(h -> h.table).findFirst();
  }

  /**
   * A row of {@code ns} was written by this node as its keeper: {@code before} and {@code after} are the full rows
   * (null: absent, deleted). Notifies each watch whose filter either passes.
   */
  void changed(String ns, Object[] before, Object[] after) {
    List<Held> notify = new ArrayList<>();
    synchronized (this) {
      Map<String, Held> watches = byNamespace.get(ns);
      if (watches == null) {
        return;
      }
      long now = scheduler.nanoTime();
      for (Held h : watches.values()) {
        if (h.expiresNanos - now > 0 && (passes(h, before) || passes(h, after))) {
          if (h.inFlight) {
            h.pending = true;
          } else {
            h.inFlight = true;
            notify.add(h);
          }
        }
      }
    }
    notify.forEach(this::send);
  }

  private static boolean passes(Held h, Object[] row) {
    try {
      return row != null && (h.filter.isEmpty() || Evaluator.test(h.filter.get(), row));
    } catch (RuntimeException e) {
      return true;  // the filter fails on this row (a division by zero): the query will say so when run again
    }
  }

  private void send(Held h) {
    counters.watchNotices.incrementAndGet();
    CompletableFuture<JsonNode> sent;
    try {
      sent = notices.send(h.origin, F.objectNode().put("t", "changed").put("id", h.id));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((a, e) -> {
      boolean again;
      synchronized (this) {
        if (e == null && !a.path("watching").asBoolean(false)) {
          // The watcher has ended the watch (or restarted): stop holding it here.
          Map<String, Held> watches = byNamespace.get(h.table.rowNamespace());
          if (watches != null && watches.remove(h.id) != null) {
            held--;
          }
          return;
        }
        if (e != null) {
          LOG.debug("watch {}: the watching node did not take a notice", h.id, e);
        }
        again = h.pending;
        h.pending = false;
        h.inFlight = again;
      }
      if (again) {
        send(h);
      }
    });
  }
}
