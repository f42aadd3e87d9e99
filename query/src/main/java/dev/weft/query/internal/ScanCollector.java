package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.query.Coverage;
import dev.weft.query.QueryException;
import dev.weft.query.data.ScanSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The asking node's record of one scan attempt: the pages that arrived, which nodes the scan was handed to (from their
 * last pages), which have finished, and the rows. Rows are held until the scan is complete, so that a scan that fails or
 * is run again never shows half its rows. Rows of scans without aggregates carry their key and version, and a key met
 * twice (two holders each thought itself responsible) is kept once, the newest, and counted; so do the contested rows
 * of aggregating scans ({@link Contested}), which are aggregated here once each.
 *
 * <p>Pages arrive on the plugin's worker threads; thread-safe.
 */
final class ScanCollector {
  /** A row with the key and version it was stored under. */
  record KeyedRow(String key, Version version, Object[] values) {}

  private final String query;
  private final NodeId self;
  private final ScanSpec spec;
  private final Outputs outputs;
  /** Contested rows' encoding, for aggregating scans; null otherwise. */
  private final Outputs contestedOutputs;
  private final boolean keyed;
  private final long maxRows;
  private final long maxBytes;
  private final Counters counters;
  private final Set<NodeId> expected = new HashSet<>();
  private final Set<NodeId> finished = new HashSet<>();
  /** The nodes rows were left to, each with the oldest version (milliseconds) of the rows any node left to it. */
  private final Map<NodeId, Long> deferredTo = new HashMap<>();
  /** The nodes that answered while still settling after their join. */
  private final Map<NodeId, Settling.State> settling = new HashMap<>();
  /** Per node, the sequence number of the next page it has not sent yet: one below it is a copy. */
  private final Map<NodeId, Integer> nextPage = new HashMap<>();
  private final Map<String, KeyedRow> byKey = new LinkedHashMap<>();
  private final Map<String, KeyedRow> contested = new LinkedHashMap<>();
  private final List<Object[]> partials = new ArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int unreachable;
  /** A merging scan's account of the whole tree, from this node's own last page; null otherwise. */
  private Wire.Subtree merged;
  private long rows;
  private long bytes;

  private QueryException failure;
  private boolean closed;

  ScanCollector(String query, ScanSpec spec, NodeId self, long maxRows, long maxBytes, Counters counters) {
    this.query = query;
    this.self = self;
    this.spec = spec;
    this.outputs = Outputs.of(spec);
    this.keyed = spec.aggregate().isEmpty();
    this.contestedOutputs = keyed ? null : Outputs.of(Contested.projection(spec));
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.counters = counters;
    expected.add(self);
  }

  String query() {
    return query;
  }

  /** Completes when every node the scan reached has sent its last page, or the scan failed. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** Takes one page; answers whether its sender should send more. */
  synchronized boolean accept(Wire.Rows page) {
    if (closed || finished.contains(page.from())) {
      return false;
    }
    // A page taken already comes again when its answer was lost (the channel's retransmission, or the node sending it
    // once more): taking it twice would count its rows twice.
    int next = nextPage.getOrDefault(page.from(), 0);
    if (page.seq() < next) {
      counters.pagesRepeated.incrementAndGet();
      return true;
    }
    nextPage.put(page.from(), page.seq() + 1);
    try {
      for (JsonNode r : page.rows()) {
        count(r);
        if (keyed) {
          keep(byKey, outputs, r);
        } else {
          partials.add(outputs.decode(r));
        }
      }
      for (JsonNode r : page.contested()) {
        count(r);
        keep(keyed ? byKey : contested, keyed ? outputs : contestedOutputs, r);
      }
    } catch (IllegalArgumentException e) {
      fail(new QueryException(QueryException.Reason.UNAVAILABLE, "node " + page.from().toHex()
          + " sent a malformed page: " + e.getMessage(), e));
      return false;
    } catch (QueryException e) {
      fail(e);
      return false;
    }
    if (!page.last()) {
      return true;
    }
    Wire.End end = page.end();
    if (!end.error().isEmpty()) {
      QueryException e = nodeError(page.from(), end.error());
      if (e.reason() != QueryException.Reason.TIMEOUT) {
        fail(e);
        return false;
      }
      // Out of the statement's time there: that node's part is missing, which the coverage says (INCOMPLETE, or a
      // partial answer if asked for); not a failure of the statement on its own.
      expected.addAll(end.children());
      unreachable += end.unreachable();
      return true;
    }
    finished.add(page.from());
    if (end.subtree() != null && page.from().equals(self)) {
      merged = end.subtree();
    }
    expected.addAll(end.children());
    unreachable += end.unreachable();
    end.deferred().forEach((to, oldest) -> deferredTo.merge(to, oldest, Math::min));
    if (end.since() > 0) {
      settling.put(page.from(), new Settling.State(end.since(), end.settlesInMillis()));
    }
    if (finished.containsAll(expected)) {
      closed = true;
      done.complete(null);
    }
    return true;
  }

  /** Counts one arriving row against the caps. */
  private void count(JsonNode r) {
    bytes += r.toString().length();
    if (++rows > maxRows || bytes > maxBytes) {
      throw new QueryException(QueryException.Reason.TOO_LARGE, "the scan's answer is over the limit of "
          + maxRows + " rows or " + maxBytes + " bytes (weft.query.max-rows, weft.query.max-bytes)");
    }
  }

  private void keep(Map<String, KeyedRow> into, Outputs outputs, JsonNode r) {
    if (!r.isArray() || r.size() != 3 || !r.get(0).isTextual() || !r.get(1).isTextual()) {
      throw new IllegalArgumentException("a row must be [key, version, values]");
    }
    KeyedRow row = new KeyedRow(r.get(0).textValue(), Version.parse(r.get(1).textValue()), outputs.decode(r.get(2)));
    KeyedRow had = into.putIfAbsent(row.key(), row);
    if (had != null) {
      counters.duplicatesDropped.incrementAndGet();
      if (had.version().compareTo(row.version()) < 0) {
        into.put(row.key(), row);
      }
    }
  }

  private static QueryException nodeError(NodeId from, String error) {
    int colon = error.indexOf(": ");
    QueryException.Reason reason = QueryException.Reason.UNAVAILABLE;
    String message = error;
    if (colon > 0) {
      try {
        reason = QueryException.Reason.valueOf(error.substring(0, colon));
        message = error.substring(colon + 2);
      } catch (IllegalArgumentException e) {
        // not one of ours: keep the whole text
      }
    }
    return new QueryException(reason, message + " (on node " + from.toHex().substring(0, 8) + ")");
  }

  synchronized void fail(QueryException e) {
    if (failure == null) {
      failure = e;
    }
    closed = true;
    done.complete(null);
  }

  /** Stops taking pages (the senders are told "no more" at their next page). */
  synchronized void close() {
    closed = true;
  }

  /** The failure of the scan, if one node's part failed or the answer was too large. */
  synchronized QueryException failure() {
    return failure;
  }

  /** Nodes rows were deferred to that did not answer: their rows are missing. */
  synchronized Set<NodeId> missingHolders() {
    if (merged != null) {
      return new HashSet<>(merged.silent());
    }
    Set<NodeId> out = new HashSet<>(deferredTo.keySet());
    out.removeAll(finished);
    return out;
  }

  /** In a merging scan, the deferrals no node could check (a scan without merging can); 0 otherwise. */
  synchronized int unchecked() {
    return merged == null ? 0 : merged.unchecked();
  }

  /**
   * Nodes that answered while still settling after their join and were left rows written before it (or about then):
   * the hand-off may not have brought those rows yet, so they may be missing.
   */
  synchronized Set<NodeId> unsettledHolders() {
    if (merged != null) {
      return new HashSet<>(merged.flagged().keySet());
    }
    Set<NodeId> out = new HashSet<>();
    deferredTo.forEach((to, oldest) -> {
      Settling.State s = settling.get(to);
      if (s != null && s.mayLack(oldest)) {
        out.add(to);
      }
    });
    return out;
  }

  /** The nodes that answered while still settling, each with how long it still settles. */
  synchronized Map<NodeId, Long> settlingNodes() {
    Map<NodeId, Long> out = new HashMap<>();
    if (merged != null) {
      if (merged.members() != null) {
        merged.members().forEach(m -> {
          if (m.state().since() > 0) {
            out.put(m.id(), m.state().settlesInMillis());
          }
        });
      }
      merged.flagged().forEach((id, s) -> out.put(id, s.settlesInMillis()));
      return out;
    }
    settling.forEach((id, s) -> out.put(id, s.settlesInMillis()));
    return out;
  }

  /** Whether every node the scan was handed to sent its last page. */
  synchronized boolean allAnswered() {
    return finished.containsAll(expected) && (merged == null || merged.answered() == merged.nodes());
  }

  /** For errors: who is missing and why. */
  synchronized String shortfall() {
    if (merged != null) {
      return (merged.nodes() - merged.answered()) + " nodes did not answer, " + unreachable + " parts of the network"
          + " were unreachable, " + merged.silent().size() + " nodes rows were left to did not answer, "
          + merged.flagged().size() + " nodes rows were left to had just joined and may not hold them yet, "
          + merged.unchecked() + " nodes rows were left to could not be checked";
    }
    Set<NodeId> missing = new HashSet<>(expected);
    missing.removeAll(finished);
    return missing.size() + " nodes did not answer, " + unreachable + " parts of the network were unreachable, "
        + missingHolders().size() + " nodes rows were left to did not answer, " + unsettledHolders().size()
        + " nodes rows were left to had just joined and may not hold them yet";
  }

  synchronized Coverage coverage() {
    if (merged != null) {
      boolean complete = merged.answered() == merged.nodes() && unreachable == 0 && merged.silent().isEmpty()
          && merged.flagged().isEmpty() && merged.unchecked() == 0 && deferredTo.isEmpty();
      return new Coverage(merged.nodes() + unreachable, merged.answered(), complete);
    }
    boolean complete = finished.containsAll(expected) && unreachable == 0 && finished.containsAll(deferredTo.keySet())
        && unsettledHolders().isEmpty();
    // Nodes can answer that no last page named (a hand-off whose answer was lost, the next contact taking it too):
    // they count among the nodes, so that "answered" is never more than "nodes".
    Set<NodeId> all = new HashSet<>(expected);
    all.addAll(finished);
    return new Coverage(all.size() + unreachable, finished.size(), complete);
  }

  /** Rows taken so far, each copy of a row that two holders sent counted (a page sent again is taken once). */
  synchronized long rowsReceived() {
    return rows;
  }

  /** The rows: keyed rows with their keys, or partial aggregates. */
  synchronized List<KeyedRow> keyedRows() {
    return new ArrayList<>(byKey.values());
  }

  synchronized List<Object[]> rows() {
    if (!keyed) {
      List<Object[]> out = new ArrayList<>(partials);
      if (!contested.isEmpty()) {
        List<Object[]> values = new ArrayList<>(contested.size());
        contested.values().forEach(r -> values.add(r.values()));
        out.addAll(Contested.partials(spec, values));
      }
      return out;
    }
    List<Object[]> out = new ArrayList<>(byKey.size());
    byKey.values().forEach(r -> out.add(r.values()));
    return out;
  }
}
