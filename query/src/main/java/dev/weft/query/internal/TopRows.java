package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Version;
import dev.weft.query.data.ScanSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The first rows of a top-k cut ({@link ScanSpec.TopK}) among those offered: each row with its key and version, a key
 * kept once (the newest version offered), at most {@code limit} rows. A node offers its own rows, a merge up the tree
 * the rows of its children; what stays is what the part sends on. Values compare as the SQL layer sorts them: by their
 * natural order, nulls first or last as the key says; rows equal on every key by their storage key, so that every node
 * cuts the same way.
 *
 * <p>Not thread-safe: one scan's part, fed by one task at a time (or under its owner's lock).
 */
final class TopRows {
  private record Entry(String key, Version version, Object[] values, ArrayNode wire) {}

  private final int limit;
  private final Outputs outputs;
  private final Comparator<Entry> order;
  private final TreeSet<Entry> rows;
  private final Map<String, Entry> byKey = new HashMap<>();

  TopRows(ScanSpec.TopK topK, Outputs outputs) {
    this.limit = topK.limit();
    this.outputs = outputs;
    Comparator<Entry> c = null;
    for (ScanSpec.SortKey k : topK.keys()) {
      Comparator<Entry> one = (a, b) -> compare(a.values()[k.column()], b.values()[k.column()], k);
      c = c == null ? one : c.thenComparing(one);
    }
    this.order = c.thenComparing(Entry::key);
    this.rows = new TreeSet<>(order);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b, ScanSpec.SortKey k) {
    if (a == null || b == null) {
      if (a == b) {
        return 0;
      }
      return (a == null) == k.nullsFirst() ? -1 : 1;
    }
    int c = ((Comparable) a).compareTo(b);
    return k.descending() ? -c : c;
  }

  /**
   * Offers a row of this node's own: its storage key and version and the scan's output values, encoded only if kept.
   */
  void offer(String key, Version version, Object[] values) {
    add(new Entry(key, version, values, null));
  }

  /**
   * Offers a row as it travels, {@code [key, version, [values]]}.
   *
   * @throws IllegalArgumentException when it is malformed
   */
  void offer(JsonNode row) {
    if (!row.isArray() || row.size() != 3 || !row.get(0).isTextual() || !row.get(1).isTextual()) {
      throw new IllegalArgumentException("a row must be [key, version, values]");
    }
    add(new Entry(row.get(0).textValue(), Version.parse(row.get(1).textValue()), outputs.decode(row.get(2)),
        (ArrayNode) row));
  }

  private void add(Entry e) {
    Entry had = byKey.get(e.key());
    if (had != null) {
      if (had.version().compareTo(e.version()) >= 0) {
        return;
      }
      rows.remove(had);
      byKey.remove(had.key());
    }
    if (rows.size() >= limit && order.compare(e, rows.last()) >= 0) {
      return;
    }
    rows.add(e);
    byKey.put(e.key(), e);
    if (rows.size() > limit) {
      Entry out = rows.pollLast();
      byKey.remove(out.key());
    }
  }

  /** The rows kept, first first, each {@code [key, version, [values]]}. */
  List<ArrayNode> rows() {
    List<ArrayNode> out = new ArrayList<>(rows.size());
    for (Entry e : rows) {
      out.add(e.wire() != null ? e.wire() : JsonNodeFactory.instance.arrayNode().add(e.key())
          .add(e.version().toString()).add(outputs.encode(e.values())));
    }
    return out;
  }

  int size() {
    return rows.size();
  }
}
