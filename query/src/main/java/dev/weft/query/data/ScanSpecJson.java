package dev.weft.query.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec.Access;
import dev.weft.query.data.ScanSpec.Aggregate;
import dev.weft.query.data.ScanSpec.Call;
import dev.weft.query.expr.ExprJson;
import dev.weft.query.row.RowCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of a {@link ScanSpec}, version 1: what travels to the nodes, and what a plan carries as a constant.
 * The table's whole definition travels with it, so a node that has not learned the table yet still scans it right.
 * Decoding checks everything (network input) and throws {@link IllegalArgumentException} naming the field.
 */
final class ScanSpecJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int VERSION = 1;
  /** Most keys one scan reads by gets. */
  static final int MAX_KEYS = 100_000;

  private ScanSpecJson() {}

  static ObjectNode toJson(ScanSpec s) {
    ObjectNode o = F.objectNode().put("v", VERSION).put("table", s.table().name());
    o.set("definition", s.table().toJson());
    ObjectNode access = o.putObject("access");
    if (s.access() instanceof Access.Keys k) {
      access.put("kind", "keys");
      ArrayNode keys = access.putArray("keys");
      TableDefinition keyTable = keyTable(s.table());
      for (List<Object> key : k.keys()) {
        keys.add(RowCodec.toJson(keyTable, key.toArray()));
      }
    } else if (s.access() instanceof Access.IndexRange r) {
      access.put("kind", "index").put("index", r.index().name());
      access.set("definition", r.index().toJson());
      TableDefinition bounds = boundTable(s.table(), r.index());
      access.set("lower", RowCodec.toJson(bounds, new Object[] {r.lower()}).get(0));
      access.put("lowerInclusive", r.lowerInclusive());
      access.set("upper", RowCodec.toJson(bounds, new Object[] {r.upper()}).get(0));
      access.put("upperInclusive", r.upperInclusive());
    } else {
      access.put("kind", "full");
    }
    s.filter().ifPresent(e -> o.set("filter", ExprJson.toJson(e)));
    ArrayNode cols = o.putArray("columns");
    s.columns().forEach(cols::add);
    s.aggregate().ifPresent(a -> o.set("aggregate", aggregateToJson(a)));
    s.topK().ifPresent(t -> o.set("topK", topKToJson(t)));
    return o;
  }

  /** A top-k cut as JSON: {@code {"limit": n, "keys": [{"column", "desc", "nullsFirst"}]}}. */
  static ObjectNode topKToJson(ScanSpec.TopK t) {
    ObjectNode o = F.objectNode().put("limit", t.limit());
    ArrayNode keys = o.putArray("keys");
    for (ScanSpec.SortKey k : t.keys()) {
      keys.addObject().put("column", k.column()).put("desc", k.descending()).put("nullsFirst", k.nullsFirst());
    }
    return o;
  }

  /** Reads {@link #topKToJson}'s form; the columns are checked against the spec's output by {@link ScanSpec}. */
  static ScanSpec.TopK topKFromJson(JsonNode o) {
    if (o == null || !o.isObject() || !o.path("limit").isInt()) {
      throw new IllegalArgumentException("scan spec: topK must be an object with an integer limit");
    }
    JsonNode keys = o.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new IllegalArgumentException("scan spec: topK.keys must be an array");
    }
    List<ScanSpec.SortKey> out = new ArrayList<>();
    for (JsonNode k : keys) {
      if (!k.path("column").isInt()) {
        throw new IllegalArgumentException("scan spec: each topK key needs an integer column");
      }
      out.add(new ScanSpec.SortKey(k.get("column").intValue(), bool(k, "desc"), bool(k, "nullsFirst")));
    }
    return new ScanSpec.TopK(out, o.get("limit").intValue());
  }

  static ScanSpec fromJson(JsonNode o) {
    if (o == null || !o.isObject() || o.path("v").asInt(-1) != VERSION) {
      throw new IllegalArgumentException("scan spec must be an object of version " + VERSION);
    }
    TableDefinition table = TableDefinition.fromJson(text(o, "table"), o.get("definition"));
    int width = table.columns().size();
    JsonNode a = o.get("access");
    if (a == null || !a.isObject()) {
      throw new IllegalArgumentException("scan spec: access must be an object");
    }
    Access access = switch (text(a, "kind")) {
      case "full" -> new Access.Full();
      case "keys" -> {
        JsonNode keys = a.get("keys");
        if (keys == null || !keys.isArray() || keys.size() > MAX_KEYS) {
          throw new IllegalArgumentException("scan spec: keys must be an array of at most " + MAX_KEYS);
        }
        TableDefinition keyTable = keyTable(table);
        List<List<Object>> out = new ArrayList<>(keys.size());
        for (JsonNode k : keys) {
          out.add(Arrays.asList(RowCodec.fromJson(keyTable, k)));
        }
        yield new Access.Keys(out);
      }
      case "index" -> {
        IndexDefinition index = IndexDefinition.fromJson(text(a, "index"), a.get("definition"));
        TableDefinition bounds = boundTable(table, index);
        Object lower = RowCodec.fromJson(bounds, F.arrayNode().add(a.path("lower")))[0];
        Object upper = RowCodec.fromJson(bounds, F.arrayNode().add(a.path("upper")))[0];
        yield new Access.IndexRange(index, lower, bool(a, "lowerInclusive"), upper, bool(a, "upperInclusive"));
      }
      default -> throw new IllegalArgumentException("scan spec: unknown access " + text(a, "kind"));
    };
    Optional<dev.weft.query.expr.Expr> filter = o.has("filter")
        ? Optional.of(ExprJson.fromJson(o.get("filter"), table)) : Optional.empty();
    List<Integer> columns = columnList(o.get("columns"), "columns", width);
    Optional<Aggregate> aggregate = Optional.empty();
    if (o.has("aggregate")) {
      aggregate = Optional.of(aggregateFromJson(o.get("aggregate"), width));
    }
    Optional<ScanSpec.TopK> topK = o.has("topK") ? Optional.of(topKFromJson(o.get("topK"))) : Optional.empty();
    return new ScanSpec(table, access, filter, columns, aggregate, topK);
  }

  /** A partial aggregation as JSON: {@code {"groupBy": [indexes], "calls": [{"kind", "column"}]}}. */
  static ObjectNode aggregateToJson(Aggregate a) {
    ObjectNode agg = F.objectNode();
    ArrayNode groupBy = agg.putArray("groupBy");
    a.groupBy().forEach(groupBy::add);
    ArrayNode calls = agg.putArray("calls");
    for (Call c : a.calls()) {
      calls.addObject().put("kind", c.kind().name()).put("column", c.column());
    }
    return agg;
  }

  /** Reads {@link #aggregateToJson}'s form against a table of {@code width} columns, checking every field. */
  static Aggregate aggregateFromJson(JsonNode agg, int width) {
    List<Integer> groupBy = columnList(agg.get("groupBy"), "aggregate.groupBy", width);
    JsonNode calls = agg.get("calls");
    if (calls == null || !calls.isArray() || calls.size() > 1000) {
      throw new IllegalArgumentException("scan spec: aggregate.calls must be an array of at most 1000");
    }
    List<Call> out = new ArrayList<>();
    for (JsonNode c : calls) {
      Call.Kind kind;
      try {
        kind = Call.Kind.valueOf(text(c, "kind"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("scan spec: unknown aggregate " + c.path("kind").asText(), e);
      }
      int column = c.path("column").asInt(-2);
      if (kind == Call.Kind.COUNT_STAR ? column != -1 : column < 0 || column >= width) {
        throw new IllegalArgumentException("scan spec: aggregate " + kind + " has a bad column " + column);
      }
      out.add(new Call(kind, column));
    }
    return new Aggregate(groupBy, out);
  }

  /** A table of the primary key's columns, in key order: the codec of key values. */
  static TableDefinition keyTable(TableDefinition t) {
    List<Column> cols = new ArrayList<>();
    for (String k : t.primaryKey()) {
      cols.add(t.column(k).orElseThrow());
    }
    if (cols.isEmpty()) {
      throw new IllegalArgumentException("table " + t.name() + " has no primary key");
    }
    return new TableDefinition(t.name(), cols, List.of(), t.incarnation());
  }

  /** A table of the index's first column, nullable (an open bound is null): the codec of bounds. */
  private static TableDefinition boundTable(TableDefinition t, IndexDefinition index) {
    Column c = t.column(index.columns().get(0)).orElseThrow(() ->
        new IllegalArgumentException("index " + index.name() + " names a column table " + t.name() + " lacks"));
    return new TableDefinition(t.name(), List.of(new Column(c.name(), c.type(), true, c.precision(), c.scale())),
        List.of(), t.incarnation());
  }

  private static List<Integer> columnList(JsonNode a, String field, int width) {
    if (a == null || !a.isArray() || a.size() > 1000) {
      throw new IllegalArgumentException("scan spec: " + field + " must be an array of column indexes");
    }
    List<Integer> out = new ArrayList<>(a.size());
    for (JsonNode n : a) {
      if (!n.isInt() || n.intValue() < 0 || n.intValue() >= width) {
        throw new IllegalArgumentException("scan spec: " + field + " holds a bad column index " + n);
      }
      out.add(n.intValue());
    }
    return out;
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("scan spec: " + field + " must be a string");
    }
    return n.textValue();
  }

  private static boolean bool(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isBoolean()) {
      throw new IllegalArgumentException("scan spec: " + field + " must be true or false");
    }
    return n.booleanValue();
  }
}
