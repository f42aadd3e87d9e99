package dev.weft.query.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nodes that held rows of this node's earlier join batches (their answers name them), kept by bucket as a routing
 * table would be, the most recently learned {@link #PER_BUCKET} of each: a first hop that is the closest node to a hash
 * more often than the routing table's contact. A routing table keeps the oldest contacts of a full bucket, the same
 * few for every node, which then take the first hop of every row for that part of the id space (docs/query.md, "Joins
 * that rehash"). Thread-safe.
 */
final class LearnedHolders {
  /** Holders kept per bucket. */
  static final int PER_BUCKET = 64;

  private final NodeId self;
  private final Map<Integer, LinkedHashMap<NodeId, Contact>> buckets = new HashMap<>();

  LearnedHolders(NodeId self) {
    this.self = self;
  }

  /** Remembers {@code c} as a holder (itself excluded), the oldest of its bucket forgotten past the limit. */
  synchronized void add(Contact c) {
    int b = self.bucketIndex(c.id());
    if (b < 0) {
      return;
    }
    LinkedHashMap<NodeId, Contact> bucket = buckets.computeIfAbsent(b, x -> new LinkedHashMap<>(16, 0.75f, true));
    bucket.put(c.id(), c);
    if (bucket.size() > PER_BUCKET) {
      bucket.remove(bucket.keySet().iterator().next());
    }
  }

  /** Forgets a holder that did not answer. */
  synchronized void forget(NodeId id) {
    int b = self.bucketIndex(id);
    LinkedHashMap<NodeId, Contact> bucket = buckets.get(b);
    if (bucket != null) {
      bucket.remove(id);
    }
  }

  /**
   * The learned holder closest to {@code hash}, not in {@code avoid}, if it is closer than this node: only holders in
   * the hash's bucket can be.
   */
  synchronized Contact closest(NodeId hash, Set<NodeId> avoid) {
    LinkedHashMap<NodeId, Contact> bucket = buckets.get(self.bucketIndex(hash));
    if (bucket == null) {
      return null;
    }
    Contact best = null;
    for (Contact c : bucket.values()) {
      if (!avoid.contains(c.id()) && (best == null ? hash.compareDistance(c.id(), self) < 0
          : hash.compareDistance(c.id(), best.id()) < 0)) {
        best = c;
      }
    }
    return best;
  }

  /** Every holder kept, for tests. */
  synchronized List<Contact> all() {
    List<Contact> out = new ArrayList<>();
    buckets.values().forEach(b -> out.addAll(b.values()));
    return out;
  }
}
