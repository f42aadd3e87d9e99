package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.SqlOptions;
import dev.weft.query.SqlResult;
import dev.weft.query.SqlWatch;
import dev.weft.query.WatchEvent;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.Exprs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching node's side of live queries (docs/query.md, "Live queries"): runs the query, registers a watch for each
 * table it read (with the filter pushed to that table) down the broadcast tree, and runs the query again whenever a
 * keeper says a row that passes a filter changed (coalesced: one run at a time, the next one after it) and at every
 * renewal of the watches' lease; each run's answer is compared with the last, and the difference is the event.
 *
 * <p>Queries run on the statement pool, one at a time per watch, so that a listener gets one event at a time, in order.
 * Thread-safe.
 */
final class LiveQueries {
  private static final Logger LOG = LoggerFactory.getLogger(LiveQueries.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Most live queries one node runs at once for its callers. */
  static final int MAX_OPEN = 64;
  /** How long a burst of notices is let settle before the query runs again. */
  private static final long COALESCE_MS = 50;
  /**
   * The least time from one run's end to the next one's start: a run costs a query over the network, and notices come
   * from any node (a watch's id travels to every node), so they must not be able to make it run back to back.
   */
  private static final long MIN_GAP_MS = 250;
  /**
   * When the query runs once more after the watches were sent down the tree: a write between the first run and the
   * watch reaching its keeper told no one.
   */
  private static final long SETTLE_MS = 2_000;

  /** Runs one query on the calling thread, adding the specs of its scans to a list. */
  @FunctionalInterface
  interface Runner {
    SqlResult run(SqlOptions options, String sql, Object[] params, List<ScanSpec> scans);
  }

  private final Dht dht;
  private final Watches watches;
  private final Scheduler scheduler;
  private final Executor statements;
  private final Runner runner;
  private final Counters counters;
  private final Duration lease;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Live> open = new ConcurrentHashMap<>();

  LiveQueries(Dht dht, Watches watches, Scheduler scheduler, Executor statements, Runner runner, Counters counters,
      Duration lease) {
    this.dht = dht;
    this.watches = watches;
    this.scheduler = scheduler;
    this.statements = statements;
    this.runner = runner;
    this.counters = counters;
    this.lease = lease;
  }

  /** Starts a live query; its first event is its answer (or the error that stopped it). */
  SqlWatch watch(SqlOptions options, String sql, Object[] params, Consumer<WatchEvent> listener) {
    if (sql == null || options == null || params == null || listener == null) {
      throw new IllegalArgumentException("sql, options, params and listener must not be null");
    }
    if (open.size() >= MAX_OPEN) {
      throw new QueryException(Reason.UNAVAILABLE, "this node runs " + MAX_OPEN + " live queries already; close one"
          + " first");
    }
    byte[] id = new byte[16];
    random.nextBytes(id);
    Live live = new Live(HexFormat.of().formatHex(id), options, sql, params.clone(), listener);
    open.put(live.id, live);
    live.trigger(0);
    return live;
  }

  /** A keeper's notice, {@code {"t":"changed","id"}}: answered {@code {"watching": bool}}. */
  CompletableFuture<JsonNode> onChanged(JsonNode m) {
    Live live = open.get(Wire.hexId(m, "id"));
    if (live != null) {
      live.trigger(COALESCE_MS);
    }
    return CompletableFuture.completedFuture(F.objectNode().put("watching", live != null));
  }

  /** Ends every live query (the node stops). */
  void closeAll() {
    new ArrayList<>(open.values()).forEach(Live::close);
  }

  private final class Live implements SqlWatch {
    final String id;
    final SqlOptions options;
    final String sql;
    final Object[] params;
    final Consumer<WatchEvent> listener;
    /** The answer as last sent, as a multiset. */
    private Map<List<Object>, Integer> answer;
    private List<SqlResult.ColumnInfo> columns = List.of();
    /** The watches as registered: per row namespace, its spec (table and filter). */
    private Map<String, ScanSpec> registered = Map.of();
    private boolean closed;
    private boolean running;
    private boolean dirty;
    private boolean scheduled;
    /** When the last run ended ({@link Scheduler#nanoTime}); 0 before the first. */
    private long lastEnd;
    private Scheduler.Cancellable renewal;

    Live(String id, SqlOptions options, String sql, Object[] params, Consumer<WatchEvent> listener) {
      this.id = id;
      this.options = options;
      this.sql = sql;
      this.params = params;
      this.listener = listener;
    }

    /** Asks for a run of the query in {@code delayMs}, or after the one running now. */
    synchronized void trigger(long delayMs) {
      if (closed) {
        return;
      }
      dirty = true;
      if (running || scheduled) {
        return;
      }
      scheduled = true;
      long sinceLast = lastEnd == 0 ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(scheduler.nanoTime() - lastEnd);
      long delay = Math.max(delayMs, MIN_GAP_MS - Math.min(MIN_GAP_MS, sinceLast));
      scheduler.schedule(() -> statements.execute(this::run), Math.max(1, delay), TimeUnit.MILLISECONDS);
    }

    private void run() {
      synchronized (this) {
        scheduled = false;
        if (closed || running || !dirty) {
          return;
        }
        running = true;
        dirty = false;
      }
      counters.watchRuns.incrementAndGet();
      List<ScanSpec> scans = new ArrayList<>();
      WatchEvent event;
      boolean first = answer == null;
      try {
        SqlResult r = runner.run(options, sql, params, scans);
        if (!r.isQuery()) {
          throw new QueryException(Reason.INVALID, "only a query can be watched");
        }
        event = compare(r);
        register(scans);
        if (first) {
          scheduler.schedule(() -> trigger(0), SETTLE_MS, TimeUnit.MILLISECONDS);
        }
      } catch (QueryException e) {
        boolean fatal = e.reason() == Reason.INVALID || e.reason() == Reason.TOO_LARGE;
        event = new WatchEvent(WatchEvent.Kind.ERROR, List.of(), List.of(), List.of(), List.of(), Coverage.LOCAL, e,
            fatal);
      } catch (RuntimeException e) {
        LOG.warn("live query {} failed", id, e);
        event = new WatchEvent(WatchEvent.Kind.ERROR, List.of(), List.of(), List.of(), List.of(), Coverage.LOCAL,
            new QueryException(Reason.UNAVAILABLE, String.valueOf(e.getMessage()), e), false);
      }
      if (event != null) {
        // A watch that this event ends is closed first, so that its listener sees it closed.
        boolean open = isOpen();
        if (event.closed()) {
          close();
        }
        if (open) {
          deliver(event);
        }
      }
      armRenewal();
      synchronized (this) {
        running = false;
        lastEnd = scheduler.nanoTime();
        if (dirty && !closed && !scheduled) {
          scheduled = true;
          scheduler.schedule(() -> statements.execute(this::run), MIN_GAP_MS, TimeUnit.MILLISECONDS);
        }
      }
    }

    private void deliver(WatchEvent event) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("the listener of live query {} failed on an event", id, e);
      }
    }

    /** The event this answer makes: the answer itself the first time, then what changed (null: nothing). */
    private WatchEvent compare(SqlResult r) {
      Map<List<Object>, Integer> now = new HashMap<>();
      r.rows().forEach(row -> now.merge(row, 1, Integer::sum));
      if (answer == null) {
        answer = now;
        columns = r.columns();
        return new WatchEvent(WatchEvent.Kind.ANSWER, r.columns(), r.rows(), List.of(), List.of(), r.coverage(),
            null, false);
      }
      List<List<Object>> added = new ArrayList<>();
      List<List<Object>> removed = new ArrayList<>();
      now.forEach((row, n) -> {
        for (int i = answer.getOrDefault(row, 0); i < n; i++) {
          added.add(row);
        }
      });
      answer.forEach((row, n) -> {
        for (int i = now.getOrDefault(row, 0); i < n; i++) {
          removed.add(row);
        }
      });
      answer = now;
      if (added.isEmpty() && removed.isEmpty()) {
        return null;
      }
      return new WatchEvent(WatchEvent.Kind.CHANGE, columns, List.of(), added, removed, r.coverage(), null, false);
    }

    /**
     * Sends the watches down the tree when the tables (or filters) the query read changed, and arms the renewal: every
     * third of the lease the watches go again and the query runs again (a keeper that joined since, or a notice that
     * was lost, is caught then).
     */
    private void register(List<ScanSpec> scans) {
      Map<String, ScanSpec> wanted = watched(scans);
      boolean renew;
      synchronized (this) {
        renew = !wanted.equals(registered);
        if (renew) {
          registered = wanted;
        }
      }
      if (renew) {
        wanted.values().forEach(this::send);
      }
    }

    /** Every third of the lease the watches go again and the query runs again, whatever its last run gave. */
    private synchronized void armRenewal() {
      if (renewal == null && !closed) {
        renewal = scheduler.schedule(this::renew, Math.max(1, lease.toMillis() / 3), TimeUnit.MILLISECONDS);
      }
    }

    private void renew() {
      Map<String, ScanSpec> now;
      synchronized (this) {
        if (closed) {
          return;
        }
        now = registered;
        renewal = scheduler.schedule(this::renew, Math.max(1, lease.toMillis() / 3), TimeUnit.MILLISECONDS);
      }
      now.values().forEach(this::send);
      trigger(0);
    }

    private void send(ScanSpec spec) {
      ObjectNode m = F.objectNode().put("t", "watch").put("id", id);
      m.set("origin", Wire.contact(dht.self()));
      m.put("limit", NodeId.BITS).put("leaseMs", lease.toMillis());
      m.set("spec", spec.toJson());
      try {
        watches.onWatch(m);
      } catch (RuntimeException e) {
        LOG.warn("live query {}: its watch of {} could not be sent", id, spec.table().name(), e);
      }
    }

    @Override
    public synchronized boolean isOpen() {
      return !closed;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        if (renewal != null) {
          renewal.cancel();
        }
      }
      open.remove(id);
      ObjectNode m = F.objectNode().put("t", "unwatch").put("id", id).put("limit", NodeId.BITS);
      try {
        watches.onUnwatch(m);
      } catch (RuntimeException e) {
        LOG.debug("live query {}: its end could not be sent", id, e);
      }
    }
  }

  /**
   * One watch per table read: its full scan with the filter pushed to it, or, for a table read more than once (a
   * self-join, a subquery), any of their filters; no filter when one read had none. A join's key set (the semi-join
   * sent with the scan of its inner side) is left out.
   */
  static Map<String, ScanSpec> watched(List<ScanSpec> scans) {
    Map<String, ScanSpec> out = new LinkedHashMap<>();
    for (ScanSpec s : scans) {
      // A join's key set is the keys of this run's other side: a later run may look for others.
      ScanSpec plain = new ScanSpec(s.table(), new ScanSpec.Access.Full(), s.filter().flatMap(Exprs::withoutKeySets),
          List.of(), Optional.empty());
      out.merge(s.table().rowNamespace(), plain, (a, b) -> {
        Optional<Expr> either;
        if (a.filter().isEmpty() || b.filter().isEmpty()) {
          either = Optional.empty();
        } else if (a.filter().equals(b.filter())) {
          either = a.filter();
        } else {
          either = Optional.of(new Expr.Call(Expr.Op.OR, List.of(a.filter().get(), b.filter().get())));
        }
        return new ScanSpec(a.table(), a.access(), either, List.of(), Optional.empty());
      });
    }
    return out;
  }
}
