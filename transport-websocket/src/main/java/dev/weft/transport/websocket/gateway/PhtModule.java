package dev.weft.transport.websocket.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.NoSuchIndexException;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pht.create}, {@code pht.insert}, {@code pht.remove}, {@code pht.lookup}, {@code pht.range} and {@code
 * pht.rect}. Keys are written as the HTTP API writes them: a JSON integer (long index), a string (string index) or
 * {@code [x, y]} (point index).
 */
final class PhtModule implements Module {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private final Pht pht;

  PhtModule(Pht pht) {
    this.pht = pht;
  }

  @Override
  public String name() {
    return "pht";
  }

  @Override
  public Set<String> ops() {
    return Set.of("pht.create", "pht.insert", "pht.remove", "pht.lookup", "pht.range", "pht.rect");
  }

  static JsonNode key(Key key) {
    if (key instanceof Key.LongKey l) {
      return Wire.MAPPER.getNodeFactory().numberNode(l.value());
    }
    if (key instanceof Key.PointKey p) {
      return Wire.MAPPER.createArrayNode().add(p.x()).add(p.y());
    }
    return Wire.MAPPER.getNodeFactory().textNode(((Key.StringKey) key).value());
  }

  static Key key(JsonNode json, String what) {
    if (json != null && json.isTextual()) {
      return Key.of(json.textValue());
    }
    if (json != null && json.isIntegralNumber() && json.canConvertToLong()) {
      return Key.of(json.longValue());
    }
    if (json != null && json.isArray() && json.size() == 2 && isInt(json.get(0)) && isInt(json.get(1))) {
      return Key.point(json.get(0).intValue(), json.get(1).intValue());
    }
    throw RemoteException.badRequest("\"" + what + "\" must be a 64-bit integer (long index), a string (string index) or"
        + " [x, y] of 32-bit integers (point index), not " + (json == null ? "missing" : json.toString()));
  }

  private static boolean isInt(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  static ObjectNode entry(Entry e) {
    ObjectNode n = Wire.object();
    n.set("key", key(e.key()));
    n.set("value", e.value());
    return n;
  }

  private static JsonNode info(IndexInfo i) {
    return Wire.object().put("name", i.name()).put("type", i.type().name().toLowerCase(Locale.ROOT))
        .put("leafCapacity", i.leafCapacity()).put("keyBits", i.keyBits()).put("maxStringBytes", i.maxStringBytes());
  }

  private static String index(Args a) {
    String index = a.string("index", 64);
    if (!Pht.isValidName(index)) {
      throw RemoteException.badRequest("bad index name '" + index + "': use 1-64 characters of a-z A-Z 0-9 . _ -");
    }
    return index;
  }

  @Override
  public CompletableFuture<JsonNode> call(Module.Client client, Args a) {
    switch (a.op()) {
      case "pht.create" -> {
        a.only("index", "type", "leafCapacity", "maxStringBytes");
        String index = index(a);
        String typeName = a.string("type", 16);
        KeyType type = switch (typeName) {
          case "long" -> KeyType.LONG;
          case "string" -> KeyType.STRING;
          case "point" -> KeyType.POINT;
          default -> throw RemoteException.badRequest("\"type\" must be \"long\", \"string\" or \"point\", not \""
              + typeName + "\"");
        };
        Optional<Long> capacity = a.optionalInteger("leafCapacity", 2, 1000);
        Optional<Long> maxString = a.optionalInteger("maxStringBytes", 1, 100);
        if (maxString.isPresent() && type != KeyType.STRING) {
          throw RemoteException.badRequest("maxStringBytes is for string indexes only");
        }
        if (type == KeyType.STRING && capacity.isPresent() != maxString.isPresent()) {
          throw RemoteException.badRequest("give leafCapacity and maxStringBytes of a string index together, or neither");
        }
        CompletableFuture<IndexInfo> created = capacity.isEmpty() ? pht.create(index, type)
            // maxStringBytes is ignored for other types than string.
            : pht.create(index, type, capacity.get().intValue(), maxString.orElse(1L).intValue());
        return created.thenApply(PhtModule::info);
      }
      case "pht.insert" -> {
        a.only("index", "key", "value");
        return pht.insert(index(a), key(a.json("key"), "key"), a.json("value"))
            .thenApply(added -> Wire.object().put("added", added));
      }
      case "pht.remove" -> {
        a.only("index", "key", "value");
        String index = index(a);
        Key key = key(a.json("key"), "key");
        CompletableFuture<Integer> removed = a.has("value")
            ? pht.remove(index, key, a.json("value")).thenApply(r -> r ? 1 : 0) : pht.remove(index, key);
        return removed.thenApply(n -> Wire.object().put("removed", n));
      }
      case "pht.lookup" -> {
        a.only("index", "key");
        return pht.lookup(index(a), key(a.json("key"), "key")).thenApply(values -> {
          ArrayNode out = Wire.MAPPER.createArrayNode();
          values.forEach(out::add);
          return Wire.object().set("values", out);
        });
      }
      case "pht.range", "pht.rect" -> {
        a.only("index", "lo", "hi", "limit", "after");
        String index = index(a);
        Key lo = key(a.json("lo"), "lo");
        Key hi = key(a.json("hi"), "hi");
        Query q;
        if (a.op().equals("pht.range")) {
          q = Query.range(index, lo, hi);
        } else if (lo instanceof Key.PointKey p && hi instanceof Key.PointKey r) {
          q = Query.rectangle(index, p, r);
        } else {
          throw RemoteException.badRequest("the corners of a rectangle are points [x, y]");
        }
        q = q.limit(a.limit(DEFAULT_PAGE, MAX_PAGE));
        if (a.has("after")) {
          ObjectNode after = a.object("after");
          Args cursor = new Args(a.op() + "'s after", after);
          cursor.only("key", "value");
          q = q.after(new Entry(key(after.get("key"), "after.key"), cursor.json("value")));
        }
        return pht.query(q).thenApply(PhtModule::results);
      }
      default -> throw new IllegalStateException("not a pht op: " + a.op());
    }
  }

  private static JsonNode results(Results page) {
    ObjectNode out = Wire.object();
    ArrayNode entries = out.putArray("entries");
    page.entries().forEach(e -> entries.add(entry(e)));
    Optional<Entry> last = page.next().flatMap(Query::after);
    if (last.isPresent()) {
      out.set("next", entry(last.get()));
    } else {
      out.putNull("next");
    }
    return out;
  }

  @Override
  public Throwable refine(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof NoSuchIndexException) {
      return new RemoteException(RemoteError.NOT_FOUND, e.getMessage());
    }
    return e;
  }
}
