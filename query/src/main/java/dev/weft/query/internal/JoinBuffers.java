package dev.weft.query.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.api.spi.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows other nodes' scans sent to this node for joins that rehash both sides (docs/query.md, "Joins that rehash"),
 * by the rehashing walk that sent them, until the join's probe walk reads them or they expire (the statement's time,
 * counted from the last batch): nothing is written to the store, so nothing outlives a failed join for long. A row met
 * twice (two holders each thought itself responsible, or a second attempt) is kept once by key, the newest; every
 * arrival is counted, as its sender counted it. At most {@code maxBytes} of rows at once, over every join.
 *
 * <p>Thread-safe; called on the plugin's workers and the node's event thread.
 */
final class JoinBuffers {
  /** One row as held: its join key (canonical JSON), and {@code [key, version, values]}. */
  record Held(String joinKey, ArrayNode row) {}

  /** Rows of both sides with one join key: a group of the probe's pairs. */
  record Group(List<ArrayNode> left, List<ArrayNode> right) {}

  /** What a probe found here: the groups with rows on both sides, and the rows each side brought. */
  record Probed(List<Group> groups, long left, long right) {}

  private final Scheduler scheduler;
  private final long maxBytes;
  private final Counters counters;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, Walk> walks = new HashMap<>();
  private long bytes;
  /** Whether a sweep is scheduled. */
  private boolean sweeping;

  /** The rows one rehashing walk left here. */
  private static final class Walk {
    final Map<String, Map<String, ArrayNode>> byJoinKey = new HashMap<>();
    final Set<String> batches = new HashSet<>();
    long received;
    long bytes;
    long expires;
  }

  JoinBuffers(Scheduler scheduler, long maxBytes, Counters counters) {
    this.scheduler = scheduler;
    this.maxBytes = maxBytes;
    this.counters = counters;
  }

  /** A sequence number for a batch this node sends, unique on this node. */
  long nextSeq() {
    return seq.getAndIncrement();
  }

  /**
   * Whether batch {@code seq} of {@code from} for walk {@code query} arrives for the first time: a copy (its answer was
   * lost and it was sent again) is answered without being taken twice.
   */
  synchronized boolean first(String query, NodeId from, long seq, long ttlNanos) {
    expire();
    return walk(query, ttlNanos).batches.add(from.toHex() + "/" + seq);
  }

  /**
   * Holds {@code rows} of walk {@code query} for {@code ttlNanos} at least.
   *
   * @return empty, or why they were refused (the node's share of join rows is full): then none is held
   */
  synchronized String keep(String query, long ttlNanos, List<Held> rows) {
    expire();
    long size = 0;
    for (Held h : rows) {
      size += h.joinKey().length() + h.row().toString().length();
    }
    if (bytes + size > maxBytes) {
      counters.rowsRehashRefused.addAndGet(rows.size());
      return "TOO_LARGE: a join's rows are over this node's " + maxBytes + " bytes for joins"
          + " (weft.query.join-buffer-bytes)";
    }
    Walk w = walk(query, ttlNanos);
    bytes += size;
    w.bytes += size;
    for (Held h : rows) {
      w.received++;
      Map<String, ArrayNode> group = w.byJoinKey.computeIfAbsent(h.joinKey(), k -> new LinkedHashMap<>());
      String key = h.row().get(0).textValue();
      ArrayNode had = group.putIfAbsent(key, h.row());
      if (had != null && version(had).compareTo(version(h.row())) < 0) {
        group.put(key, h.row());
      }
    }
    return "";
  }

  private static Version version(ArrayNode row) {
    return Version.parse(row.get(1).textValue());
  }

  /** The pairs of rows walks {@code left} and {@code right} left here, by join key; a walk none reached here is empty. */
  synchronized Probed probe(String left, String right) {
    expire();
    Walk l = walks.get(left);
    Walk r = walks.get(right);
    List<Group> groups = new ArrayList<>();
    if (l != null && r != null) {
      l.byJoinKey.forEach((key, rows) -> {
        Map<String, ArrayNode> other = r.byJoinKey.get(key);
        if (other != null) {
          groups.add(new Group(List.copyOf(rows.values()), List.copyOf(other.values())));
        }
      });
    }
    return new Probed(groups, l == null ? 0 : l.received, r == null ? 0 : r.received);
  }

  /** Bytes of rows held, over every join. */
  synchronized long bytes() {
    return bytes;
  }

  private Walk walk(String query, long ttlNanos) {
    long until = scheduler.nanoTime() + ttlNanos;
    Walk w = walks.get(query);
    if (w == null) {
      w = new Walk();
      w.expires = until;
      walks.put(query, w);
    } else if (until - w.expires > 0) {
      w.expires = until;
    }
    if (!sweeping) {
      // Dropped when due even if no other join comes by to sweep.
      sweeping = true;
      scheduler.schedule(this::sweep, ttlNanos + 1, TimeUnit.NANOSECONDS);
    }
    return w;
  }

  private synchronized void sweep() {
    expire();
    sweeping = false;
    long now = scheduler.nanoTime();
    walks.values().stream().mapToLong(w -> w.expires - now).min().ifPresent(next -> {
      sweeping = true;
      scheduler.schedule(this::sweep, Math.max(1, next + 1), TimeUnit.NANOSECONDS);
    });
  }

  private void expire() {
    long now = scheduler.nanoTime();
    walks.values().removeIf(w -> {
      if (w.expires - now > 0) {
        return false;
      }
      bytes -= w.bytes;
      return true;
    });
  }
}
