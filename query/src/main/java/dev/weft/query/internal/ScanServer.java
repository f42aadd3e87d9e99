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
import dev.weft.api.util.TokenBucket;
import dev.weft.query.QueryException;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.Fragment;
import dev.weft.query.row.RowCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * evaluated on the plugin's worker threads.
 */
final class ScanServer {
  private static final Logger LOG = LoggerFactory.getLogger(ScanServer.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Contacts of one bucket tried before its subtree counts as unreachable. */
  private static final int SUBTREE_TRIES = 3;
  /** Rows read from the store per local page. */
  private static final int STORE_PAGE = 1000;

  /** Sends a page of a scan's answer to its asking node. */
  @FunctionalInterface
  interface Pages {
    /** Completes with whether the asking node wants more (false: stop; it ended or cancelled the scan). */
    CompletableFuture<Boolean> send(Contact origin, Wire.Rows page);
  }

  private final Dht dht;
  private final Storage storage;
  private final Scheduler scheduler;
  private final Executor workers;
  private final Pages pages;
  private final Counters counters;
  private final int pageBytes;
  private final int perOriginRate;
  private final RecentIds seen = new RecentIds(4096);
  private final Map<NodeId, TokenBucket> perOrigin = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, TokenBucket> eldest) {
      return size() > 1024;
    }
  };

  ScanServer(Dht dht, Storage storage, Scheduler scheduler, Executor workers, Pages pages, Counters counters,
      int pageBytes, int perOriginRate) {
    this.dht = dht;
    this.storage = storage;
    this.scheduler = scheduler;
    this.workers = workers;
    this.pages = pages;
    this.counters = counters;
    this.pageBytes = pageBytes;
    this.perOriginRate = perOriginRate;
  }

  /** A scan handed to this node by its parent (or started here): answers at once whether it was taken. */
  CompletableFuture<JsonNode> onScan(Wire.Scan scan) {
    if (!seen.firstTime(scan.query())) {
      return CompletableFuture.completedFuture(Wire.taken(true));
    }
    if (!allowed(scan.origin().id())) {
      counters.scansRefused.incrementAndGet();
      seen.forget(scan.query());
      return CompletableFuture.completedFuture(Wire.taken(false));
    }
    counters.scansServed.incrementAndGet();
    long deadline = scheduler.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scan.timeoutMs());
    CompletableFuture<Handed> handed = forward(scan);
    workers.execute(() -> scanHere(scan, deadline, handed));
    return CompletableFuture.completedFuture(Wire.taken(true));
  }

  private boolean allowed(NodeId origin) {
    long now = scheduler.nanoTime();
    synchronized (perOrigin) {
      return perOrigin.computeIfAbsent(origin, o -> new TokenBucket(perOriginRate, 2.0 * perOriginRate, now))
          .tryTake(now);
    }
  }

  /** Where the scan went from here. */
  private record Handed(List<NodeId> children, int unreachable) {}

  private CompletableFuture<Handed> forward(Wire.Scan scan) {
    List<List<Contact>> buckets = dht.buckets();
    List<CompletableFuture<NodeId>> handOffs = new ArrayList<>();
    for (int j = Math.min(scan.limit(), NodeId.BITS) - 1; j >= 0; j--) {
      List<Contact> bucket = new ArrayList<>(buckets.get(j));
      if (!bucket.isEmpty()) {
        Collections.reverse(bucket);  // most recently heard from first
        handOffs.add(handOff(bucket, 0, scan.below(j).toJson()));
      }
    }
    return CompletableFuture.allOf(handOffs.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<NodeId> children = new ArrayList<>();
      int unreachable = 0;
      for (CompletableFuture<NodeId> f : handOffs) {
        NodeId child = f.join();
        if (child == null) {
          unreachable++;
        } else {
          children.add(child);
        }
      }
      return new Handed(children, unreachable);
    });
  }

  /** The id of the contact that took the subtree, or null when none did. */
  private CompletableFuture<NodeId> handOff(List<Contact> bucket, int attempt, JsonNode body) {
    if (attempt >= Math.max(bucket.size(), SUBTREE_TRIES)) {
      return CompletableFuture.completedFuture(null);
    }
    Contact to = bucket.get(attempt % bucket.size());
    return dht.request(to, Wire.CHANNEL, body).handle((answer, error) ->
        error == null && answer.path("taken").asBoolean(false) ? CompletableFuture.completedFuture(to.id())
            : handOff(bucket, attempt + 1, body)).thenCompose(f -> f);
  }

  /** On a worker thread: this node's part of the scan, then its last page. */
  private void scanHere(Wire.Scan scan, long deadline, CompletableFuture<Handed> handed) {
    Set<NodeId> deferred = new LinkedHashSet<>();
    PageSender sender = new PageSender(scan);
    String error = "";
    try {
      ScanSpec spec = ScanSpec.fromJson(scan.spec());
      if (!scan.exclude().contains(dht.self().id()) && !(spec.access() instanceof ScanSpec.Access.Full)) {
        throw new IllegalArgumentException("only full scans travel to the nodes");
      }
      if (!scan.exclude().contains(dht.self().id())) {
        scanStore(spec, new HashSet<>(scan.exclude()), deadline, sender, deferred);
      }
    } catch (QueryException e) {
      error = e.reason() + ": " + e.getMessage();
    } catch (IllegalArgumentException e) {
      error = QueryException.Reason.INVALID + ": " + e.getMessage();
    } catch (StopException e) {
      return;  // the asking node ended the scan: it wants nothing more, not even a last page
    } catch (RuntimeException e) {
      LOG.warn("scan {} failed here", scan.query(), e);
      error = QueryException.Reason.UNAVAILABLE + ": " + e;
    }
    Handed h;
    try {
      h = handed.get(Math.max(1, deadline - scheduler.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // Out of time before the subtrees below were handed on: they count as unreached (the answer is incomplete, or
      // partial if the caller allows), not as a failure of the whole statement.
      h = new Handed(List.of(), 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    sender.last(h.children(), h.unreachable(), new ArrayList<>(deferred), error);
  }

  /** Thrown inside a scan when the asking node said "no more". */
  private static final class StopException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopException() {
      super(null, null, false, false);
    }
  }

  private void scanStore(ScanSpec spec, Set<NodeId> exclude, long deadline, PageSender sender, Set<NodeId> deferred) {
    String ns = spec.table().rowNamespace();
    Outputs outputs = Outputs.of(spec);
    Fragment fragment = Fragment.of(spec);
    boolean keyed = spec.aggregate().isEmpty();
    NodeId self = dht.self().id();
    Scan next = Scan.namespace(ns).limit(STORE_PAGE);
    while (next != null) {
      if (scheduler.nanoTime() - deadline > 0) {
        throw new QueryException(QueryException.Reason.TIMEOUT, "scan ran out of time on node " + self.toHex());
      }
      Page<StoredObject> page = storage.lscan(next).join();
      for (StoredObject o : page.items()) {
        Object[] row;
        try {
          row = RowCodec.fromJson(spec.table(), o.value());
        } catch (IllegalArgumentException e) {
          counters.malformedRows.incrementAndGet();
          continue;
        }
        counters.rowsScanned.incrementAndGet();
        NodeId closer = closerHolder(ns, o.key(), self, exclude);
        if (closer != null) {
          deferred.add(closer);
          counters.rowsDeferred.incrementAndGet();
          continue;
        }
        fragment.add(row, out -> sender.add(keyed
            ? F.arrayNode().add(o.key()).add(o.version().toString()).add(outputs.encode(out)) : outputs.encode(out)));
      }
      next = page.next().orElse(null);
    }
    fragment.finish(out -> sender.add(outputs.encode(out)));
  }

  /**
   * The responsible-holder rule: the closest node this node knows to the row's id, not excluded, if it is closer than
   * this node (then this node defers the row to it); null when this node is the one to report it.
   */
  private NodeId closerHolder(String ns, String key, NodeId self, Set<NodeId> exclude) {
    NodeId id = dht.keyId(ns, key);
    for (Contact c : dht.closestKnown(id, exclude.size() + 1)) {
      if (!exclude.contains(c.id())) {
        return id.compareDistance(c.id(), self) < 0 ? c.id() : null;
      }
    }
    return null;
  }

  /** Collects output rows into pages and sends each, waiting for the asking node's answer before going on. */
  private final class PageSender {
    private final Wire.Scan scan;
    private ArrayNode rows = F.arrayNode();
    private int bytes;
    private int seq;

    PageSender(Wire.Scan scan) {
      this.scan = scan;
    }

    void add(ArrayNode row) {
      rows.add(row);
      bytes += row.toString().length() + 1;
      counters.rowsSent.incrementAndGet();
      if (bytes >= pageBytes) {
        if (!send(new Wire.Rows(scan.query(), dht.self().id(), seq++, rows, false, List.of(), 0, List.of(), ""))) {
          throw new StopException();
        }
        rows = F.arrayNode();
        bytes = 0;
      }
    }

    void last(List<NodeId> children, int unreachable, List<NodeId> deferred, String error) {
      send(new Wire.Rows(scan.query(), dht.self().id(), seq++, error.isEmpty() ? rows : F.arrayNode(), true, children,
          unreachable, deferred, error));
    }

    private boolean send(Wire.Rows page) {
      try {
        return pages.send(scan.origin(), page).get(scan.timeoutMs(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        LOG.debug("scan {}: the asking node did not take a page", scan.query(), e);
        return false;
      }
    }
  }
}
