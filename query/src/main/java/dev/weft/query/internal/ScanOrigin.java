package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.QueryException.Reason;
import dev.weft.query.data.QueryContext;
import dev.weft.query.data.ScanSpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking node's side of a distributed scan: starts it at this node (which hands it down the tree), collects the
 * pages, and decides how complete the answer is (docs/query.md, "Every row counts once" and "Completeness"). When every
 * node answered but some rows were left to a holder that did not (a holder other nodes still thought live), the scan
 * runs once more with those holders excluded, so that the next-closest holders report their rows; when rows were left
 * to a node that had just joined and may not hold them yet, once more with those nodes named, so that no holder
 * leaves rows to them and the rows near them are taken once each by key ({@link Contested}). Such nodes are named in
 * this node's next scans too, until they settle, so that those run once.
 *
 * <p>{@link #scan} blocks a statement's thread; {@link #onRows} is called on a worker thread. Thread-safe.
 */
final class ScanOrigin {
  private static final Logger LOG = LoggerFactory.getLogger(ScanOrigin.class);
  /**
   * Attempts of one scan: the first, one more when part of the network did not answer or a newcomer may lack rows,
   * and a third when the second met a settling node the first had not.
   */
  private static final int ATTEMPTS = 3;
  /** Time kept back from the statement's deadline to give an incomplete answer rather than a timeout. */
  private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Dht dht;
  private final ScanServer server;
  private final Counters counters;
  private final Executor workers;
  private final Scheduler scheduler;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, ScanCollector> running = new ConcurrentHashMap<>();
  /** Nodes seen settling, each with when it settles ({@link Scheduler#nanoTime}). */
  private final Map<NodeId, Long> settling = new ConcurrentHashMap<>();

  ScanOrigin(Dht dht, ScanServer server, Counters counters, Executor workers, Scheduler scheduler) {
    this.dht = dht;
    this.server = server;
    this.counters = counters;
    this.workers = workers;
    this.scheduler = scheduler;
  }

  /** A finished scan: its output rows (with keys, for scans without aggregates) and its coverage. */
  record Result(List<Object[]> rows, List<ScanCollector.KeyedRow> keyedRows, Coverage coverage) {}

  /** Runs a full scan over the network; blocks until it is complete, the statement's time is up, or it fails. */
  Result scan(ScanSpec spec, QueryContext context) {
    counters.scansStarted.incrementAndGet();
    List<NodeId> exclude = new ArrayList<>();
    List<NodeId> unsettled = stillSettling();
    ScanCollector c = null;
    boolean merge = merges(spec);
    for (int attempt = 0; ; attempt++) {
      c = attempt(spec, context, exclude, unsettled, merge);
      if (!again(c, exclude, unsettled, attempt)) {
        break;
      }
      merge = merge && c.unchecked() == 0;
    }
    if (c.failure() != null) {
      throw c.failure();
    }
    Coverage coverage = c.coverage();
    if (!coverage.complete() && !context.allowPartial()) {
      throw new QueryException(Reason.INCOMPLETE, "the scan of table " + spec.table().name() + " heard from "
          + coverage.answered() + " of " + coverage.nodes() + " nodes (" + c.shortfall() + ")"
          + "; ask for partial answers to get what arrived");
    }
    return new Result(c.rows(), c.keyedRows(), coverage);
  }

  /**
   * Whether attempt {@code n} (from 0), which ended as {@code c}, is worth another, with the holders that stayed
   * silent added to {@code exclude} and the nodes still settling to {@code unsettled}. Everyone reached answered, but
   * part of the network was unreachable, rows were left to silent holders, or to a newcomer that may not hold them:
   * the contacts that did not answer were dropped from the routing tables they failed in (weft.kademlia.max-failures)
   * if they are gone, so a second walk of the tree, with the silent holders excluded and no row left to a settling
   * node, shows whether anything live was missed.
   */
  private boolean again(ScanCollector c, List<NodeId> exclude, List<NodeId> unsettled, int n) {
    // Remembered for the next scans: the settling nodes that were left rows they may lack (not every settling node: in
    // a young network all are, and naming them all would send every row contested). Named in the next attempt: every
    // settling node that answered, if any was left such rows, so that the holders do not leave the rows to the next
    // settling node in line instead and need another attempt.
    Map<NodeId, Long> seen = c.settlingNodes();
    Set<NodeId> flagged = c.unsettledHolders();
    long now = scheduler.nanoTime();
    flagged.forEach(id -> settling.put(id, now + TimeUnit.MILLISECONDS.toNanos(seen.getOrDefault(id, 0L))));
    Set<NodeId> fresh = new HashSet<>(flagged);
    if (!flagged.isEmpty()) {
      fresh.addAll(seen.keySet());
    }
    fresh.removeAll(unsettled);
    Set<NodeId> silent = c.missingHolders();
    // A merged answer that could not check some deferrals is followed by one without merging, which can: an attempt
    // more.
    boolean unchecked = c.unchecked() > 0;
    // A third walk only for a settling node the second did not know of: silent holders are excluded by then.
    if (n + 1 >= ATTEMPTS + (unchecked ? 1 : 0) || n >= 1 && fresh.isEmpty() && !unchecked || c.coverage().complete()
        || c.failure() != null
        || !c.allAnswered() || exclude.size() + silent.size() > Wire.MAX_IDS
        || unsettled.size() + fresh.size() > Wire.MAX_IDS) {
      return false;
    }
    exclude.addAll(silent);
    unsettled.addAll(fresh);
    counters.scansRepeated.incrementAndGet();
    LOG.debug("scan {} runs again{}: {}", c.query(), unchecked ? " without merging" : "", c.shortfall());
    return true;
  }

  /** The nodes seen settling that have not settled yet, as a scan's first attempt names them. */
  private List<NodeId> stillSettling() {
    long now = scheduler.nanoTime();
    settling.values().removeIf(until -> until - now <= 0);
    List<NodeId> out = new ArrayList<>();
    for (NodeId id : settling.keySet()) {
      if (out.size() == Wire.MAX_IDS) {
        break;
      }
      out.add(id);
    }
    return out;
  }

  private ScanCollector attempt(ScanSpec spec, QueryContext context, List<NodeId> exclude, List<NodeId> unsettled,
      boolean merge) {
    ScanCollector c = begin(spec, context.nanosLeft(), context.maxRows(), context.maxBytes(), exclude, unsettled,
        merge);
    try {
      waitFor(c, context);
      return c;
    } finally {
      end(c);
    }
  }

  /**
   * Starts an attempt here (this node hands it down the tree); its collector takes the pages until {@link #end}.
   *
   * @param nanosLeft the statement's time left; a merging scan's answer is due at this node {@link #MARGIN_NANOS}
   *     before the collector stops waiting, so that an incomplete answer still arrives
   * @param merge whether answers merge up the tree (aggregating scans; docs/query.md)
   */
  private ScanCollector begin(ScanSpec spec, long nanosLeft, long maxRows, long maxBytes, List<NodeId> exclude,
      List<NodeId> unsettled, boolean merge) {
    return begin(new Walk(spec, spec.toJson(), null, maxRows, maxBytes), nanosLeft, exclude, unsettled, merge);
  }

  /**
   * One walk of the tree as the asking node runs it: the spec its rows are decoded by, the spec as it travels, what it
   * does for a join ({@link Wire.JoinStep}; null for a plain scan), and the caps on what comes back.
   */
  record Walk(ScanSpec spec, JsonNode wire, Wire.JoinStep join, long maxRows, long maxBytes) {}

  /** A finished walk of a join: its query id (the attempt whose rows count), rows (partials), coverage. */
  record Walked(String query, List<Object[]> rows, Coverage coverage, String shortfall) {}

  private ScanCollector begin(Walk walk, long nanosLeft, List<NodeId> exclude, List<NodeId> unsettled,
      boolean merge) {
    ScanSpec spec = walk.spec();
    long maxRows = walk.maxRows();
    long maxBytes = walk.maxBytes();
    byte[] id = new byte[16];
    random.nextBytes(id);
    String query = HexFormat.of().formatHex(id);
    long timeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(merge ? nanosLeft - 2 * MARGIN_NANOS : nanosLeft));
    ScanCollector c = new ScanCollector(query, spec, dht.self().id(), maxRows, maxBytes, counters);
    running.put(query, c);
    try {
      JsonNode taken = server.onScan(dht.self(), new Wire.Scan(query, dht.self(), NodeId.BITS, timeoutMs,
          List.copyOf(exclude), List.copyOf(unsettled), walk.wire(), merge, Math.max(1, maxRows), walk.join())).join();
      if (!taken.path("taken").asBoolean(false)) {
        throw new QueryException(Reason.UNAVAILABLE, "this node started more scans than its own limit allows"
            + " (weft.query.scans-per-origin a second); try again shortly");
      }
      return c;
    } catch (RuntimeException e) {
      end(c);
      throw e;
    }
  }

  private void end(ScanCollector c) {
    c.close();
    running.remove(c.query());
  }

  /**
   * {@link #scan} without a statement's thread, for {@link Scans} (a simulation in virtual time): the same attempts,
   * the deadline on the node's scheduler, and the answer as the statement would take it with partial answers allowed.
   * No cap on rows or bytes: a simulation measures rather than guards.
   */
  CompletableFuture<Scans.Result> scanAsync(ScanSpec spec, Duration timeout) {
    counters.scansStarted.incrementAndGet();
    long deadline = scheduler.nanoTime() + timeout.toNanos();
    return attemptAsync(new Walk(spec, spec.toJson(), null, Long.MAX_VALUE, Long.MAX_VALUE), deadline,
        new ArrayList<>(), stillSettling(), 0, merges(spec)).thenApply(c -> new Scans.Result(c.rows(), c.coverage(),
            c.coverage().complete() ? "" : c.shortfall()));
  }

  /**
   * One walk of a join that rehashes (docs/query.md, "Joins that rehash"), with the attempts of any scan, by {@code
   * deadline} ({@link Scheduler#nanoTime}), merging up the tree when its spec aggregates; completes with the last
   * attempt's answer, or fails as a statement would.
   */
  CompletableFuture<Walked> walkAsync(Walk walk, long deadline) {
    counters.scansStarted.incrementAndGet();
    return attemptAsync(walk, deadline, new ArrayList<>(), stillSettling(), 0, merges(walk.spec())).thenApply(c ->
        new Walked(c.query(), c.rows(), c.coverage(), c.coverage().complete() ? "" : c.shortfall()));
  }

  /**
   * Takes the pages of query {@code id} (a probe's pairs, {@link Wire.JoinStep.Probe#rows}) into a collector of rows
   * shaped as {@code output}, within the caps, until {@link #release}d. It never completes on its own: the probe's
   * accounts say when every pair is in. Its {@link ScanCollector#done()} completes when it fails (too many rows).
   */
  ScanCollector collect(String id, ScanSpec output, long maxRows, long maxBytes) {
    ScanCollector c = new ScanCollector(id, output, dht.self().id(), maxRows, maxBytes, counters);
    running.put(id, c);
    return c;
  }

  void release(ScanCollector c) {
    end(c);
  }

  /** Whether a scan's answers merge up the tree: those whose parts shrink when merged (aggregates, a top-k cut). */
  private static boolean merges(ScanSpec spec) {
    return spec.aggregate().isPresent() || spec.topK().isPresent();
  }

  private CompletableFuture<ScanCollector> attemptAsync(Walk walk, long deadline, List<NodeId> exclude,
      List<NodeId> unsettled, int n, boolean merge) {
    long left = deadline - scheduler.nanoTime();
    ScanCollector c;
    try {
      c = begin(walk, left, exclude, unsettled, merge);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // As waitFor: the answer is taken MARGIN_NANOS before the deadline, complete or not.
    CompletableFuture<Void> over = new CompletableFuture<>();
    c.done().whenComplete((v, e) -> over.complete(null));
    Scheduler.Cancellable timer = scheduler.schedule(() -> over.complete(null), Math.max(0, left - MARGIN_NANOS),
        TimeUnit.NANOSECONDS);
    return over.thenComposeAsync(v -> {
      timer.cancel();
      end(c);
      if (again(c, exclude, unsettled, n)) {
        return attemptAsync(walk, deadline, exclude, unsettled, n + 1, merge && c.unchecked() == 0);
      }
      if (c.failure() != null) {
        return CompletableFuture.failedFuture(c.failure());
      }
      return CompletableFuture.completedFuture(c);
    }, workers);
  }

  private static void waitFor(ScanCollector c, QueryContext context) {
    while (!c.done().isDone()) {
      if (context.isCancelled()) {
        throw new QueryException(Reason.CANCELLED, "statement cancelled");
      }
      long left = context.nanosLeft() - MARGIN_NANOS;
      if (left <= 0) {
        return;  // incomplete: the caller decides between a partial answer and an error
      }
      try {
        c.done().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // look at the flag and the deadline again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QueryException(Reason.CANCELLED, "interrupted", e);
      } catch (ExecutionException e) {
        throw Blocking.failure(e, "scanning");
      }
    }
  }

  /** A page of a running scan; answers whether its sender should go on. Unknown scans (ended) are told to stop. */
  CompletableFuture<Boolean> onRows(Wire.Rows page) {
    ScanCollector c = running.get(page.query());
    if (c == null) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.supplyAsync(() -> c.accept(page), workers);
  }

  /** The channel's handler for a page from another node. */
  CompletableFuture<JsonNode> onRowsMessage(JsonNode body) {
    return onRows(Wire.Rows.fromJson(body)).thenApply(Wire::more);
  }
}
