package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The messages of the query plugin's DHT channel {@code sql} (docs/protocol.md, "query"), each a JSON object with a
 * type field {@code t}. Every decoder checks the whole message and throws {@link IllegalArgumentException} naming the
 * field: this is network input.
 */
final class Wire {
  static final String CHANNEL = "sql";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern QUERY_ID = Pattern.compile("[0-9a-f]{32}");
  /** Most node ids a report or request lists (children, deferrals, exclusions). */
  static final int MAX_IDS = 4096;

  private Wire() {}

  /** The message's type, checked to be one of the known ones. */
  static String type(JsonNode m) {
    JsonNode t = m.get("t");
    if (t == null || !t.isTextual()) {
      throw new IllegalArgumentException("message has no type field \"t\"");
    }
    return t.textValue();
  }

  /**
   * A scan handed down the tree: run {@code spec} here, hand it on to the subtrees below {@code limit}, and send the
   * rows to {@code origin}.
   *
   * @param query the scan's id
   * @param origin the asking node, which collects the answers
   * @param limit hand on to buckets below this index only (160 at the origin)
   * @param timeoutMs how long the origin waits, from when this node received the request
   * @param exclude nodes every holder treats as absent when it decides which holder reports a row
   * @param unsettled nodes still settling that no holder leaves rows to: rows they are closer to than the holder that
   *     reports them are contested ({@link Contested})
   * @param spec the scan ({@code ScanSpec} as JSON)
   * @param merge whether answers merge up the tree (aggregating scans: each node sends its parent the merge of its own
   *     partials and its subtree's, as {@code part} pages, within {@code timeoutMs}); otherwise every node sends its
   *     rows to the origin
   * @param maxGroups with {@code merge}, the most groups a node may hold merged (the origin's row cap)
   * @param join what this walk does for a join that rehashes ({@link JoinStep}); null for a plain scan
   */
  record Scan(String query, Contact origin, int limit, long timeoutMs, List<NodeId> exclude, List<NodeId> unsettled,
      JsonNode spec, boolean merge, long maxGroups, JoinStep join) {
    /** A plain scan. */
    Scan(String query, Contact origin, int limit, long timeoutMs, List<NodeId> exclude, List<NodeId> unsettled,
        JsonNode spec, boolean merge, long maxGroups) {
      this(query, origin, limit, timeoutMs, exclude, unsettled, spec, merge, maxGroups, null);
    }

    ObjectNode toJson() {
      ObjectNode o = F.objectNode().put("t", "scan").put("q", query);
      o.set("origin", contact(origin));
      o.put("limit", limit).put("timeoutMs", timeoutMs);
      if (merge) {
        o.put("merge", true).put("maxGroups", maxGroups);
      }
      o.set("exclude", ids(exclude));
      if (!unsettled.isEmpty()) {
        o.set("unsettled", ids(unsettled));
      }
      o.set("spec", spec);
      if (join != null) {
        o.set("join", join.toJson());
      }
      return o;
    }

    /** The scan under another query id: where a probe's pairs go ({@link JoinStep.Probe#rows}). */
    Scan renamed(String id) {
      return new Scan(id, origin, limit, timeoutMs, exclude, unsettled, spec, merge, maxGroups, join);
    }

    /** The scan as handed to the subtree of {@code bucket}, whose answer is due within {@code timeout}. */
    Scan below(int bucket, long timeout) {
      return new Scan(query, origin, bucket, timeout, exclude, unsettled, spec, merge, maxGroups, join);
    }

    static Scan fromJson(JsonNode m) {
      int limit = integer(m, "limit");
      if (limit < 0 || limit > NodeId.BITS) {
        throw new IllegalArgumentException("scan: limit must be 0.." + NodeId.BITS);
      }
      long timeout = m.path("timeoutMs").asLong(-1);
      if (!m.path("timeoutMs").canConvertToLong() || timeout < 1 || timeout > 3_600_000) {
        throw new IllegalArgumentException("scan: timeoutMs must be 1..3600000");
      }
      JsonNode spec = m.get("spec");
      if (spec == null || !spec.isObject()) {
        throw new IllegalArgumentException("scan: spec must be an object");
      }
      List<NodeId> unsettled = m.has("unsettled") ? idList(m, "unsettled") : List.of();
      JsonNode merge = m.get("merge");
      if (merge != null && !merge.isBoolean()) {
        throw new IllegalArgumentException("scan: merge must be true or false");
      }
      boolean merging = merge != null && merge.booleanValue();
      long maxGroups = merging ? m.path("maxGroups").asLong(-1) : 0;
      if (merging && (!m.path("maxGroups").canConvertToLong() || maxGroups < 1)) {
        throw new IllegalArgumentException("scan: maxGroups must be a positive integer");
      }
      JoinStep join = m.has("join") ? JoinStep.fromJson(m.get("join")) : null;
      return new Scan(queryId(m), contactFrom(m.get("origin")), limit, timeout, idList(m, "exclude"), unsettled, spec,
          merging, maxGroups, join);
    }
  }

  /**
   * What one walk of the tree does for a join that rehashes both sides (docs/query.md, "Joins that rehash"): the first
   * two walks send each side's rows to the node closest to the hash of their join key, the third joins them there.
   * Their accounts merge up the tree as partial aggregates (the rows each node rehashed; the pairs it sent and the rows
   * of each side it held), so that the asking node hears from its children only.
   */
  sealed interface JoinStep {
    /** Most key columns a join compares. */
    int MAX_KEYS = 64;

    ObjectNode toJson();

    /**
     * Send each output row (with its key and version) to the node closest to the hash of {@code salt} and the row's
     * values at {@code keys} (output columns), rather than to the origin.
     */
    record Rehash(String salt, List<Integer> keys) implements JoinStep {
      public Rehash {
        keys = List.copyOf(keys);
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
          throw new IllegalArgumentException("join: a rehash needs 1 to " + MAX_KEYS + " key columns");
        }
        for (int k : keys) {
          if (k < 0 || k > 10_000) {
            throw new IllegalArgumentException("join: key columns must be output column indexes");
          }
        }
      }

      @Override
      public ObjectNode toJson() {
        ObjectNode o = F.objectNode().put("rehash", salt);
        keys.forEach(o.putArray("keys")::add);
        return o;
      }
    }

    /**
     * Join the rows the rehashing walks {@code left} and {@code right} (their query ids) left at this node, pairs of
     * equal keys, and send each pair to the origin as one row (the left row's values, then the right row's) in pages
     * of query {@code rows}; then account for them up the tree.
     */
    record Probe(String left, String right, String rows) implements JoinStep {
      @Override
      public ObjectNode toJson() {
        ObjectNode o = F.objectNode().put("rows", rows);
        o.putArray("probe").add(left).add(right);
        return o;
      }
    }

    static JoinStep fromJson(JsonNode j) {
      if (j == null || !j.isObject()) {
        throw new IllegalArgumentException("scan: join must be an object");
      }
      if (j.has("rehash")) {
        String salt = hexId(j, "rehash");
        JsonNode keys = j.get("keys");
        if (keys == null || !keys.isArray()) {
          throw new IllegalArgumentException("join: keys must be an array of column indexes");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode k : keys) {
          if (!k.isIntegralNumber() || !k.canConvertToInt()) {
            throw new IllegalArgumentException("join: keys must be an array of column indexes");
          }
          out.add(k.intValue());
        }
        return new Rehash(salt, out);
      }
      JsonNode p = j.get("probe");
      if (p == null || !p.isArray() || p.size() != 2) {
        throw new IllegalArgumentException("join: must hold rehash (a salt) or probe ([left, right] query ids)");
      }
      ObjectNode ids = F.objectNode().put("l", p.get(0).asText("")).put("r", p.get(1).asText(""));
      if (!p.get(0).isTextual() || !p.get(1).isTextual()) {
        throw new IllegalArgumentException("join: probe must name two query ids");
      }
      return new Probe(hexId(ids, "l"), hexId(ids, "r"), hexId(j, "rows"));
    }
  }

  /**
   * A page of one node's answer to a scan, sent to the origin; the last page also says where the node handed the scan.
   *
   * @param rows output rows as JSON arrays; for scans without aggregates each is {@code [key, version, [values]]}
   * @param contested for scans with aggregates, rows a settling node is closer to than this holder, each {@code [key,
   *     version, [values of Contested.projection]]}; empty otherwise
   * @param end what the last page adds; null on the others
   */
  record Rows(String query, NodeId from, int seq, ArrayNode rows, ArrayNode contested, End end) {
    boolean last() {
      return end != null;
    }

    ObjectNode toJson() {
      return toJson("rows");
    }

    /** As {@code rows} (to the origin) or {@code part} (to the parent, in a scan whose answers merge up the tree). */
    ObjectNode toJson(String type) {
      ObjectNode o = F.objectNode().put("t", type).put("q", query).put("from", from.toHex()).put("seq", seq);
      o.set("rows", rows);
      if (!contested.isEmpty()) {
        o.set("contested", contested);
      }
      o.put("last", end != null);
      if (end != null) {
        o.set("children", ids(end.children()));
        o.put("unreachable", end.unreachable());
        ArrayNode d = o.putArray("deferred");
        end.deferred().forEach((id, oldest) -> d.addArray().add(id.toHex()).add(oldest));
        if (end.since() > 0) {
          o.put("since", end.since()).put("settlesInMs", end.settlesInMillis());
        }
        if (!end.error().isEmpty()) {
          o.put("error", end.error());
        }
        if (end.subtree() != null) {
          o.set("subtree", end.subtree().toJson());
        }
      }
      return o;
    }

    static Rows fromJson(JsonNode m) {
      ArrayNode rows = array(m, "rows");
      ArrayNode contested = m.has("contested") ? array(m, "contested") : F.arrayNode();
      JsonNode last = m.get("last");
      if (last == null || !last.isBoolean()) {
        throw new IllegalArgumentException("rows: last must be true or false");
      }
      int seq = integer(m, "seq");
      if (!last.booleanValue()) {
        return new Rows(queryId(m), id(m.get("from"), "from"), seq, rows, contested, null);
      }
      int unreachable = integer(m, "unreachable");
      if (unreachable < 0 || unreachable > NodeId.BITS) {
        throw new IllegalArgumentException("rows: unreachable must be 0.." + NodeId.BITS);
      }
      JsonNode error = m.get("error");
      if (error != null && !error.isTextual()) {
        throw new IllegalArgumentException("rows: error must be a string");
      }
      long since = m.has("since") ? millis(m, "since") : 0;
      long settlesIn = m.has("since") ? millis(m, "settlesInMs") : 0;
      Subtree subtree = m.has("subtree") ? Subtree.fromJson(m.get("subtree")) : null;
      return new Rows(queryId(m), id(m.get("from"), "from"), seq, rows, contested, new End(idList(m, "children"),
          unreachable, deferrals(m), since, settlesIn, error == null ? "" : error.textValue(), subtree));
    }

    private static ArrayNode array(JsonNode m, String field) {
      JsonNode a = m.get(field);
      if (a == null || !a.isArray()) {
        throw new IllegalArgumentException("rows: " + field + " must be an array");
      }
      return (ArrayNode) a;
    }

    private static long millis(JsonNode m, String field) {
      JsonNode n = m.get(field);
      if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
        throw new IllegalArgumentException("rows: " + field + " must be a count of milliseconds");
      }
      return n.longValue();
    }

    private static Map<NodeId, Long> deferrals(JsonNode m) {
      JsonNode a = m.get("deferred");
      if (a == null || !a.isArray() || a.size() > MAX_IDS) {
        throw new IllegalArgumentException("rows: deferred must be an array of at most " + MAX_IDS + " [id, millis]");
      }
      Map<NodeId, Long> out = new LinkedHashMap<>();
      for (JsonNode d : a) {
        if (!d.isArray() || d.size() != 2) {
          throw new IllegalArgumentException("rows: each deferred entry must be [node id, oldest version millis]");
        }
        out.merge(id(d.get(0), "deferred"), millis(d, 1), Math::min);
      }
      return out;
    }

    private static long millis(JsonNode pair, int i) {
      JsonNode n = pair.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
        throw new IllegalArgumentException("rows: deferred millis must be a non-negative integer");
      }
      return n.longValue();
    }
  }

  /**
   * What a node's last page adds.
   *
   * @param children nodes that took the scan from this node
   * @param unreachable subtrees no contact took
   * @param deferred the nodes this node left rows to, as their responsible holders, each with the oldest version (its
   *     milliseconds) of the rows left to it
   * @param since when this node last joined, if it is still settling ({@link Settling}); 0 when settled
   * @param settlesInMillis how long it still settles; 0 when settled
   * @param error why this node could not scan, or empty
   * @param subtree in a scan whose answers merge up the tree, what the whole subtree below this node adds up to (then
   *     {@code deferred} holds only the deferrals it could not settle itself: to nodes outside its part of the id
   *     space); null otherwise
   */
  record End(List<NodeId> children, int unreachable, Map<NodeId, Long> deferred, long since, long settlesInMillis,
      String error, Subtree subtree) {
    End {
      children = List.copyOf(children);
      deferred = Collections.unmodifiableMap(new LinkedHashMap<>(deferred));
    }

    End(List<NodeId> children, int unreachable, Map<NodeId, Long> deferred, long since, long settlesInMillis,
        String error) {
      this(children, unreachable, deferred, since, settlesInMillis, error, null);
    }
  }

  /**
   * A subtree's account of a merged answer (docs/query.md, "Aggregates merge up the tree"): how many nodes it expected
   * and heard from, who they are while few enough to list (so that the node above can tell whether a node rows were
   * left to answered), and the deferrals it settled badly: to nodes that did not answer, to nodes that had just joined
   * and may lack the rows, or to nodes it could not check.
   *
   * @param nodes nodes expected: those that answered, and those that took the scan and did not
   * @param answered nodes whose part is in the answer
   * @param members the nodes that answered, each with its settling state; null when more than {@link #MEMBERS}
   * @param silent nodes rows were left to that are in this subtree's part of the id space and did not answer
   * @param flagged nodes rows were left to that answered while settling and may lack rows older than their join
   * @param unchecked deferrals to nodes in the part of a subtree that listed no members
   */
  record Subtree(int nodes, int answered, List<Member> members, List<NodeId> silent,
      Map<NodeId, Settling.State> flagged, int unchecked) {
    /** Most members a subtree lists; beyond it the node above cannot check deferrals into it (rare: see docs). */
    static final int MEMBERS = 128;

    Subtree {
      members = members == null ? null : List.copyOf(members);
      silent = List.copyOf(silent);
      flagged = Collections.unmodifiableMap(new LinkedHashMap<>(flagged));
    }

    ObjectNode toJson() {
      ObjectNode o = F.objectNode().put("nodes", nodes).put("answered", answered);
      if (members != null) {
        ArrayNode a = o.putArray("members");
        members.forEach(x -> a.addArray().add(x.id().toHex()).add(x.state().since()).add(x.state().settlesInMillis()));
      }
      o.set("silent", ids(silent));
      ArrayNode f = o.putArray("flagged");
      flagged.forEach((id, st) -> f.addArray().add(id.toHex()).add(st.since()).add(st.settlesInMillis()));
      o.put("unchecked", unchecked);
      return o;
    }

    static Subtree fromJson(JsonNode o) {
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException("rows: subtree must be an object");
      }
      int nodes = integer(o, "nodes");
      int answered = integer(o, "answered");
      int unchecked = integer(o, "unchecked");
      if (nodes < 0 || answered < 0 || answered > nodes || unchecked < 0) {
        throw new IllegalArgumentException("rows: subtree counts must be 0 <= answered <= nodes, unchecked >= 0");
      }
      List<Member> members = null;
      if (o.has("members")) {
        members = new ArrayList<>();
        for (Map.Entry<NodeId, Settling.State> e : states(o, "members", MEMBERS).entrySet()) {
          members.add(new Member(e.getKey(), e.getValue()));
        }
      }
      return new Subtree(nodes, answered, members, idList(o, "silent"), states(o, "flagged", MAX_IDS), unchecked);
    }

    /** {@code [[id, since, settlesInMs], ...]}: nodes with their settling state. */
    private static Map<NodeId, Settling.State> states(JsonNode o, String field, int max) {
      JsonNode a = o.get(field);
      if (a == null || !a.isArray() || a.size() > max) {
        throw new IllegalArgumentException("rows: subtree." + field + " must be an array of at most " + max
            + " [node id, since, settlesInMs]");
      }
      Map<NodeId, Settling.State> out = new LinkedHashMap<>();
      for (JsonNode x : a) {
        if (!x.isArray() || x.size() != 3) {
          throw new IllegalArgumentException("rows: each subtree." + field + " entry must be [node id, since,"
              + " settlesInMs]");
        }
        out.put(id(x.get(0), "subtree." + field), new Settling.State(Rows.millis(x, 1), Rows.millis(x, 2)));
      }
      return out;
    }
  }

  /** A node that answered, with its settling state. */
  record Member(NodeId id, Settling.State state) {}

  /** The origin's answer to a page: whether to send more (false: the scan ended, was cancelled or is too large). */
  static ObjectNode more(boolean more) {
    return F.objectNode().put("more", more);
  }

  /** The answer to a scan hand-off: taken (or seen before), or refused by the node's per-origin limit. */
  static ObjectNode taken(boolean taken) {
    return F.objectNode().put("taken", taken);
  }

  static String queryId(JsonNode m) {
    return hexId(m, "q");
  }

  /** A 128-bit id (a scan's, a write's) in field {@code field}. */
  static String hexId(JsonNode m, String field) {
    JsonNode q = m.get(field);
    if (q == null || !q.isTextual() || !QUERY_ID.matcher(q.textValue()).matches()) {
      throw new IllegalArgumentException(field + " must be 32 lower-case hex digits");
    }
    return q.textValue();
  }

  static int integer(JsonNode m, String field) {
    JsonNode n = m.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return n.intValue();
  }

  static ObjectNode contact(Contact c) {
    ObjectNode o = F.objectNode().put("id", c.id().toHex());
    ArrayNode a = o.putArray("addresses");
    c.addresses().forEach(x -> a.add(x.toString()));
    return o;
  }

  static Contact contactFrom(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("origin must be an object");
    }
    JsonNode addrs = o.get("addresses");
    if (addrs == null || !addrs.isArray() || addrs.size() > 16) {
      throw new IllegalArgumentException("origin.addresses must be an array of at most 16 addresses");
    }
    List<Address> out = new ArrayList<>();
    for (JsonNode a : addrs) {
      if (!a.isTextual()) {
        throw new IllegalArgumentException("origin.addresses must hold strings");
      }
      out.add(Address.parse(a.textValue()));
    }
    return new Contact(id(o.get("id"), "origin.id"), out);
  }

  static ArrayNode ids(List<NodeId> ids) {
    ArrayNode a = F.arrayNode();
    ids.forEach(i -> a.add(i.toHex()));
    return a;
  }

  static List<NodeId> idList(JsonNode m, String field) {
    JsonNode a = m.get(field);
    if (a == null || !a.isArray() || a.size() > MAX_IDS) {
      throw new IllegalArgumentException(field + " must be an array of at most " + MAX_IDS + " node ids");
    }
    List<NodeId> out = new ArrayList<>(a.size());
    for (JsonNode n : a) {
      out.add(id(n, field));
    }
    return out;
  }

  static NodeId id(JsonNode n, String field) {
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException(field + " must be a node id (40 hex digits)");
    }
    try {
      return NodeId.fromHex(n.textValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be a node id (40 hex digits)", e);
    }
  }
}
