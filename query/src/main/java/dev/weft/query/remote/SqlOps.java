package dev.weft.query.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.weft.query.QueryException;
import dev.weft.query.Sql;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The gateway's SQL ops. {@code sql}: one statement, as {@code POST /v1/sql} takes it ({@code sql}, {@code params}?,
 * {@code timeoutMs}?, {@code allowPartial}?, {@code maxRows}?) and with its answer ({@code columns}, {@code rows},
 * {@code coverage}, or {@code updated}), bounded for a page: at most {@link #DEFAULT_ROWS} rows unless {@code maxRows}
 * says otherwise (up to {@link #MAX_ROWS}), and at most {@link #MAX_RESULT_BYTES} of answer. {@code sqlWatch}: a live
 * query under an id of the client's ({@code watch}) with the same fields, whose events ({@link SqlForms#event}, each
 * within the same bounds) come as {@code {"t": "sql", "watch", ...}} frames until {@code sqlUnwatch}, an event that
 * ends it, or the client goes; it is one of the client's registrations. The gateway's own limits (requests per
 * second, in flight, its request timeout, registrations) apply as to every op.
 */
final class SqlOps implements GatewayOps {
  /** The ops, by name. */
  static final Set<String> OPS = Set.of("sql", "sqlWatch", "sqlUnwatch");
  /** A watch id a client picks: letters, digits, {@code -} and {@code _}. */
  private static final Pattern WATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Rows a statement may return to a page when it does not say. */
  static final long DEFAULT_ROWS = 1_000;
  /** The most rows a page may ask for. */
  static final long MAX_ROWS = 100_000;
  /** The largest answer a page gets; a larger one fails with too-large (a page should page with LIMIT and a key). */
  static final int MAX_RESULT_BYTES = 1 << 20;

  private static final Set<String> FIELDS = Set.of("sql", "params", "timeoutMs", "allowPartial", "maxRows");

  private final Sql sql;

  SqlOps(Sql sql) {
    this.sql = sql;
  }

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public CompletableFuture<JsonNode> call(GatewayOps.Client client, OpArgs a) {
    switch (a.op()) {
      case "sqlWatch" -> {
        return CompletableFuture.completedFuture(watch(client, a));
      }
      case "sqlUnwatch" -> {
        a.only("watch");
        return CompletableFuture.completedFuture(RemoteJson.object().put("removed",
            client.release(key(watchId(a)))));
      }
      default -> {
        return statement(a);
      }
    }
  }

  private CompletableFuture<JsonNode> statement(OpArgs a) {
    SqlRequest request = request(a, FIELDS);
    return sql.execute(request.options(), request.sql(), request.params()).thenApply(result -> {
      byte[] answer = bounded(SqlForms.result(result));
      // Written once: measured here, sent as it is (the gateway writes a raw value without walking a tree again).
      return JsonNodeFactory.instance.rawValueNode(new RawValue(new String(answer, StandardCharsets.UTF_8)));
    });
  }

  private JsonNode watch(GatewayOps.Client client, OpArgs a) {
    Set<String> fields = new HashSet<>(FIELDS);
    fields.add("watch");
    String id = watchId(a);
    SqlRequest request = request(a, fields);
    String key = key(id);
    boolean added;
    try {
      added = client.keep(key, () -> sql.watch(request.options(), request.sql(), e -> {
        ObjectNode event = SqlForms.event(e);
        try {
          bounded(event);
        } catch (RemoteException tooLarge) {
          event = RemoteJson.object().put("type", "error").put("closed", true);
          event.putObject("error").put("code", tooLarge.error().code()).put("message", tooLarge.getMessage());
        }
        client.event(event.put("t", "sql").put("watch", id));
        if (event.path("closed").asBoolean(false)) {
          client.release(key);
        }
      }, request.params())::close);
    } catch (QueryException e) {
      throw (RuntimeException) SqlRoutes.failure(e);
    }
    if (!added) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "watch " + id + " is running already: pick another id");
    }
    return RemoteJson.object().put("watch", id);
  }

  private static String key(String id) {
    return "sql:" + id;
  }

  private static String watchId(OpArgs a) {
    String id = a.string("watch", 64);
    if (!WATCH_ID.matcher(id).matches()) {
      throw new RemoteException(RemoteError.BAD_REQUEST, "watch must be 1 to 64 letters, digits, - or _");
    }
    return id;
  }

  /** The request's statement and options, with a page's default for the rows. */
  private static SqlRequest request(OpArgs a, Set<String> allowed) {
    a.only(allowed.toArray(String[]::new));
    ObjectNode body = RemoteJson.object();
    for (String f : FIELDS) {
      if (a.has(f)) {
        body.set(f, a.json(f));
      }
    }
    if (a.optionalInteger("maxRows", 1, MAX_ROWS).isEmpty()) {
      body.put("maxRows", DEFAULT_ROWS);
    }
    return SqlRequest.of(body);
  }

  /** {@code answer} as bytes, when it is within what a page may get. */
  private static byte[] bounded(ObjectNode answer) {
    byte[] bytes;
    try {
      bytes = RemoteJson.MAPPER.writeValueAsBytes(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a SQL answer", e);
    }
    if (bytes.length > MAX_RESULT_BYTES) {
      throw new RemoteException(RemoteError.TOO_LARGE, "too-large: the answer is " + bytes.length + " bytes, more"
          + " than the " + MAX_RESULT_BYTES + " a page may get: select fewer rows or columns (LIMIT, a WHERE on the"
          + " key)");
    }
    return bytes;
  }

  @Override
  public Throwable refine(Throwable e) {
    return SqlRoutes.failure(e);
  }
}
