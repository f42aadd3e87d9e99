package dev.weft.pht.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Node;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.NoSuchIndexException;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.remote.Cursors;
import dev.weft.remote.Failures;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The HTTP routes of the PHT, under {@code /v1/pht/indexes/{index}} (docs/http-api.md, "Indexes"). An index never
 * created is 404 here (a {@link NoSuchIndexException} is a {@link dev.weft.api.WeftException}, 503 elsewhere).
 *
 * <p>Public for {@link java.util.ServiceLoader}; not API.
 */
public final class PhtRoutes implements RemoteFeature {
  private static final String INDEX = "/v1/pht/indexes/{index}";

  @Override
  public String name() {
    return "pht";
  }

  @Override
  public Set<String> ops() {
    return PhtOps.OPS;
  }

  @Override
  public Optional<GatewayOps> gatewayOps(Node node) {
    return node.service(Pht.class).map(PhtOps::new);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", INDEX, PhtRoutes::describe),
        new Route("PUT", INDEX, PhtRoutes::create),
        new Route("GET", INDEX + "/entries", PhtRoutes::lookup),
        new Route("POST", INDEX + "/entries", PhtRoutes::insert),
        new Route("DELETE", INDEX + "/entries", PhtRoutes::remove),
        new Route("GET", INDEX + "/range", call -> query(call, false)),
        new Route("GET", INDEX + "/rectangle", call -> query(call, true)),
        new Route("GET", INDEX + "/stats", PhtRoutes::stats));
  }

  private static String index(HttpCall call) {
    return call.path("index", "index name");
  }

  private static Pht pht(HttpCall call) {
    return RemoteException.unsupportedWithout(() -> Pht.of(call.node()));
  }

  private static Throwable failure(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof NoSuchIndexException) {
      return RemoteException.notFound("not found: " + e.getMessage());
    }
    return e;
  }

  private static void describe(HttpCall call) {
    String index = index(call);
    call.query(Set.of());
    Pht pht = pht(call);
    call.complete(() -> pht.describe(index),
        found -> PhtForms.indexInfo(found.orElseThrow(() -> RemoteException.notFound("not found"))),
        PhtRoutes::failure);
  }

  private static void create(HttpCall call) {
    String index = index(call);
    call.query(Set.of());
    Pht pht = pht(call);
    call.readJson("index definition", body -> {
      IndexDefinition definition = IndexDefinition.of(body);
      call.complete(() -> definition.create(pht, index)
          .exceptionallyCompose(e -> conflict(pht, index, definition.type(), e)), PhtForms::indexInfo,
          PhtRoutes::failure);
    });
  }

  /**
   * A create refused because the index exists keyed by another type is 409, though {@link Pht#create} says so with
   * the {@link IllegalArgumentException} of any bad argument: the definition that exists tells which it was.
   */
  private static CompletableFuture<IndexInfo> conflict(Pht pht, String index, KeyType type, Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (!(e instanceof IllegalArgumentException)) {
      return CompletableFuture.failedFuture(e);
    }
    return pht.describe(index).handle((existing, ignored) -> {
      if (existing != null && existing.isPresent() && existing.get().type() != type) {
        throw new RemoteException(RemoteError.CONFLICT, "index " + index + " exists already, keyed by "
            + PhtForms.typeName(existing.get().type()));
      }
      throw new CompletionException(e);
    });
  }

  private static void stats(HttpCall call) {
    String index = index(call);
    call.query(Set.of());
    Pht pht = pht(call);
    call.complete(() -> pht.stats(index), PhtForms::indexStats, PhtRoutes::failure);
  }

  private static void insert(HttpCall call) {
    String index = index(call);
    call.query(Set.of());
    Pht pht = pht(call);
    call.readJson("entry", body -> {
      RemoteJson.fields(body, "entry", Set.of("key", "value"), Set.of());
      Key key = PhtForms.key(body.get("key"), "key");
      call.complete(() -> pht.insert(index, key, body.get("value")),
          added -> RemoteJson.object().put("added", added), PhtRoutes::failure);
    });
  }

  private static void lookup(HttpCall call) {
    String index = index(call);
    Key key = keyParameter(call, call.query(Set.of("key")), "key");
    Pht pht = pht(call);
    call.complete(() -> pht.lookup(index, key), values -> {
      ObjectNode body = RemoteJson.object();
      body.set("key", PhtForms.key(key));
      body.putArray("values").addAll(values);
      return body;
    }, PhtRoutes::failure);
  }

  private static void remove(HttpCall call) {
    String index = index(call);
    Map<String, String> query = call.query(Set.of("key", "value"));
    Key key = keyParameter(call, query, "key");
    Optional<JsonNode> value = query.containsKey("value") ? Optional.of(jsonParameter(call, query, "value"))
        : Optional.empty();
    Pht pht = pht(call);
    call.complete(() -> value.isPresent() ? pht.remove(index, key, value.get()).thenApply(removed -> removed ? 1 : 0)
        : pht.remove(index, key), n -> RemoteJson.object().put("removed", n), PhtRoutes::failure);
  }

  private static void query(HttpCall call, boolean rectangle) {
    String index = index(call);
    Map<String, String> query = call.query(Set.of("lo", "hi", "limit", "after"));
    Key lo = keyParameter(call, query, "lo");
    Key hi = keyParameter(call, query, "hi");
    Query request;
    if (!rectangle) {
      request = Query.range(index, lo, hi);
    } else if (lo instanceof Key.PointKey a && hi instanceof Key.PointKey b) {
      request = Query.rectangle(index, a, b);
    } else {
      throw RemoteException.badRequest("the corners of a rectangle are points [x, y]");
    }
    request = request.limit(Pages.of(query.get("limit")));
    if (query.containsKey("after")) {
      request = request.after(entryCursor(query.get("after")));
    }
    Pht pht = pht(call);
    Query q = request;
    call.complete(() -> pht.query(q), (Results page) -> {
      ObjectNode body = RemoteJson.object();
      ArrayNode entries = body.putArray("entries");
      page.entries().forEach(e -> entries.add(PhtForms.entry(e)));
      Optional<Entry> last = page.next().flatMap(Query::after);
      if (last.isPresent()) {
        body.put("next", Cursors.encode(PhtForms.entry(last.get())));
      } else {
        body.putNull("next");
      }
      return body;
    }, PhtRoutes::failure);
  }

  /**
   * The position of a range or rectangle query's {@code after}: its last entry, {@code {"key","value"}}; the next page
   * starts after it. It carries the value, so it is about 4/3 as long as the value's JSON.
   */
  private static Entry entryCursor(String cursor) {
    JsonNode entry = Cursors.decode(cursor);
    if (entry.isObject() && entry.size() == 2 && entry.has("key") && entry.has("value")) {
      try {
        return new Entry(PhtForms.parseKey(entry.get("key")), entry.get("value"));
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw Cursors.invalid(cursor);
  }

  /** The required query parameter {@code name} as a key: JSON text, as {@link PhtForms#parseKey} reads it. */
  private static Key keyParameter(HttpCall call, Map<String, String> query, String name) {
    return PhtForms.key(jsonParameter(call, query, name), name);
  }

  private static JsonNode jsonParameter(HttpCall call, Map<String, String> query, String name) {
    String text = query.get(name);
    if (text == null) {
      throw RemoteException.badRequest("query parameter '" + name + "' is missing");
    }
    try {
      return call.parseJson(text);
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("invalid JSON " + name + ": " + e.getMessage()
          + " (a string needs quotes: \"text\")");
    }
  }
}
