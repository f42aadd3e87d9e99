package dev.weft.pht.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.pht.Entry;
import dev.weft.pht.Key;
import dev.weft.pht.NoSuchIndexException;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code pht.create}, {@code pht.insert}, {@code pht.remove}, {@code pht.lookup}, {@code pht.range} and {@code
 * pht.rect}. Keys are written as the HTTP API writes them: a JSON integer (long index), a string (string index) or
 * {@code [x, y]} (point index).
 */
final class PhtOps implements GatewayOps {
  private final Pht pht;

  PhtOps(Pht pht) {
    this.pht = pht;
  }

  @Override
  public String name() {
    return "pht";
  }

  /** The ops, by name. */
  static final Set<String> OPS = Set.of("pht.create", "pht.insert", "pht.remove", "pht.lookup", "pht.range", "pht.rect");

  private static String index(OpArgs a) {
    return PhtForms.indexName(a.string("index", 64));
  }

  @Override
  public CompletableFuture<JsonNode> call(GatewayOps.Client client, OpArgs a) {
    switch (a.op()) {
      case "pht.create" -> {
        a.only("index", "type", "leafCapacity", "maxStringBytes");
        String index = index(a);
        ObjectNode fields = RemoteJson.object();
        for (String f : List.of("type", "leafCapacity", "maxStringBytes")) {
          if (a.has(f)) {
            fields.set(f, a.json(f));
          }
        }
        return IndexDefinition.of(fields).create(pht, index).thenApply(PhtForms::indexInfo);
      }
      case "pht.insert" -> {
        a.only("index", "key", "value");
        return pht.insert(index(a), PhtForms.key(a.json("key"), "key"), a.json("value"))
            .thenApply(added -> RemoteJson.object().put("added", added));
      }
      case "pht.remove" -> {
        a.only("index", "key", "value");
        String index = index(a);
        Key key = PhtForms.key(a.json("key"), "key");
        CompletableFuture<Integer> removed = a.has("value")
            ? pht.remove(index, key, a.json("value")).thenApply(r -> r ? 1 : 0) : pht.remove(index, key);
        return removed.thenApply(n -> RemoteJson.object().put("removed", n));
      }
      case "pht.lookup" -> {
        a.only("index", "key");
        return pht.lookup(index(a), PhtForms.key(a.json("key"), "key")).thenApply(values -> {
          ArrayNode out = RemoteJson.MAPPER.createArrayNode();
          values.forEach(out::add);
          return RemoteJson.object().set("values", out);
        });
      }
      case "pht.range", "pht.rect" -> {
        a.only("index", "lo", "hi", "limit", "after");
        String index = index(a);
        Key lo = PhtForms.key(a.json("lo"), "lo");
        Key hi = PhtForms.key(a.json("hi"), "hi");
        Query q;
        if (a.op().equals("pht.range")) {
          q = Query.range(index, lo, hi);
        } else if (lo instanceof Key.PointKey p && hi instanceof Key.PointKey r) {
          q = Query.rectangle(index, p, r);
        } else {
          throw RemoteException.badRequest("the corners of a rectangle are points [x, y]");
        }
        q = q.limit(a.limit());
        if (a.has("after")) {
          ObjectNode after = a.object("after");
          OpArgs cursor = new OpArgs(a.op() + "'s after", after);
          cursor.only("key", "value");
          q = q.after(new Entry(PhtForms.key(after.get("key"), "after.key"), cursor.json("value")));
        }
        return pht.query(q).thenApply(PhtOps::results);
      }
      default -> throw new IllegalStateException("not a pht op: " + a.op());
    }
  }

  private static JsonNode results(Results page) {
    ObjectNode out = RemoteJson.object();
    ArrayNode entries = out.putArray("entries");
    page.entries().forEach(e -> entries.add(PhtForms.entry(e)));
    Optional<Entry> last = page.next().flatMap(Query::after);
    if (last.isPresent()) {
      out.set("next", PhtForms.entry(last.get()));
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
