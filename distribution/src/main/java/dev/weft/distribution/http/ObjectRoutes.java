package dev.weft.distribution.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.ConfigException;
import dev.weft.api.Node;
import dev.weft.api.Page;
import dev.weft.api.PutOutcome;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.Write;
import dev.weft.remote.Cursors;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.Route;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The routes of the node's storage, under {@code /v1/objects} (docs/http-api.md, "Objects"). */
final class ObjectRoutes {
  private static final String OBJECT = "/v1/objects/{namespace}/{key}";
  private static final Set<String> SIGNED_FIELDS = Set.of("value", "tombstone", "version", "expires", "signature");
  private static final Set<String> WRITE_FIELDS = Set.of("namespace", "key", "value");
  /** Largest body of a batch write ({@code POST /v1/objects}): some 80,000 objects of 200 bytes. */
  static final int MAX_BATCH_BYTES = 16 * 1024 * 1024;

  private ObjectRoutes() {}

  static List<Route> routes() {
    return List.of(
        new Route("GET", OBJECT, ObjectRoutes::get),
        new Route("PUT", OBJECT, ObjectRoutes::put),
        new Route("DELETE", OBJECT, ObjectRoutes::delete),
        new Route("PUT", OBJECT + "/signed", ObjectRoutes::putSigned),
        new Route("GET", "/v1/objects", ObjectRoutes::scan),
        new Route("POST", "/v1/objects", ObjectRoutes::putAll));
  }

  private static void get(HttpCall call) {
    String namespace = call.path("namespace", "namespace");
    String key = call.path("key", "key");
    call.query(Set.of());
    call.complete(() -> call.node().storage().get(namespace, key),
        found -> RemoteJson.storedObject(found.orElseThrow(() -> RemoteException.notFound("not found"))));
  }

  private static void put(HttpCall call) {
    String namespace = call.path("namespace", "namespace");
    String key = call.path("key", "key");
    Map<String, String> query = call.query(Set.of("ttl"));
    Optional<Duration> ttl = Optional.ofNullable(query.get("ttl")).map(ObjectRoutes::ttl);
    Node node = call.node();
    call.readJson("value", value -> call.complete(() -> ttl.isPresent()
        ? node.storage().put(namespace, key, value, ttl.get())
        : node.storage().put(namespace, key, value), written(node)));
  }

  /**
   * A batch write: the body is NDJSON, one {@code {"namespace", "key", "value"}} per line (blank lines are skipped).
   * Answers {@code {"stored", "failed", "results"}} with one result per object line, in order, each with its
   * {@code line} (1-based) and either what a single put answers or {@code error}: a line that is not such an object
   * fails alone, the others are written.
   */
  private static void putAll(HttpCall call) {
    Map<String, String> query = call.query(Set.of("ttl"));
    Optional<Duration> ttl = Optional.ofNullable(query.get("ttl")).map(ObjectRoutes::ttl);
    Node node = call.node();
    call.readBody(MAX_BATCH_BYTES, body -> {
      // One result per object line, in line order; a line that is no write gets its error now, the others their
      // outcome once the batch is settled (at writeAt: their places among the results).
      ArrayNode results = RemoteJson.MAPPER.createArrayNode();
      List<ObjectNode> writeAt = new ArrayList<>();
      List<Write> writes = new ArrayList<>();
      String text = new String(body, StandardCharsets.UTF_8);
      int lineNo = 0;
      int start = 0;
      while (start < text.length()) {
        int end = text.indexOf('\n', start);
        if (end < 0) {
          end = text.length();
        }
        lineNo++;
        String line = text.substring(start, end).strip();
        start = end + 1;
        if (line.isEmpty()) {
          continue;
        }
        ObjectNode result = results.addObject().put("line", lineNo);
        try {
          writes.add(write(call.parseJson(line)));
          writeAt.add(result);
        } catch (IllegalArgumentException e) {
          result.put("error", e.getMessage());
        }
      }
      call.complete(() -> ttl.isPresent() ? node.storage().putAll(writes, ttl.get()) : node.storage().putAll(writes),
          outcomes -> batchAnswer(results, writeAt, outcomes));
    });
  }

  /** One line of a batch as a write; its fields are checked here, its value by the storage. */
  private static Write write(JsonNode line) {
    if (!line.isObject()) {
      throw new IllegalArgumentException("a line is an object {\"namespace\", \"key\", \"value\"}");
    }
    for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!WRITE_FIELDS.contains(name)) {
        throw new IllegalArgumentException("unknown field '" + name + "' (a line has namespace, key and value)");
      }
    }
    if (!line.path("namespace").isTextual() || line.get("namespace").asText().isEmpty()
        || !line.path("key").isTextual() || line.get("key").asText().isEmpty()) {
      throw new IllegalArgumentException("\"namespace\" and \"key\" must be non-empty strings");
    }
    if (!line.has("value")) {
      throw new IllegalArgumentException("\"value\" is missing");
    }
    return new Write(line.get("namespace").asText(), line.get("key").asText(), line.get("value"));
  }

  private static JsonNode batchAnswer(ArrayNode results, List<ObjectNode> writeAt, List<PutOutcome> outcomes) {
    int stored = 0;
    for (int i = 0; i < outcomes.size(); i++) {
      PutOutcome o = outcomes.get(i);
      if (o.ok()) {
        writeAt.get(i).setAll(RemoteJson.putResult(o.result()));
        stored++;
      } else {
        writeAt.get(i).put("error", o.error().orElseThrow());
      }
    }
    ObjectNode body = RemoteJson.object().put("stored", stored).put("failed", results.size() - stored);
    body.set("results", results);
    return body;
  }

  private static void delete(HttpCall call) {
    String namespace = call.path("namespace", "namespace");
    String key = call.path("key", "key");
    call.query(Set.of());
    Node node = call.node();
    call.complete(() -> node.storage().delete(namespace, key), written(node));
  }

  /**
   * What a write answers: {@code {version, acknowledged, attempted}}, and a {@code warning} when the node knows no
   * other node — its write "succeeded" on its own store alone, which a lone first node may mean but a newcomer who
   * forgot {@code --bootstrap} does not.
   */
  private static Function<PutResult, JsonNode> written(Node node) {
    return result -> NodeRoutes.warnIfAlone(node, RemoteJson.putResult(result));
  }

  /**
   * A record of an owned namespace that its owner signed elsewhere (the CLI: the private key never reaches the node):
   * {@code {"value": "<JSON text>" | "tombstone": true, "version", "expires", "signature"}}. The value is JSON text in a
   * string because the signature covers its exact bytes, which a parsed and re-written value would not keep.
   */
  private static void putSigned(HttpCall call) {
    String namespace = call.path("namespace", "namespace");
    String key = call.path("key", "key");
    call.query(Set.of());
    Node node = call.node();
    call.readJson("signed record", body -> {
      Record record = signedRecord(body, namespace, key, node);
      call.complete(() -> node.storage().putSigned(record), written(node));
    });
  }

  private static Record signedRecord(JsonNode body, String namespace, String key, Node node) {
    if (!body.isObject()) {
      throw RemoteException.badRequest("a signed record is an object {value | tombstone, version, expires,"
          + " signature}");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!SIGNED_FIELDS.contains(name)) {
        throw RemoteException.badRequest("unknown field '" + name + "' in a signed record");
      }
    }
    boolean tombstone = body.path("tombstone").asBoolean(false);
    if (tombstone == body.path("value").isTextual() || body.has("tombstone") && !body.get("tombstone").isBoolean()) {
      throw RemoteException.badRequest("a signed record has either \"value\" (the value's JSON text, as a string) or "
          + "\"tombstone\": true");
    }
    if (!body.path("version").isTextual() || !body.path("expires").canConvertToExactIntegral()
        || !body.path("expires").canConvertToLong() || !body.path("signature").isTextual()) {
      throw RemoteException.badRequest("a signed record needs \"version\" (text), \"expires\" (ms since the epoch) and "
          + "\"signature\" (base64)");
    }
    Version version = Version.parse(body.get("version").asText());
    long expires = body.get("expires").asLong();
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(body.get("signature").asText());
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("the signature is not base64");
    }
    if (signature.length != RecordSigner.SIGNATURE_BYTES) {
      throw RemoteException.badRequest("the signature has " + signature.length + " bytes, not "
          + RecordSigner.SIGNATURE_BYTES);
    }
    Record r = tombstone ? Record.tombstone(namespace, key, version, expires, node.id())
        : Record.value(namespace, key, body.get("value").asText().getBytes(StandardCharsets.UTF_8), version, expires,
            node.id());
    return r.withSignature(signature);
  }

  private static void scan(HttpCall call) {
    Map<String, String> query = call.query(Set.of("namespace", "after", "limit"));
    String namespace = query.get("namespace");
    if (namespace != null && namespace.isEmpty()) {
      throw RemoteException.badRequest("the namespace must not be empty");
    }
    Scan scan = namespace == null ? Scan.all() : Scan.namespace(namespace);
    scan = scan.limit(Pages.of(query.get("limit")));
    if (query.containsKey("after")) {
      String[] cursor = decodeCursor(query.get("after"));
      scan = scan.after(cursor[0], cursor[1]);
    }
    Scan request = scan;
    call.complete(() -> call.node().storage().lscan(request), (Page<StoredObject> page) -> {
      ObjectNode body = RemoteJson.object();
      ArrayNode items = body.putArray("items");
      page.items().forEach(o -> items.add(RemoteJson.storedObject(o)));
      Optional<Scan> next = page.next();
      if (next.isPresent() && next.get().afterNamespace().isPresent() && next.get().afterKey().isPresent()) {
        body.put("next", Cursors.encode(RemoteJson.MAPPER.createArrayNode().add(next.get().afterNamespace().get())
            .add(next.get().afterKey().get())));
      } else {
        body.putNull("next");
      }
      return body;
    });
  }

  /** The (namespace, key) an objects page ended at: the cursor holds them as a JSON array. */
  private static String[] decodeCursor(String cursor) {
    JsonNode pair = Cursors.decode(cursor);
    if (pair.isArray() && pair.size() == 2 && pair.get(0).isTextual() && pair.get(1).isTextual()) {
      return new String[] {pair.get(0).textValue(), pair.get(1).textValue()};
    }
    throw Cursors.invalid(cursor);
  }

  private static Duration ttl(String text) {
    try {
      return WeftConfig.empty().with("ttl", text).duration("ttl", Duration.ZERO);
    } catch (ConfigException e) {
      throw RemoteException.badRequest(e.getMessage());
    }
  }
}
