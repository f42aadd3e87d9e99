package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.weft.api.NodeId;
import dev.weft.api.Version;
import dev.weft.query.QueryException;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.Fragment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's part of a scan whose answers merge up the tree (docs/query.md, "Aggregates merge up the tree"): the merge
 * of this node's partial aggregates and those of every subtree below it (or, for a top-k cut, the first rows of them
 * all), the contested rows once each by key, and the subtree's account ({@link Wire.Subtree}). Deferrals to nodes inside this node's part of the id space
 * are settled here, against the nodes that answered below; the others go up with the report.
 *
 * <p>Fed from the node's local scan and its children's {@code part} pages, on worker threads; thread-safe. {@link
 * #report} is taken once, when {@link #complete} or when the node's time for its answer is up.
 */
final class MergedPart {
  /** A node this one handed the scan to, with the limit it handed (its part of the id space). */
  record Child(NodeId id, int limit) {}

  /** What goes to the parent: output rows as they travel, contested rows, and the last page's account. */
  record Report(List<ArrayNode> rows, List<ArrayNode> contested, Wire.End end) {}

  private final NodeId self;
  private final int limit;
  private final long maxGroups;
  private final Outputs outputs;
  /** The merged partial aggregates; null for a top-k cut. */
  private final Fragment merged;
  /** The first rows of a top-k cut; null for aggregates. */
  private final TopRows top;
  private final Map<String, ArrayNode> contested = new LinkedHashMap<>();
  private final Map<NodeId, Integer> nextPage = new HashMap<>();
  /** Children (and nodes that answered here without being handed the scan by this node) that sent their last page. */
  private final Map<NodeId, Wire.End> finished = new LinkedHashMap<>();
  private List<Child> children;
  private int unreachable;
  private int again;
  private boolean localDone;
  private boolean ownAnswered;
  private Settling.State ownState = Settling.State.SETTLED;
  private final Map<NodeId, Long> ownDeferred = new LinkedHashMap<>();
  private String error = "";
  private boolean reported;

  MergedPart(NodeId self, int limit, ScanSpec spec, long maxGroups) {
    this.self = self;
    this.limit = limit;
    this.maxGroups = maxGroups;
    this.outputs = Outputs.of(spec);
    if (spec.topK().isPresent()) {
      this.top = new TopRows(spec.topK().get(), outputs);
      this.merged = null;
    } else {
      this.top = null;
      this.merged = Fragment.of(new ScanSpec(spec.table(), spec.access(), Optional.empty(), List.of(),
          spec.aggregate()));
    }
  }

  /**
   * Where this node handed the scan: the children whose answers it waits for, the subtrees no contact took, and the
   * subtrees whose contact had the scan from another node already. The last happens only when a hand-off's answer was
   * lost and the next contact of the bucket took it too: two nodes then cover one part of the id space, each node's
   * answer goes to whichever reached it first, and what this node hears cannot show whether every part arrived. Each
   * counts as an unchecked deferral, so that the origin asks again without merging.
   */
  synchronized void handed(List<Child> children, int unreachable, int again) {
    this.children = List.copyOf(children);
    this.unreachable = unreachable;
    this.again = again;
  }

  /** One of this node's own partial rows. */
  synchronized void own(Object[] partial) {
    mergeRow(partial);
  }

  /** This node's own first rows of a top-k cut, each {@code [key, version, values]}. */
  synchronized void ownRows(List<ArrayNode> rows) {
    rows.forEach(top::offer);
  }

  /** One of this node's own contested rows, {@code [key, version, values]}. */
  synchronized void ownContested(ArrayNode row) {
    keep(row);
  }

  /**
   * This node's own part ended.
   *
   * @param answered whether its rows are in (false: it ran out of time, or failed with {@code error})
   * @param deferred the nodes it left rows to, each with the oldest version of those rows
   * @param state its settling state
   * @param error a failure of the whole statement (not a timeout), or empty
   */
  synchronized void local(boolean answered, Map<NodeId, Long> deferred, Settling.State state, String error) {
    localDone = true;
    ownAnswered = answered;
    ownState = state;
    if (answered) {
      deferred.forEach((to, oldest) -> ownDeferred.merge(to, oldest, Math::min));
    }
    fail(error);
  }

  /** Takes one page from a node below; answers whether it should send more. */
  synchronized boolean accept(Wire.Rows page) {
    if (reported || finished.containsKey(page.from())) {
      return false;
    }
    int next = nextPage.getOrDefault(page.from(), 0);
    if (page.seq() < next) {
      return true;  // a copy of a page taken already
    }
    nextPage.put(page.from(), page.seq() + 1);
    try {
      for (JsonNode r : page.rows()) {
        if (top != null) {
          top.offer(r);
        } else {
          mergeRow(outputs.decode(r));
        }
      }
      for (JsonNode r : page.contested()) {
        if (!r.isArray() || r.size() != 3 || !r.get(0).isTextual() || !r.get(1).isTextual()) {
          throw new IllegalArgumentException("a contested row must be [key, version, values]");
        }
        Version.parse(r.get(1).textValue());
        keep((ArrayNode) r);
      }
    } catch (IllegalArgumentException e) {
      fail(QueryException.Reason.UNAVAILABLE + ": node " + page.from().toHex() + " sent a malformed page: "
          + e.getMessage());
      return false;
    }
    if (page.last()) {
      finished.put(page.from(), page.end());
      String e = page.end().error();
      if (!e.isEmpty() && !e.startsWith(QueryException.Reason.TIMEOUT + ":")) {
        fail(e);
      }
    }
    return error.isEmpty();
  }

  private void mergeRow(Object[] partial) {
    try {
      merged.merge(partial);
      if (merged.groups() > maxGroups) {
        throw new QueryException(QueryException.Reason.TOO_LARGE, "the scan's answer is over the limit of "
            + maxGroups + " rows (weft.query.max-rows)");
      }
    } catch (QueryException e) {
      fail(e.reason() + ": " + e.getMessage());
    }
  }

  private void keep(ArrayNode row) {
    String key = row.get(0).textValue();
    ArrayNode had = contested.putIfAbsent(key, row);
    if (had != null && Version.parse(had.get(1).textValue()).compareTo(Version.parse(row.get(1).textValue())) < 0) {
      contested.put(key, row);
    }
  }

  private void fail(String e) {
    if (error.isEmpty() && !e.isEmpty()) {
      error = e;
    }
  }

  /** Whether this node's own part and every child's answer are in (or the part failed). */
  synchronized boolean complete() {
    if (reported || children == null || !localDone) {
      return false;
    }
    if (!error.isEmpty()) {
      return true;
    }
    for (Child c : children) {
      if (!finished.containsKey(c.id())) {
        return false;
      }
    }
    return true;
  }

  /** The report, once: null if it was taken already. Children that have not answered count as silent. */
  synchronized Report report() {
    if (reported) {
      return null;
    }
    reported = true;
    List<Child> handedTo = children == null ? List.of() : children;
    int unreached = children == null ? 1 : unreachable;  // out of time before the scan was even handed on
    if (!error.isEmpty()) {
      return new Report(List.of(), List.of(), new Wire.End(List.of(), unreached, Map.of(), 0, 0, error,
          new Wire.Subtree(1, 0, null, List.of(), Map.of(), 0)));
    }
    int nodes = 1;
    int answered = ownAnswered ? 1 : 0;
    int unchecked = again;
    boolean listed = true;
    List<Wire.Member> members = new ArrayList<>();
    if (ownAnswered) {
      members.add(new Wire.Member(self, ownState));
    }
    Map<NodeId, Long> pending = new LinkedHashMap<>(ownDeferred);
    Set<NodeId> silent = new LinkedHashSet<>();
    Map<NodeId, Settling.State> flagged = new LinkedHashMap<>();
    // Parts of this node's id space whose members are unknown: children that listed none or did not answer.
    List<Child> opaque = new ArrayList<>();
    Set<NodeId> childIds = new HashSet<>();
    for (Child c : handedTo) {
      childIds.add(c.id());
      Wire.End end = finished.get(c.id());
      if (end == null || end.subtree() == null) {
        nodes++;
        listed = false;
        opaque.add(c);
        if (end != null) {
          unreached += end.unreachable();
        }
      }
    }
    for (Map.Entry<NodeId, Wire.End> e : finished.entrySet()) {
      Wire.End end = e.getValue();
      Wire.Subtree s = end.subtree();
      if (s == null) {
        continue;  // counted above (a timed-out child); a stray node without an account adds nothing
      }
      nodes += s.nodes();
      answered += s.answered();
      unreached += end.unreachable();
      unchecked += s.unchecked();
      silent.addAll(s.silent());
      flagged.putAll(s.flagged());
      end.deferred().forEach((to, oldest) -> pending.merge(to, oldest, Math::min));
      if (s.members() == null) {
        listed = false;
        Child c = childIds.contains(e.getKey()) ? find(handedTo, e.getKey()) : null;
        if (c != null) {
          opaque.add(c);
        }
      } else {
        members.addAll(s.members());
      }
    }
    Map<NodeId, Settling.State> known = new HashMap<>();
    members.forEach(m -> known.put(m.id(), m.state()));
    Map<NodeId, Long> up = new LinkedHashMap<>();
    for (Map.Entry<NodeId, Long> d : pending.entrySet()) {
      NodeId to = d.getKey();
      if (!inPart(to, self, limit)) {
        up.put(to, d.getValue());  // outside this node's part of the id space: for a node above to settle
        continue;
      }
      Settling.State st = known.get(to);
      if (st != null) {
        if (st.mayLack(d.getValue())) {
          flagged.put(to, st);
        }
      } else if (opaque.stream().anyMatch(c -> inPart(to, c.id(), c.limit()))) {
        unchecked++;  // left to a node in a subtree that listed no members: whether it answered cannot be told here
      } else {
        silent.add(to);
      }
    }
    List<ArrayNode> rows = new ArrayList<>();
    if (top != null) {
      rows.addAll(top.rows());
    } else {
      merged.finish(p -> rows.add(outputs.encode(p)));
    }
    return new Report(rows, new ArrayList<>(contested.values()), new Wire.End(List.of(), unreached, up, 0, 0, "",
        new Wire.Subtree(nodes, answered, listed && members.size() <= Wire.Subtree.MEMBERS ? members : null,
            List.copyOf(silent), flagged, unchecked)));
  }

  private static Child find(List<Child> children, NodeId id) {
    for (Child c : children) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  /** Whether {@code id} lies in the part of the id space a node hands the scan within: below {@code limit}. */
  static boolean inPart(NodeId id, NodeId node, int limit) {
    return id.equals(node) || node.bucketIndex(id) < limit;
  }
}
