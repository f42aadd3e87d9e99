package dev.weft.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.ConfigException;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import dev.weft.api.Page;
import dev.weft.api.PutResult;
import dev.weft.api.RateLimitedException;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.UndeliverableException;
import dev.weft.messaging.remote.MessagingForms;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.NoSuchIndexException;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.pht.remote.IndexDefinition;
import dev.weft.pht.remote.PhtForms;
import dev.weft.remote.Failures;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.schema.Global;
import dev.weft.schema.GlobalRefusedException;
import dev.weft.schema.Schema;
import dev.weft.schema.remote.SchemaForms;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the HTTP/JSON API (documented in {@code docs/http-api.md}) over one {@link Node}.
 *
 * <pre>
 *   Jetty thread: handle() ── parse, validate ──► node.storage().get(..)  (returns at once)
 *                                                       │ completes on the node's event thread
 *   Jetty pool:   ◄── whenCompleteAsync ────────────────┘ serialise, response.write(.., callback)
 * </pre>
 *
 * No Jetty thread ever waits for the node: the response is written when the node's future completes, on Jetty's pool
 * so that serialising a page of objects does not hold up the node's event thread. Every failure becomes a JSON error
 * with a status; a bad request cannot escape {@link #handle} as an exception.
 *
 * <p>{@code GET /v1/messages/stream} and {@code GET /v1/schema/watch} are the long requests: an {@link NdjsonStream} per
 * client, ended by the client, by a failed write, or by {@link #shutdown()} when the server stops (Jetty calls it on
 * every {@link Graceful} bean, before it waits for the requests in flight, which would otherwise include every open
 * stream).
 */
final class ApiHandler extends Handler.Abstract.NonBlocking implements Graceful {
  /** The {@code warning} of a write or {@code info} on a node with no contact. */
  static final String ALONE = "this node knows no other node: what it stores is held here alone. Join a network "
      + "(weft node --bootstrap ADDRESS) unless this is its first node";


  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final String JSON_TYPE = "application/json";
  /** Methods the timers name; any other is "other", so a client cannot make up series. */
  private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS");
  private static final Base64.Encoder CURSOR_ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final Node node;
  private final Executor executor;
  private final int maxBodyBytes;
  private final Duration timeout;
  private final int streamBufferBytes;
  private final Duration heartbeat;
  private final Set<NdjsonStream> streams = ConcurrentHashMap.newKeySet();
  private final Optional<byte[]> token;
  private final ApiGuard guard;
  private final NodeMetrics metrics;
  private volatile boolean shutdown;

  ApiHandler(Node node, Executor executor, HttpApi.Options options, NodeMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
    this.token = options.token().map(t -> ("Bearer " + t).getBytes(StandardCharsets.US_ASCII));
    this.guard = new ApiGuard(options.access(), options.listen());
    this.executor = executor;
    this.maxBodyBytes = options.maxRequestBytes();
    this.timeout = options.requestTimeout();
    this.streamBufferBytes = options.streamBufferBytes();
    this.heartbeat = options.heartbeat();
  }

  /** Open {@code /v1/messages/stream} and {@code /v1/schema/watch} responses. */
  int openStreams() {
    return streams.size();
  }

  /** Ends every stream cleanly and refuses new ones; the server stops next. */
  @Override
  public CompletableFuture<Void> shutdown() {
    shutdown = true;
    streams.forEach(NdjsonStream::end);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  protected void doStop() throws Exception {
    // Without a graceful stop (stop timeout 0) shutdown() is not called: the streams still end, if they can.
    shutdown();
    super.doStop();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response, callback);
    try {
      if (!admitted(exchange)) {
        return true;
      }
      String path = request.getHttpURI().getPath();
      if ("/".equals(path)) {
        // Someone typed the address into a browser: the UI is what they are after.
        exchange.route = "/";
        exchange.allow("GET", "HEAD");
        Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, UiFiles.ROOT + "/", false);
        return true;
      }
      if (path != null && (path.equals(UiFiles.ROOT) || path.startsWith(UiFiles.ROOT + "/"))) {
        // The UI's files hold no data: a browser loads them without the token, then sends it with its API calls.
        exchange.route = UiFiles.ROOT;
        exchange.allow("GET", "HEAD");
        UiFiles.serve(path, request, response, callback);
        return true;
      }
      if (!authorized(request)) {
        exchange.route = "unauthorized";
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"weft\"");
        exchange.error(RemoteError.UNAUTHORIZED, "this node's HTTP API requires a token: send the header Authorization: Bearer <"
            + NodeSettings.API_TOKEN + "> (weft --token, or WEFT_API_TOKEN)");
        return true;
      }
      route(exchange);
    } catch (RemoteException e) {
      exchange.error(e.error(), e.getMessage());
    } catch (RuntimeException e) {
      exchange.fail(e);
    }
    return true;
  }

  /**
   * Applies {@link ApiGuard} before anything else: a refused Host or Origin gets 403 and nothing runs; a listed origin
   * gets its CORS headers, and its preflight is answered here.
   *
   * @return whether the request goes on to its route
   */
  private boolean admitted(Exchange ex) {
    HttpFields headers = ex.request.getHeaders();
    HttpFields.Mutable out = ex.response.getHeaders();
    if (guard.listsOrigins()) {
      out.add(HttpHeader.VARY, HttpHeader.ORIGIN.asString());
    }
    String origin = headers.get(HttpHeader.ORIGIN);
    String refusal = guard.refusal(headers.get(HttpHeader.HOST), origin);
    if (refusal != null) {
      ex.route = "forbidden";
      ex.error(RemoteError.FORBIDDEN, refusal);
      return false;
    }
    if (origin == null || !guard.listed(origin)) {
      return true;
    }
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, ApiGuard.CORS_EXPOSED);
    if (!ex.request.getMethod().equals("OPTIONS") || !headers.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
      return true;
    }
    ex.route = "preflight";
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ApiGuard.CORS_METHODS);
    out.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, ApiGuard.CORS_HEADERS);
    out.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, ApiGuard.CORS_MAX_AGE);
    ex.empty(204);
    return false;
  }

  /** Whether the request carries the token, when one is required; compared in constant time. */
  private boolean authorized(Request request) {
    if (token.isEmpty()) {
      return true;
    }
    String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    return given != null && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.US_ASCII));
  }

  private void route(Exchange ex) {
    String path = ex.request.getHttpURI().getPath();
    List<String> segments = path == null || !path.startsWith("/") ? List.of() : List.of(path.substring(1).split("/", -1));
    ex.route = template(segments);
    if (segments.size() == 1 && segments.get(0).equals("metrics")) {
      ex.allow("GET");
      ex.query(Set.of());
      ex.text(200, NodeMetrics.contentType(), metrics.scrape());
      return;
    }
    if (segments.size() >= 2 && segments.get(0).equals("v1")) {
      String resource = segments.get(1);
      if (segments.size() == 2) {
        switch (resource) {
          case "info" -> {
            ex.allow("GET");
            info(ex);
            return;
          }
          case "stats" -> {
            ex.allow("GET");
            stats(ex);
            return;
          }
          case "peers" -> {
            ex.allow("GET");
            peers(ex);
            return;
          }
          case "objects" -> {
            ex.allow("GET");
            scan(ex);
            return;
          }
          default -> {
            // falls through to 404
          }
        }
      } else if (resource.equals("messages") && messages(ex, segments)) {
        return;
      } else if (resource.equals("schema") && schema(ex, segments)) {
        return;
      } else if (resource.equals("pht") && pht(ex, segments)) {
        return;
      } else if (segments.size() == 5 && resource.equals("objects") && segments.get(4).equals("signed")) {
        ex.allow("PUT");
        putSigned(ex, segment(segments.get(2), "namespace"), segment(segments.get(3), "key"));
        return;
      } else if (segments.size() == 4 && resource.equals("objects")) {
        ex.allow("GET", "PUT", "DELETE");
        String namespace = segment(segments.get(2), "namespace");
        String key = segment(segments.get(3), "key");
        switch (ex.request.getMethod()) {
          case "GET" -> get(ex, namespace, key);
          case "PUT" -> put(ex, namespace, key);
          default -> delete(ex, namespace, key);
        }
        return;
      }
    }
    throw new RemoteException(RemoteError.NOT_FOUND, "no such resource: " + path
        + " (see /v1/objects/{namespace}/{key}, /v1/objects/{namespace}/{key}/signed, /v1/objects, /v1/messages/key/{namespace}/{key},"
        + " /v1/messages/node/{id}, /v1/messages/all, /v1/messages/stream, /v1/schema/globals/{name},"
        + " /v1/schema/globals, /v1/schema/watch, /v1/schema/stats, /v1/schema/sync, /v1/pht/indexes/{index},"
        + " /v1/pht/indexes/{index}/entries, /v1/pht/indexes/{index}/range, /v1/pht/indexes/{index}/rectangle,"
        + " /v1/pht/indexes/{index}/stats, /v1/info, /v1/stats, /v1/peers, /metrics)");
  }

  /**
   * The route of a path with its variable parts replaced ({@code /v1/objects/{namespace}/{key}}), so that the request
   * timers have one series per route rather than one per key.
   */
  static String template(List<String> segments) {
    if (segments.size() == 1 && segments.get(0).equals("metrics")) {
      return "/metrics";
    }
    if (segments.size() < 2 || !segments.get(0).equals("v1")) {
      return "other";
    }
    String resource = segments.get(1);
    int n = segments.size();
    String third = n > 2 ? segments.get(2) : "";
    String t = switch (resource) {
      case "info", "stats", "peers" -> n == 2 ? "/v1/" + resource : null;
      case "objects" -> n == 2 ? "/v1/objects" : n == 4 ? "/v1/objects/{namespace}/{key}"
          : n == 5 && segments.get(4).equals("signed") ? "/v1/objects/{namespace}/{key}/signed" : null;
      case "messages" -> switch (third) {
        case "key" -> n == 5 ? "/v1/messages/key/{namespace}/{key}" : null;
        case "node" -> n == 4 ? "/v1/messages/node/{id}" : null;
        case "all", "stream" -> n == 3 ? "/v1/messages/" + third : null;
        default -> null;
      };
      case "schema" -> third.equals("globals") && n == 4 ? "/v1/schema/globals/{name}"
          : n == 3 && Set.of("globals", "watch", "stats", "sync").contains(third) ? "/v1/schema/" + third : null;
      case "pht" -> !third.equals("indexes") || n < 4 ? null
          : n == 4 ? "/v1/pht/indexes/{index}"
          : n == 5 && Set.of("entries", "range", "rectangle", "stats").contains(segments.get(4))
              ? "/v1/pht/indexes/{index}/" + segments.get(4) : null;
      default -> null;
    };
    return t == null ? "other" : t;
  }

  /** The routes under {@code /v1/messages}; false when the path is none of them. */
  private boolean messages(Exchange ex, List<String> segments) {
    String target = segments.size() >= 3 ? segments.get(2) : "";
    switch (target) {
      case "key" -> {
        if (segments.size() != 5) {
          return false;
        }
        ex.allow("POST");
        sendToKey(ex, segment(segments.get(3), "namespace"), segment(segments.get(4), "key"));
      }
      case "node" -> {
        if (segments.size() != 4) {
          return false;
        }
        ex.allow("POST");
        sendToNode(ex, nodeId(segments.get(3)));
      }
      case "all" -> {
        if (segments.size() != 3) {
          return false;
        }
        ex.allow("POST");
        sendToAll(ex);
      }
      case "stream" -> {
        if (segments.size() != 3) {
          return false;
        }
        ex.allow("GET");
        stream(ex);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The routes under {@code /v1/schema}; false when the path is none of them. */
  private boolean schema(Exchange ex, List<String> segments) {
    String target = segments.size() >= 3 ? segments.get(2) : "";
    if (target.equals("globals") && segments.size() == 4) {
      ex.allow("GET", "PUT", "DELETE");
      String name = segment(segments.get(3), "global name");
      switch (ex.request.getMethod()) {
        case "GET" -> getGlobal(ex, name);
        case "PUT" -> setGlobal(ex, name);
        default -> removeGlobal(ex, name);
      }
      return true;
    }
    if (segments.size() != 3) {
      return false;
    }
    switch (target) {
      case "globals" -> {
        ex.allow("GET");
        globals(ex);
      }
      case "watch" -> {
        ex.allow("GET");
        watch(ex);
      }
      case "stats" -> {
        ex.allow("GET");
        schemaStats(ex);
      }
      case "sync" -> {
        ex.allow("POST");
        sync(ex);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The routes under {@code /v1/pht/indexes/{index}}; false when the path is none of them. */
  private boolean pht(Exchange ex, List<String> segments) {
    if (segments.size() < 4 || segments.size() > 5 || !segments.get(2).equals("indexes")) {
      return false;
    }
    if (segments.size() == 5 && !Set.of("stats", "entries", "range", "rectangle").contains(segments.get(4))) {
      return false;
    }
    String target = segments.size() == 5 ? segments.get(4) : "";
    String index = segment(segments.get(3), "index name");
    switch (target) {
      case "" -> {
        ex.allow("GET", "PUT");
        if (ex.request.getMethod().equals("GET")) {
          describeIndex(ex, index);
        } else {
          createIndex(ex, index);
        }
      }
      case "entries" -> {
        ex.allow("GET", "POST", "DELETE");
        switch (ex.request.getMethod()) {
          case "GET" -> lookupEntries(ex, index);
          case "POST" -> insertEntry(ex, index);
          default -> removeEntries(ex, index);
        }
      }
      case "stats" -> {
        ex.allow("GET");
        indexStats(ex, index);
      }
      default -> {
        ex.allow("GET");
        queryEntries(ex, index, target.equals("rectangle"));
      }
    }
    return true;
  }

  private static NodeId nodeId(String raw) {
    String text = segment(raw, "node id");
    try {
      return NodeId.fromHex(text);
    } catch (IllegalArgumentException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "invalid node id: " + e.getMessage());
    }
  }

  private static String segment(String raw, String what) {
    String decoded;
    try {
      decoded = Urls.decodeSegment(raw);
    } catch (IllegalArgumentException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "invalid " + what + ": " + e.getMessage());
    }
    if (decoded.isEmpty()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "the " + what + " must not be empty");
    }
    return decoded;
  }

  // info() and stats() are synchronous snapshots: the node copies a few counters on its loop, a short wait that does not
  // touch the network, so they are answered on the Jetty thread.
  private void info(Exchange ex) {
    ex.query(Set.of());
    ObjectNode body = Json.MAPPER.valueToTree(node.info());
    body.put("weftVersion", Versions.weft());
    warnIfAlone(body);
    ex.ok(body);
  }

  private void stats(Exchange ex) {
    ex.query(Set.of());
    ex.ok(Json.MAPPER.valueToTree(node.stats()));
  }

  /** The routing table, one entry per contact, closest buckets last: {@code weft peers}. */
  private void peers(Exchange ex) {
    ex.query(Set.of());
    ArrayNode peers = Json.MAPPER.createArrayNode();
    for (NodeInfo.Bucket bucket : node.info().buckets()) {
      for (NodeInfo.ContactInfo c : bucket.contacts()) {
        ObjectNode peer = peers.addObject();
        peer.put("id", c.contact().id().toHex());
        peer.set("addresses", Json.MAPPER.valueToTree(c.contact().addresses()));
        peer.put("bucket", bucket.index());
        peer.put("lastSeenMillis", c.lastSeenMillis());
        if (c.rttMillis() >= 0) {
          peer.put("rttMillis", c.rttMillis());
        } else {
          peer.putNull("rttMillis");
        }
        peer.put("failures", c.failures());
      }
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("count", peers.size());
    body.set("peers", peers);
    ex.ok(body);
  }

  private void get(Exchange ex, String namespace, String key) {
    ex.query(Set.of());
    ex.complete(() -> node.storage().get(namespace, key), found -> {
      if (found.isPresent()) {
        ex.ok(found.get());
      } else {
        ex.error(RemoteError.NOT_FOUND, "not found");
      }
    });
  }

  private void put(Exchange ex, String namespace, String key) {
    Map<String, String> query = ex.query(Set.of("ttl"));
    Optional<Duration> ttl = Optional.ofNullable(query.get("ttl")).map(ApiHandler::ttl);
    ex.readJson("value", value -> ex.complete(() -> ttl.isPresent()
        ? node.storage().put(namespace, key, value, ttl.get())
        : node.storage().put(namespace, key, value), written(ex)));
  }

  /**
   * What a write answers: {@code {version, acknowledged, attempted}}, and a {@code warning} when the node knows no
   * other node — its write "succeeded" on its own store alone, which a lone first node may mean but a newcomer who
   * forgot {@code --bootstrap} does not.
   */
  private Consumer<PutResult> written(Exchange ex) {
    return result -> {
      ObjectNode body = Json.MAPPER.valueToTree(result);
      warnIfAlone(body);
      ex.ok(body);
    };
  }

  /** Adds {@link #ALONE} to {@code body} when the node has no contact. */
  private void warnIfAlone(ObjectNode body) {
    if (node.info().contacts() == 0) {
      body.put("warning", ALONE);
    }
  }

  /**
   * A record of an owned namespace that its owner signed elsewhere (the CLI: the private key never reaches the node):
   * {@code {"value": "<JSON text>" | "tombstone": true, "version", "expires", "signature"}}. The value is JSON text in a
   * string because the signature covers its exact bytes, which a parsed and re-written value would not keep.
   */
  private void putSigned(Exchange ex, String namespace, String key) {
    ex.query(Set.of());
    ex.readJson("signed record", body -> {
      Record record = signedRecord(body, namespace, key);
      ex.complete(() -> node.storage().putSigned(record), written(ex));
    });
  }

  private Record signedRecord(JsonNode body, String namespace, String key) {
    if (!body.isObject()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "a signed record is an object {value | tombstone, version, expires, signature}");
    }
    for (java.util.Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Set.of("value", "tombstone", "version", "expires", "signature").contains(name)) {
        throw new RemoteException(RemoteError.BAD_REQUEST, "unknown field '" + name + "' in a signed record");
      }
    }
    boolean tombstone = body.path("tombstone").asBoolean(false);
    if (tombstone == body.path("value").isTextual() || body.has("tombstone") && !body.get("tombstone").isBoolean()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "a signed record has either \"value\" (the value's JSON text, as a string) or "
          + "\"tombstone\": true");
    }
    if (!body.path("version").isTextual() || !body.path("expires").canConvertToExactIntegral()
        || !body.path("expires").canConvertToLong() || !body.path("signature").isTextual()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "a signed record needs \"version\" (text), \"expires\" (ms since the epoch) and "
          + "\"signature\" (base64)");
    }
    Version version = Version.parse(body.get("version").asText());
    long expires = body.get("expires").asLong();
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(body.get("signature").asText());
    } catch (IllegalArgumentException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "the signature is not base64");
    }
    if (signature.length != RecordSigner.SIGNATURE_BYTES) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "the signature has " + signature.length + " bytes, not "
          + RecordSigner.SIGNATURE_BYTES);
    }
    Record r = tombstone ? Record.tombstone(namespace, key, version, expires, node.id())
        : Record.value(namespace, key, body.get("value").asText().getBytes(StandardCharsets.UTF_8), version, expires,
            node.id());
    return r.withSignature(signature);
  }

  private void delete(Exchange ex, String namespace, String key) {
    ex.query(Set.of());
    ex.complete(() -> node.storage().delete(namespace, key), written(ex));
  }

  private void scan(Exchange ex) {
    Map<String, String> query = ex.query(Set.of("namespace", "after", "limit"));
    String namespace = query.get("namespace");
    Scan scan = namespace == null ? Scan.all() : Scan.namespace(segmentValue(namespace, "namespace"));
    scan = scan.limit(limit(query));
    if (query.containsKey("after")) {
      String[] cursor = decodeCursor(query.get("after"));
      scan = scan.after(cursor[0], cursor[1]);
    }
    Scan request = scan;
    ex.complete(() -> node.storage().lscan(request), (Page<StoredObject> page) -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode items = body.putArray("items");
      page.items().forEach(o -> items.add(Json.MAPPER.<JsonNode>valueToTree(o)));
      Optional<Scan> next = page.next();
      if (next.isPresent() && next.get().afterNamespace().isPresent() && next.get().afterKey().isPresent()) {
        body.put("next", encodeCursor(next.get().afterNamespace().get(), next.get().afterKey().get()));
      } else {
        body.putNull("next");
      }
      ex.ok(body);
    });
  }

  /** The page size asked for with {@code limit}, else {@link Pages#DEFAULT}. */
  private static int limit(Map<String, String> query) {
    String asked = query.get("limit");
    if (asked == null) {
      return Pages.DEFAULT;
    }
    long limit;
    try {
      limit = Long.parseLong(asked);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    return Pages.check(limit, asked);
  }


  private Messaging messaging() {
    return plugin(() -> Messaging.of(node));
  }

  private Schema schema() {
    return plugin(() -> Schema.of(node));
  }

  private Pht pht() {
    return plugin(() -> Pht.of(node));
  }

  /** A plugin's API, from its {@code of(node)}; 501 when the node runs without the plugin. */
  private static <T> T plugin(Supplier<T> of) {
    try {
      return of.get();
    } catch (WeftException e) {
      // The node runs without the plugin (weft.plugins.disabled, or an embedder left it out): nothing a retry fixes.
      throw new RemoteException(RemoteError.UNSUPPORTED, e.getMessage());
    }
  }

  private void sendToKey(Exchange ex, String namespace, String key) {
    ex.query(Set.of());
    Messaging messaging = messaging();
    ex.readJson("message", message -> ex.complete(() -> messaging.send(namespace, key, message),
        (Messaging.Delivery d) -> ex.ok(MessagingForms.delivery(d))));
  }

  private void sendToNode(Exchange ex, NodeId to) {
    ex.query(Set.of());
    Messaging messaging = messaging();
    ex.readJson("message", message -> ex.complete(() -> messaging.sendNode(to, message),
        (Messaging.Delivery d) -> ex.ok(MessagingForms.delivery(d))));
  }

  private void sendToAll(Exchange ex) {
    ex.query(Set.of());
    Messaging messaging = messaging();
    ex.readJson("message", message -> ex.complete(() -> messaging.sendAll(message), (Messaging.Broadcast b) -> ex.ok(MessagingForms.broadcast(b))));
  }

  private void stream(Exchange ex) {
    ex.query(Set.of());
    Messaging messaging = messaging();
    openStream(ex, stream -> messaging.registerMessageHandler(stream::send)::close);
  }

  // The schema's reads are answered on the Jetty thread: they copy from the node's memory, never wait for anything.
  private void globals(Exchange ex) {
    ex.query(Set.of());
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("globals");
    schema().globals().values().forEach(g -> items.add(Json.MAPPER.<JsonNode>valueToTree(g)));
    ex.ok(body);
  }

  private void getGlobal(Exchange ex, String name) {
    ex.query(Set.of());
    SchemaForms.name(name);
    Global global = schema().global(name).orElseThrow(() -> new RemoteException(RemoteError.NOT_FOUND, "not found"));
    ex.ok(global);
  }

  private void setGlobal(Exchange ex, String name) {
    ex.query(Set.of());
    Schema schema = schema();
    ex.readJson("value", value -> ex.complete(() -> schema.setGlobal(name, value), ex::ok,
        ApiHandler::globalWriteFailure));
  }

  private void removeGlobal(Exchange ex, String name) {
    ex.query(Set.of());
    Schema schema = schema();
    ex.complete(() -> schema.removeGlobal(name), ex::ok, ApiHandler::globalWriteFailure);
  }

  /**
   * Where a refused write of a global is answered otherwise than on the other routes: {@link GlobalRefusedException}
   * is the node refusing the write as things stand (it holds the most globals it may, or a newer version of the name),
   * 409. Others keep their own status: {@link RateLimitedException} is 429 everywhere, a closed node 503.
   */
  private static Throwable globalWriteFailure(Throwable e) {
    if (e instanceof GlobalRefusedException) {
      return new RemoteException(RemoteError.CONFLICT, e.getMessage());
    }
    return e;
  }

  private void schemaStats(Exchange ex) {
    ex.query(Set.of());
    Schema schema = schema();
    ObjectNode body = Json.MAPPER.valueToTree(schema.stats());
    body.put("digest", schema.digest());
    ex.ok(body);
  }

  private void sync(Exchange ex) {
    ex.query(Set.of());
    Schema schema = schema();
    ex.complete(schema::sync, ex::ok);
  }

  private void watch(Exchange ex) {
    ex.query(Set.of());
    Schema schema = schema();
    openStream(ex, stream -> schema.addListener(stream::send)::close);
  }

  private void describeIndex(Exchange ex, String index) {
    ex.query(Set.of());
    Pht pht = pht();
    ex.complete(() -> pht.describe(index),
        found -> ex.ok(found.orElseThrow(() -> new RemoteException(RemoteError.NOT_FOUND, "not found"))), ApiHandler::phtFailure);
  }

  private void createIndex(Exchange ex, String index) {
    ex.query(Set.of());
    Pht pht = pht();
    ex.readJson("index definition", body -> {
      IndexDefinition definition = IndexDefinition.of(body);
      ex.complete(() -> definition.create(pht, index)
          .exceptionallyCompose(e -> createConflict(pht, index, definition.type(), e)), ex::ok, ApiHandler::phtFailure);
    });
  }

  /**
   * A create refused because the index exists keyed by another type is 409, though {@link Pht#create} says so with
   * the {@link IllegalArgumentException} of any bad argument: the definition that exists tells which it was.
   */
  private static CompletableFuture<IndexInfo> createConflict(Pht pht, String index, KeyType type, Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (!(e instanceof IllegalArgumentException)) {
      return CompletableFuture.failedFuture(e);
    }
    return pht.describe(index).handle((existing, ignored) -> {
      if (existing != null && existing.isPresent() && existing.get().type() != type) {
        throw new RemoteException(RemoteError.CONFLICT, "index " + index + " exists already, keyed by " + PhtForms.typeName(existing.get().type()));
      }
      throw new CompletionException(e);
    });
  }

  private void indexStats(Exchange ex, String index) {
    ex.query(Set.of());
    Pht pht = pht();
    ex.complete(() -> pht.stats(index), ex::ok, ApiHandler::phtFailure);
  }

  private void insertEntry(Exchange ex, String index) {
    ex.query(Set.of());
    Pht pht = pht();
    ex.readJson("entry", body -> {
      RemoteJson.fields(body, "entry", Set.of("key", "value"), Set.of());
      Key key = key(body.get("key"), "key");
      ex.complete(() -> pht.insert(index, key, body.get("value")),
          added -> ex.ok(Json.MAPPER.createObjectNode().put("added", added)), ApiHandler::phtFailure);
    });
  }

  private void lookupEntries(Exchange ex, String index) {
    Key key = keyParameter(ex.query(Set.of("key")), "key");
    Pht pht = pht();
    ex.complete(() -> pht.lookup(index, key), values -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("key", PhtForms.key(key));
      body.putArray("values").addAll(values);
      ex.ok(body);
    }, ApiHandler::phtFailure);
  }

  private void removeEntries(Exchange ex, String index) {
    Map<String, String> query = ex.query(Set.of("key", "value"));
    Key key = keyParameter(query, "key");
    Optional<JsonNode> value = query.containsKey("value") ? Optional.of(jsonParameter(query, "value"))
        : Optional.empty();
    Pht pht = pht();
    ex.complete(() -> value.isPresent() ? pht.remove(index, key, value.get()).thenApply(removed -> removed ? 1 : 0)
        : pht.remove(index, key), n -> ex.ok(Json.MAPPER.createObjectNode().put("removed", n)), ApiHandler::phtFailure);
  }

  private void queryEntries(Exchange ex, String index, boolean rectangle) {
    Map<String, String> query = ex.query(Set.of("lo", "hi", "limit", "after"));
    Key lo = keyParameter(query, "lo");
    Key hi = keyParameter(query, "hi");
    Query request;
    if (!rectangle) {
      request = Query.range(index, lo, hi);
    } else if (lo instanceof Key.PointKey a && hi instanceof Key.PointKey b) {
      request = Query.rectangle(index, a, b);
    } else {
      throw new RemoteException(RemoteError.BAD_REQUEST, "the corners of a rectangle are points [x, y]");
    }
    request = request.limit(limit(query));
    if (query.containsKey("after")) {
      request = request.after(entryCursor(query.get("after")));
    }
    Pht pht = pht();
    Query q = request;
    ex.complete(() -> pht.query(q), (Results page) -> {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode entries = body.putArray("entries");
      page.entries().forEach(e -> entries.add(Json.MAPPER.<JsonNode>valueToTree(e)));
      Optional<Entry> last = page.next().flatMap(Query::after);
      if (last.isPresent()) {
        body.put("next", cursor(Json.MAPPER.valueToTree(last.get())));
      } else {
        body.putNull("next");
      }
      ex.ok(body);
    }, ApiHandler::phtFailure);
  }

  /**
   * Where the pht routes answer otherwise than the others: an index never created is 404 (a {@link
   * NoSuchIndexException} is a {@link WeftException}, 503 elsewhere).
   */
  private static Throwable phtFailure(Throwable e) {
    if (e instanceof NoSuchIndexException) {
      return new RemoteException(RemoteError.NOT_FOUND, "not found: " + e.getMessage());
    }
    return e;
  }

  /** The required query parameter {@code name} as a key: JSON text, as {@link PhtForms#parseKey} reads it. */
  private static Key keyParameter(Map<String, String> query, String name) {
    return key(jsonParameter(query, name), name);
  }

  private static Key key(JsonNode json, String what) {
    try {
      return PhtForms.parseKey(json);
    } catch (IllegalArgumentException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "invalid " + what + ": " + e.getMessage());
    }
  }

  private static JsonNode jsonParameter(Map<String, String> query, String name) {
    String text = query.get(name);
    if (text == null) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "query parameter '" + name + "' is missing");
    }
    try {
      return Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "invalid JSON " + name + ": " + Json.reason(e)
          + " (a string needs quotes: \"text\")");
    }
  }

  /**
   * Answers with an {@link NdjsonStream} that {@code register} feeds: it registers a handler with the node that hands
   * each event to {@link NdjsonStream#send}, and returns what removes that handler again (the registration's {@code
   * close}, as {@code registration::close}: the registering call runs once, when {@code register} does).
   */
  private void openStream(Exchange ex, Function<NdjsonStream, Runnable> register) {
    if (shutdown) {
      throw new RemoteException(RemoteError.UNAVAILABLE, "the node is stopping");
    }
    NdjsonStream stream = new NdjsonStream(ex.request, ex.response, ex.callback, executor, streamBufferBytes,
        heartbeat, streams::remove);
    streams.add(stream);
    Runnable unregister;
    try {
      unregister = register.apply(stream);
    } catch (RuntimeException e) {
      streams.remove(stream);
      throw e;
    }
    stream.start(unregister);
    if (shutdown) {
      // shutdown() ran between the check above and add(): it may have missed this stream.
      stream.end();
    }
  }

  /** Whether a send failed because no live node has the id, rather than because the node did not take the message. */
  static boolean isNoSuchNode(UndeliverableException e) {
    return e.reason() == UndeliverableException.Reason.NO_SUCH_NODE;
  }

  private static String segmentValue(String value, String what) {
    if (value.isEmpty()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "the " + what + " must not be empty");
    }
    return value;
  }

  private static Duration ttl(String text) {
    try {
      return WeftConfig.empty().with("ttl", text).duration("ttl", Duration.ZERO);
    } catch (ConfigException e) {
      throw new RemoteException(RemoteError.BAD_REQUEST, e.getMessage());
    }
  }

  /**
   * The {@code next} cursor: the last (namespace, key) of the page, as base64url of a JSON array, so it survives any
   * characters in namespaces and keys and reads as one opaque token.
   */
  static String encodeCursor(String namespace, String key) {
    return cursor(Json.MAPPER.createArrayNode().add(namespace).add(key));
  }

  static String[] decodeCursor(String cursor) {
    JsonNode pair = position(cursor);
    if (pair.isArray() && pair.size() == 2 && pair.get(0).isTextual() && pair.get(1).isTextual()) {
      return new String[] {pair.get(0).textValue(), pair.get(1).textValue()};
    }
    throw invalidCursor(cursor);
  }

  /**
   * The {@code next} cursor of a range or rectangle query: its last entry, {@code {"key","value"}}, encoded the same
   * way; the next page starts after it. It carries the value, so it is about 4/3 as long as the value's JSON.
   */
  private static Entry entryCursor(String cursor) {
    JsonNode entry = position(cursor);
    if (entry.isObject() && entry.size() == 2 && entry.has("key") && entry.has("value")) {
      try {
        return new Entry(PhtForms.parseKey(entry.get("key")), entry.get("value"));
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw invalidCursor(cursor);
  }

  private static String cursor(JsonNode position) {
    return CURSOR_ENCODER.encodeToString(Json.bytes(position));
  }

  /** The JSON a cursor holds. */
  private static JsonNode position(String cursor) {
    try {
      return Json.parse(Base64.getUrlDecoder().decode(cursor));
    } catch (IllegalArgumentException | JsonProcessingException e) {
      throw invalidCursor(cursor);
    }
  }

  private static RemoteException invalidCursor(String cursor) {
    return new RemoteException(RemoteError.BAD_REQUEST, "invalid cursor '" + cursor + "' (pass the 'next' value of the previous page)");
  }

  /** One request being answered; every path through the handler ends in exactly one write. */
  private final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    final long started = System.nanoTime();
    /** The route template, for the request timers; set once the path was read. */
    String route = "other";

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    void allow(String... methods) {
      String method = request.getMethod();
      for (String m : methods) {
        if (m.equals(method)) {
          return;
        }
      }
      String allowed = String.join(", ", methods);
      response.getHeaders().put(HttpHeader.ALLOW, allowed);
      throw new RemoteException(RemoteError.METHOD_NOT_ALLOWED, "method " + method + " is not allowed on " + request.getHttpURI().getPath()
          + " (allowed: " + allowed + ")");
    }

    /** The query parameters, each at most once and all of them in {@code known}. */
    Map<String, String> query(Set<String> known) {
      String raw = request.getHttpURI().getQuery();
      Map<String, String> out = new LinkedHashMap<>();
      if (raw == null || raw.isEmpty()) {
        return out;
      }
      for (String part : raw.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String name;
        String value;
        try {
          // '+' is a space in query strings (HTML forms, curl --data-urlencode); in paths it is a plus.
          name = Urls.decodeSegment((eq < 0 ? part : part.substring(0, eq)).replace('+', ' '));
          value = eq < 0 ? "" : Urls.decodeSegment(part.substring(eq + 1).replace('+', ' '));
        } catch (IllegalArgumentException e) {
          throw new RemoteException(RemoteError.BAD_REQUEST, "invalid query: " + e.getMessage());
        }
        if (!known.contains(name)) {
          throw new RemoteException(RemoteError.BAD_REQUEST, "unknown query parameter '" + name + "'"
              + (known.isEmpty() ? " (this resource takes none)" : " (known: " + String.join(", ", known) + ")"));
        }
        if (out.put(name, value) != null) {
          throw new RemoteException(RemoteError.BAD_REQUEST, "query parameter '" + name + "' is given twice");
        }
      }
      return out;
    }

    /**
     * Reads the body as one JSON value and hands it to {@code then}; answers 413 when it is over the request limit
     * and 400 {@code "invalid JSON <what>: ..."} when it is not exactly one JSON value.
     */
    void readJson(String what, Consumer<JsonNode> then) {
      if (request.getLength() > maxBodyBytes) {
        // Answer before reading: the client may still be sending.
        throw new RemoteException(RemoteError.TOO_LARGE, new BodyReader.TooLargeException(maxBodyBytes).getMessage());
      }
      BodyReader.read(request, maxBodyBytes).whenComplete((body, failure) -> {
        if (failure != null) {
          fail(failure);
          return;
        }
        JsonNode value;
        try {
          value = Json.parse(body);
        } catch (JsonProcessingException e) {
          error(RemoteError.BAD_REQUEST, "invalid JSON " + what + ": " + Json.reason(e));
          return;
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
        try {
          then.accept(value);
        } catch (RuntimeException e) {
          fail(e);
        }
      });
    }

    /**
     * Starts a node operation and answers when it completes; a call that throws at once is answered like a failed
     * future. The node's future is copied before the time limit is put on it, so the node never sees our timeout.
     */
    <T> void complete(Supplier<CompletableFuture<T>> operation, Consumer<T> onSuccess) {
      complete(operation, onSuccess, UnaryOperator.identity());
    }

    /** As {@link #complete(Supplier, Consumer)}; {@code refine} may turn a failure into a route's own answer first. */
    <T> void complete(Supplier<CompletableFuture<T>> operation, Consumer<T> onSuccess,
        UnaryOperator<Throwable> refine) {
      CompletableFuture<T> future;
      try {
        future = operation.get().copy();
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenCompleteAsync((value, failure) -> {
            try {
              if (failure != null) {
                fail(refine.apply(Failures.unwrap(failure)));
              } else {
                onSuccess.accept(value);
              }
            } catch (RuntimeException e) {
              fail(e);
            }
          }, executor);
    }

    void ok(Object body) {
      write(200, body instanceof JsonNode json ? json : Json.MAPPER.valueToTree(body));
    }

    void error(RemoteError error, String message) {
      error(error.status(), message);
    }

    private void error(int status, String message) {
      // An error may be answered before the request body was read; if the connection were kept, the unread body
      // would race the client's next request on it. Closing it is cheap: errors are rare.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      write(status, Json.error(message));
    }

    /**
     * Answers a failure: {@link Failures#of} says which {@link RemoteError} it is, as for the gateway; what only HTTP
     * has (a body over the request limit, Jetty's verdict on a request, a client gone) is answered here.
     */
    void fail(Throwable failure) {
      Throwable e = Failures.unwrap(failure);
      if (e instanceof BodyReader.TooLargeException) {
        error(RemoteError.TOO_LARGE, e.getMessage());
      } else if (e instanceof UndeliverableException u && isNoSuchNode(u)) {
        // "not found" first, like a missing object: the CLI tells it from an unknown path by that prefix.
        error(RemoteError.NOT_FOUND, "not found: " + u.getMessage());
      } else if (e instanceof HttpException h) {
        // Jetty's own verdict on the request, e.g. a broken chunked body: 400.
        error(h.getCode(), h.getReason() == null ? "bad request" : h.getReason());
      } else if (e instanceof IOException) {
        // The client went away or sent a broken body: nobody to answer, but complete the exchange.
        LOG.debug("request {} {} failed while reading: {}", request.getMethod(), request.getHttpURI(), e.toString());
        callback.failed(e);
      } else {
        RemoteException answer = Failures.of(e, timeout);
        if (answer.error() == RemoteError.RATE_LIMITED) {
          // The limits are per second: a second later there is room again.
          response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        } else if (answer.error() == RemoteError.INTERNAL) {
          LOG.error("internal error answering {} {}", request.getMethod(), request.getHttpURI(), e);
        }
        error(answer.error(), answer.getMessage());
      }
    }

    /** Answers {@code status} without a body. */
    void empty(int status) {
      record(status);
      response.setStatus(status);
      response.write(true, null, callback);
    }

    private void record(int status) {
      String method = KNOWN_METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
      metrics.request(route, method, status).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private void write(int status, JsonNode body) {
      write(status, JSON_TYPE, Json.line(body));
    }

    void text(int status, String contentType, String body) {
      write(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private void write(int status, String contentType, byte[] body) {
      record(status);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

}
