package dev.weft.query.calcite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.expr.Expr;
import dev.weft.query.expr.ExprJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plans ({@link ScanPlan}, {@link JoinPlan}, {@link RehashPlan}, {@link ModifyPlan}) as the string constants generated code carries: the plan whole, as
 * JSON, so that compiled code (which Calcite caches by its source, and a prepared statement keeps for as long as it
 * lives) needs nothing registered beside it. Decoding is cached by the text (an LRU of recent plans), since the same
 * code runs the same plan again and again. Thread-safe.
 */
final class PlanCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int CACHED = 1024;
  private static final Map<String, Object> DECODED = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
      return size() > CACHED;
    }
  };

  private PlanCodec() {}

  static String encode(ScanPlan p) {
    return scanJson(p).toString();
  }

  static String encode(JoinPlan p) {
    ObjectNode o = F.objectNode().put("kind", "join").put("left", p.left()).put("fetch", p.fetch().name());
    o.set("inner", scanJson(p.inner()));
    p.outerKeys().forEach(o.withArray("outerKeys")::add);
    p.innerKeys().forEach(o.withArray("innerKeys")::add);
    p.index().ifPresent(i -> o.putObject("index").put("name", i.name()).set("definition", i.toJson()));
    return o.toString();
  }

  static String encode(RehashPlan p) {
    ObjectNode o = F.objectNode().put("kind", "rehash");
    o.set("leftScan", scanJson(p.left()));
    o.set("rightScan", scanJson(p.right()));
    p.leftKeys().forEach(o.withArray("leftKeys")::add);
    p.rightKeys().forEach(o.withArray("rightKeys")::add);
    return o.toString();
  }

  private static ObjectNode scanJson(ScanPlan p) {
    ObjectNode o = F.objectNode().put("kind", "scan").put("table", p.table().name());
    o.set("definition", p.table().toJson());
    p.filter().ifPresent(f -> o.set("filter", ExprJson.toJson(f)));
    p.keys().ifPresent(keys -> {
      ArrayNode a = o.putArray("keys");
      for (List<Expr> key : keys) {
        ArrayNode k = a.addArray();
        key.forEach(e -> k.add(ExprJson.toJson(e)));
      }
    });
    ArrayNode cols = o.putArray("columns");
    p.columns().forEach(cols::add);
    p.aggregate().ifPresent(a -> o.set("aggregate", a.toJson()));
    p.topK().ifPresent(t -> o.set("topK", t.toJson()));
    p.index().ifPresent(i -> {
      ObjectNode ix = o.putObject("index").put("name", i.index().name());
      ix.set("definition", i.index().toJson());
      i.lower().ifPresent(e -> ix.put("lowerInclusive", i.lowerInclusive()).set("lower", ExprJson.toJson(e)));
      i.upper().ifPresent(e -> ix.put("upperInclusive", i.upperInclusive()).set("upper", ExprJson.toJson(e)));
    });
    return o;
  }

  static String encode(ModifyPlan p) {
    ObjectNode o = F.objectNode().put("kind", "modify").put("table", p.table().name());
    o.set("definition", p.table().toJson());
    o.put("op", p.kind().name());
    ArrayNode cols = o.putArray("updateColumns");
    p.updateColumns().forEach(cols::add);
    return o.toString();
  }

  static ScanPlan scan(String text) {
    return (ScanPlan) decoded(text);
  }

  static JoinPlan join(String text) {
    return (JoinPlan) decoded(text);
  }

  static RehashPlan rehash(String text) {
    return (RehashPlan) decoded(text);
  }

  static ModifyPlan modify(String text) {
    return (ModifyPlan) decoded(text);
  }

  private static Object decoded(String text) {
    synchronized (DECODED) {
      Object known = DECODED.get(text);
      if (known != null) {
        return known;
      }
    }
    Object plan = decode(text);
    synchronized (DECODED) {
      DECODED.put(text, plan);
    }
    return plan;
  }

  private static Object decode(String text) {
    JsonNode o;
    try {
      o = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan's constant is not JSON: " + text, e);
    }
    if ("join".equals(o.path("kind").asText())) {
      JsonNode ix = o.get("index");
      return new JoinPlan(scan(o.get("inner")), o.get("left").booleanValue(), ints(o.get("outerKeys")),
          ints(o.get("innerKeys")), JoinPlan.Fetch.valueOf(o.get("fetch").textValue()),
          ix == null ? Optional.empty() : Optional.of(IndexDefinition.fromJson(ix.get("name").textValue(),
              ix.get("definition"))));
    }
    if ("rehash".equals(o.path("kind").asText())) {
      return new RehashPlan(scan(o.get("leftScan")), ints(o.get("leftKeys")), scan(o.get("rightScan")),
          ints(o.get("rightKeys")));
    }
    TableDefinition table = TableDefinition.fromJson(o.get("table").textValue(), o.get("definition"));
    if ("modify".equals(o.path("kind").asText())) {
      return new ModifyPlan(table, ModifyPlan.Kind.valueOf(o.get("op").textValue()), ints(o.get("updateColumns")));
    }
    return scan(o);
  }

  private static ScanPlan scan(JsonNode o) {
    TableDefinition table = TableDefinition.fromJson(o.get("table").textValue(), o.get("definition"));
    Optional<Expr> filter = o.has("filter") ? Optional.of(ExprJson.fromPlanJson(o.get("filter"), table))
        : Optional.empty();
    Optional<List<List<Expr>>> keys = Optional.empty();
    if (o.has("keys")) {
      List<List<Expr>> out = new ArrayList<>();
      for (JsonNode key : o.get("keys")) {
        List<Expr> k = new ArrayList<>();
        key.forEach(e -> k.add(ExprJson.fromPlanJson(e, table)));
        out.add(k);
      }
      keys = Optional.of(out);
    }
    Optional<ScanSpec.Aggregate> aggregate = Optional.empty();
    if (o.has("aggregate")) {
      aggregate = Optional.of(ScanSpec.Aggregate.fromJson(o.get("aggregate"), table.columns().size()));
    }
    Optional<IndexRangePlan> index = Optional.empty();
    if (o.has("index")) {
      JsonNode ix = o.get("index");
      index = Optional.of(new IndexRangePlan(
          IndexDefinition.fromJson(ix.path("name").asText(), ix.get("definition")),
          ix.has("lower") ? Optional.of(ExprJson.fromPlanJson(ix.get("lower"), table)) : Optional.empty(),
          ix.path("lowerInclusive").asBoolean(false),
          ix.has("upper") ? Optional.of(ExprJson.fromPlanJson(ix.get("upper"), table)) : Optional.empty(),
          ix.path("upperInclusive").asBoolean(false)));
    }
    Optional<ScanSpec.TopK> topK = o.has("topK") ? Optional.of(ScanSpec.TopK.fromJson(o.get("topK")))
        : Optional.empty();
    return new ScanPlan(table, filter, keys, ints(o.get("columns")), aggregate, index, topK);
  }

  private static List<Integer> ints(JsonNode a) {
    List<Integer> out = new ArrayList<>();
    a.forEach(n -> out.add(n.intValue()));
    return out;
  }
}
