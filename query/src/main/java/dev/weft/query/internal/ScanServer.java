package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.util.KeyedRateLimits;
import dev.weft.api.WeftException;
import dev.weft.query.QueryException;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.Fragment;
import dev.weft.query.row.RowCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of a distributed scan (docs/query.md, "Execution"): takes a scan from its parent in the tree, hands
 * it on to one contact in each of its buckets below the parent's limit (the broadcast tree of the messaging module,
 * walked by this plugin so that each node can say whom it handed the scan to), scans its own store for the table's
 * rows, reports those it is the responsible holder of through the scan's fragment, and sends the output to the asking
 * node in pages, then a last page saying where it handed the scan and whom it left rows to.
 *
 * <p>{@link #onScan} runs on the node's event thread and only checks, records and starts; the store is read and rows are
 * evaluated on the plugin's workers, in tasks that never wait on a thread (pages are sent asynchronously).
 */
final class ScanServer {
  private static final Logger LOG = LoggerFactory.getLogger(ScanServer.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Rows read from the store per local page. */
  private static final int STORE_PAGE = 1000;

  /** Sends a page of a scan's answer to its asking node, or to the parent in a scan that merges up the tree. */
  @FunctionalInterface
  interface Pages {
    /**
     * Completes with whether the receiver wants more (false: stop; it ended or cancelled the scan).
     *
     * @param part whether {@code to} is the parent of this node in a merging scan ({@code part} pages), not the origin
     */
    CompletableFuture<Boolean> send(Contact to, Wire.Rows page, boolean part);
  }

  private final Dht dht;
  private final Storage storage;
  private final Scheduler scheduler;
  private final Executor workers;
  private final Pages pages;
  private final Counters counters;
  private final Settling settling;
  private final int pageBytes;
  private final PageSender.Outbox outbox;
  private final JoinBuffers joinRows;
  private final Rehashing rehashing;
  private final RecentIds seen = new RecentIds(4096);
  /** This node's parts of running merging scans, by query id. */
  private final Map<String, MergeReporter> merging = new ConcurrentHashMap<>();
  /** Scans served per second per asking node (weft.query.scans-per-origin), a burst of twice that. */
  private final KeyedRateLimits<NodeId> perOrigin;

  ScanServer(Dht dht, Storage storage, Scheduler scheduler, Executor workers, Pages pages, Counters counters,
      Settling settling, int pageBytes, int perOriginRate, JoinBuffers joinRows, Rehashing rehashing) {
    this.dht = dht;
    this.storage = storage;
    this.scheduler = scheduler;
    this.workers = workers;
    this.pages = pages;
    this.counters = counters;
    this.settling = settling;
    this.pageBytes = pageBytes;
    this.perOrigin = new KeyedRateLimits<>(perOriginRate, 2.0 * perOriginRate, 1024);
    this.outbox = new PageSender.Outbox(dht.self().id(), pages, scheduler, workers, counters, pageBytes);
    this.joinRows = joinRows;
    this.rehashing = rehashing;
  }

  /**
   * A scan handed to this node by {@code parent} (or started here, {@code parent} this node): answers at once whether it
   * was taken. A node that took it already from another node answers taken with {@code again}: its answer goes to the
   * parent that reached it first (the same parent asking again, its first answer lost, gets a plain "taken").
   */
  CompletableFuture<JsonNode> onScan(Contact parent, Wire.Scan scan) {
    String first = seen.firstSeen(scan.query(), parent.id().toHex());
    if (first != null) {
      return CompletableFuture.completedFuture(first.equals(parent.id().toHex()) ? Wire.taken(true)
          : Wire.taken(true).put("again", true));
    }
    if (!perOrigin.tryTake(scan.origin().id(), scheduler.nanoTime())) {
      counters.scansRefused.incrementAndGet();
      seen.forget(scan.query());
      return CompletableFuture.completedFuture(Wire.taken(false));
    }
    counters.scansServed.incrementAndGet();
    long deadline = scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scan.timeoutMs());
    MergedPart part = null;
    if (scan.merge()) {
      try {
        part = new MergedPart(dht.self().id(), scan.limit(), ScanSpec.fromJson(scan.spec()), scan.maxGroups());
      } catch (RuntimeException e) {
        part = null;  // a bad spec: the local scan reports it, as an error of the merged answer below
      }
    }
    MergeReporter reporter = part == null ? null : new MergeReporter(scan, parent, deadline, part, outbox, merging);
    if (reporter != null) {
      merging.put(scan.query(), reporter);
      reporter.armTimer();
    }
    CompletableFuture<Handed> handed = forward(scan);
    if (reporter != null) {
      handed.whenCompleteAsync((h, e) -> {
        List<MergedPart.Child> children = new ArrayList<>();
        if (h != null) {
          for (int i = 0; i < h.children().size(); i++) {
            children.add(new MergedPart.Child(h.children().get(i), h.limits().get(i)));
          }
        }
        reporter.part.handed(children, h == null ? 1 : h.unreachable(), h == null ? 0 : h.again());
        reporter.check();
      }, workers);
    }
    if (scan.join() instanceof Wire.JoinStep.Probe probe) {
      PageSender pairs = new PageSender(outbox, scan.renamed(probe.rows()), scan.origin(), false, deadline);
      workers.execute(() -> new LocalProbe(joinRows.probe(probe.left(), probe.right()), pairs, workers,
          account -> account(scan, handed, deadline, reporter, account)).start());
    } else {
      workers.execute(() -> new LocalScan(scan, deadline, handed, reporter).start());
    }
    return CompletableFuture.completedFuture(Wire.taken(true));
  }

  /**
   * A probe's account of this node ({@code [pairs sent, left rows held, right rows held]}, once its pairs were taken):
   * into its merged answer, or (a walk that does not merge) to the origin with its last page.
   */
  private void account(Wire.Scan scan, CompletableFuture<Handed> handed, long deadline, MergeReporter reporter,
      Object[] account) {
    if (reporter != null) {
      reporter.part.own(account);
      reporter.part.local(true, Map.of(), settling.now(), "");
      reporter.check();
      return;
    }
    PageSender sender = new PageSender(outbox, scan, scan.origin(), false, deadline);
    sender.add(Outputs.of(ScanSpec.fromJson(scan.spec())).encode(account));
    sendLast(sender, handed, deadline, Map.of(), "");
  }

  /** A page of a merging scan from a node below this one; answers whether it should send more. */
  CompletableFuture<JsonNode> onPart(JsonNode body) {
    Wire.Rows page = Wire.Rows.fromJson(body);
    MergeReporter r = merging.get(page.query());
    if (r == null) {
      return CompletableFuture.completedFuture(Wire.more(false));
    }
    return CompletableFuture.supplyAsync(() -> {
      boolean more = r.part.accept(page);
      r.check();
      return Wire.more(more);
    }, workers);
  }

  /**
   * Where the scan went from here: the children, each with the limit it was handed, the subtrees none took, and (in a
   * merging scan) the subtrees whose contact had taken the scan from another node already.
   */
  private record Handed(List<NodeId> children, List<Integer> limits, int unreachable, int again) {}

  private CompletableFuture<Handed> forward(Wire.Scan scan) {
    // In a merging scan each level answers its parent before the parent's own time is up.
    long childTimeout = scan.merge() ? Math.max(1, scan.timeoutMs() * 7 / 8) : scan.timeoutMs();
    List<CompletableFuture<TreeWalk.Outcome>> handOffs = TreeWalk.handOn(dht, scan.limit(),
        j -> scan.below(j, childTimeout).toJson(), answer -> answer.path("taken").asBoolean(false));
    return CompletableFuture.allOf(handOffs.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<NodeId> children = new ArrayList<>();
      List<Integer> childLimits = new ArrayList<>();
      int unreachable = 0;
      int again = 0;
      for (CompletableFuture<TreeWalk.Outcome> f : handOffs) {
        TreeWalk.Outcome h = f.join();
        if (h.to() == null) {
          unreachable++;
        } else if (h.again() && scan.merge() && h.unanswered() != null) {
          // The contact whose answer was lost took the subtree after all (the next one had the scan already, and only
          // this node hands that part of the id space out): its merged answer comes here.
          children.add(h.unanswered());
          childLimits.add(h.limit());
        } else if (h.again() && scan.merge()) {
          again++;
        } else {
          children.add(h.to());
          childLimits.add(h.limit());
        }
      }
      return new Handed(children, childLimits, unreachable, again);
    });
  }

  /**
   * This node's part of a scan, on worker tasks: reads the store a page at a time and evaluates its rows; when a page
   * of output is full it sends it and goes on only once the asking node answered (one page in flight; "no more" stops
   * the scan there, without a last page); at the end, once the scan was handed on, it sends its last page. Its tasks
   * run one at a time, each started by the one before (no locks), and never wait on a thread, so that it also runs on
   * a node's virtual-time scheduler ({@link QueryProvider#onScheduler}).
   */
  private final class LocalScan {
    private final Wire.Scan scan;
    private final long deadline;
    private final CompletableFuture<Handed> handed;
    /** In a merging scan, where this node's part goes; null otherwise (pages to the origin). */
    private final MergeReporter reporter;
    /** The nodes rows were left to, each with the oldest version (milliseconds) of the rows left to it. */
    private final Map<NodeId, Long> deferred = new LinkedHashMap<>();
    private final PageSender sender;
    private ScanSpec spec;
    private Outputs outputs;
    private Fragment fragment;
    private boolean keyed;
    /** For a top-k cut, this node's first rows; null otherwise. */
    private TopRows top;
    /** For aggregating scans while some node settles: contested rows' filter and projection, and their encoding. */
    private Fragment contested;
    private Outputs contestedOutputs;
    /**
     * In a join's rehashing walk (which counts the rows it sends as its aggregate): where the rows go, the output
     * columns of their join key, the rows' filter and projection and their encoding; null otherwise.
     */
    private Rehashing.Sender rehash;
    private List<Integer> rehashKeys;
    private Fragment rehashRows;
    private Outputs rehashOutputs;
    private Set<NodeId> exclude;
    private Set<NodeId> unsettled;
    private String ns;
    /** The store's next page; null once the store was read to its end. */
    private Scan next;
    /** The store page being read, if it was not read at once. */
    private CompletableFuture<Page<StoredObject>> reading;
    private List<StoredObject> items = List.of();
    private int at;
    private boolean finished;

    LocalScan(Wire.Scan scan, long deadline, CompletableFuture<Handed> handed, MergeReporter reporter) {
      this.scan = scan;
      this.deadline = deadline;
      this.handed = handed;
      this.reporter = reporter;
      this.sender = new PageSender(outbox, scan, scan.origin(), false, deadline);
    }

    void start() {
      try {
        spec = ScanSpec.fromJson(scan.spec());
        boolean here = !scan.exclude().contains(dht.self().id());
        if (here && !(spec.access() instanceof ScanSpec.Access.Full)) {
          throw new IllegalArgumentException("only full scans travel to the nodes");
        }
        if (!here) {
          last("");
          return;
        }
        ns = spec.table().rowNamespace();
        outputs = Outputs.of(spec);
        fragment = Fragment.of(spec);
        keyed = spec.aggregate().isEmpty();
        top = spec.topK().map(t -> new TopRows(t, outputs)).orElse(null);
        exclude = new HashSet<>(scan.exclude());
        unsettled = new HashSet<>(scan.unsettled());
        if (!keyed) {
          ScanSpec projection = Contested.projection(spec);
          contested = Fragment.of(projection);
          contestedOutputs = Outputs.of(projection);
        }
        if (scan.join() instanceof Wire.JoinStep.Rehash r) {
          if (keyed || top != null || r.keys().stream().anyMatch(k -> k >= spec.columns().size())) {
            throw new IllegalArgumentException("a rehashing walk counts the rows it sends, and its keys name output"
                + " columns");
          }
          ScanSpec rows = new ScanSpec(spec.table(), spec.access(), spec.filter(), spec.columns(), Optional.empty());
          rehash = rehashing.sender(scan.query(), r.salt(), deadline);
          rehashKeys = r.keys();
          rehashRows = Fragment.of(rows);
          rehashOutputs = Outputs.of(rows);
        }
        next = Scan.namespace(ns).limit(STORE_PAGE);
      } catch (RuntimeException e) {
        failed(e);
        return;
      }
      resume();
    }

    /** Evaluates rows until a page of output is full (sent; resumed from once answered) or the part is done. */
    private void resume() {
      try {
        while (!sender.ready() && (rehash == null || !rehash.ready())) {
          if (at < items.size()) {
            row(items.get(at++));
          } else if (reading != null || next != null) {
            if (reading == null) {
              if (scheduler.nanoTime() - deadline > 0) {
                throw new QueryException(QueryException.Reason.TIMEOUT, "scan ran out of time on node "
                    + dht.self().id().toHex());
              }
              reading = storage.lscan(next);
            }
            if (!reading.isDone()) {
              reading.whenCompleteAsync((p, e) -> resume(), workers);  // the node's loop was busy
              return;
            }
            Page<StoredObject> page = reading.join();
            reading = null;
            items = page.items();
            at = 0;
            next = page.next().orElse(null);
          } else if (!finished) {
            finished = true;
            if (top != null && reporter != null) {
              reporter.part.ownRows(top.rows());
            } else if (top != null) {
              top.rows().forEach(sender::add);
            } else if (rehash != null && !rehash.closed()) {
              // Every row's batch answered before this node counts them: its count then says they arrived.
              finished = false;
              rehash.close();
            } else if (reporter != null) {
              fragment.finish(reporter.part::own);
            } else {
              fragment.finish(out -> sender.add(outputs.encode(out)));
            }
          } else {
            last("");
            return;
          }
        }
      } catch (RuntimeException e) {
        failed(e);
        return;
      }
      if (rehash != null && rehash.ready()) {
        rehash.flush().thenAcceptAsync(refused -> {
          if (refused.isEmpty()) {
            resume();
          } else {
            last(refused);
          }
        }, workers);
        return;
      }
      sender.flush().thenAcceptAsync(more -> {
        if (more) {
          resume();
        }
      }, workers);
    }

    private void row(StoredObject o) {
      Object[] row;
      try {
        row = RowCodec.fromJson(spec.table(), o.value());
      } catch (IllegalArgumentException e) {
        counters.malformedRows.incrementAndGet();
        return;
      }
      counters.rowsScanned.incrementAndGet();
      Holders.Holder h = Holders.of(dht, ns, o.key(), exclude, unsettled);
      if (h.closer() != null) {
        deferred.merge(h.closer(), o.version().millis(), Math::min);
        counters.rowsDeferred.incrementAndGet();
        return;
      }
      if (top != null) {
        fragment.add(row, out -> top.offer(o.key(), o.version(), out));
      } else if (rehash != null) {
        // Rows near a settling node go like the others: the node that joins them keeps each once by key.
        rehashRows.add(row, out -> Rehashing.joinKey(out, rehashKeys)
            .ifPresent(k -> rehash.add(k, keyedRow(o, rehashOutputs.encode(out)))));
        fragment.add(row, out -> sender.add(outputs.encode(out)));
      } else if (keyed) {
        fragment.add(row, out -> sender.add(keyedRow(o, outputs.encode(out))));
      } else if (h.contested()) {
        contested.add(row, out -> {
          counters.rowsContested.incrementAndGet();
          ArrayNode r = keyedRow(o, contestedOutputs.encode(out));
          if (reporter != null) {
            reporter.part.ownContested(r);
          } else {
            sender.addContested(r);
          }
        });
      } else {
        fragment.add(row, out -> sender.add(outputs.encode(out)));
      }
    }

    private static ArrayNode keyedRow(StoredObject o, ArrayNode values) {
      return F.arrayNode().add(o.key()).add(o.version().toString()).add(values);
    }

    private void failed(RuntimeException e) {
      if (e instanceof QueryException q) {
        last(q.reason() + ": " + q.getMessage());
      } else if (e instanceof IllegalArgumentException) {
        last(QueryException.Reason.INVALID + ": " + e.getMessage());
      } else if (closing(e)) {
        // This node is leaving: it answers nothing, as a node that left; its part is missing, not the statement failed.
        LOG.debug("scan {} stopped here: the node is closing", scan.query());
      } else {
        LOG.warn("scan {} failed here", scan.query(), e);
        last(QueryException.Reason.UNAVAILABLE + ": " + e);
      }
    }

    private static boolean closing(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof WeftException && "node closed".equals(t.getMessage())) {
          return true;
        }
      }
      return false;
    }

    /**
     * The last page, once the scan was handed on. Out of time before that, the subtrees below count as unreached (the
     * answer is incomplete, or partial if the caller allows), not as a failure of the whole statement.
     */
    private void last(String error) {
      if (reporter != null) {
        // Out of time here: this node's rows are missing from the merged answer, which its account says.
        boolean timedOut = error.startsWith(QueryException.Reason.TIMEOUT + ":");
        reporter.part.local(error.isEmpty(), deferred, settling.now(), timedOut ? "" : error);
        reporter.check();
        return;
      }
      sendLast(sender, handed, deadline, deferred, error);
    }
  }

  /**
   * Sends a node's last page to the origin once the scan was handed on (or its time is up: then the subtrees below
   * count as unreached).
   */
  private void sendLast(PageSender sender, CompletableFuture<Handed> handed, long deadline,
      Map<NodeId, Long> deferred, String error) {
    Handed none = new Handed(List.of(), List.of(), 1, 0);
    CompletableFuture<Handed> h = new CompletableFuture<>();
    handed.whenComplete((x, e) -> h.complete(e == null ? x : none));
    Scheduler.Cancellable timer = scheduler.schedule(() -> h.complete(none),
        Math.max(1, deadline - scheduler.nanoTime()), TimeUnit.NANOSECONDS);
    h.thenAcceptAsync(x -> {
      timer.cancel();
      Settling.State now = settling.now();
      sender.last(new Wire.End(x.children(), x.unreachable(), deferred, now.since(), now.settlesInMillis(), error));
    }, workers);
  }
}
