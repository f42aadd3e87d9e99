package dev.weft.query.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.weft.query.Sql;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's {@code sql} op: one statement, as {@code POST /v1/sql} takes it ({@code sql}, {@code params}?,
 * {@code timeoutMs}?, {@code allowPartial}?, {@code maxRows}?) and with its answer ({@code columns}, {@code rows},
 * {@code coverage}, or {@code updated}), bounded for a page: at most {@link #DEFAULT_ROWS} rows unless {@code maxRows}
 * says otherwise (up to {@link #MAX_ROWS}), and at most {@link #MAX_RESULT_BYTES} of answer. The gateway's own limits
 * (requests per second, in flight, its request timeout) apply as to every op.
 */
final class SqlOps implements GatewayOps {
  /** The ops, by name. */
  static final Set<String> OPS = Set.of("sql");
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
    a.only(FIELDS.toArray(String[]::new));
    ObjectNode body = RemoteJson.object();
    for (String f : FIELDS) {
      if (a.has(f)) {
        body.set(f, a.json(f));
      }
    }
    if (a.optionalInteger("maxRows", 1, MAX_ROWS).isEmpty()) {
      body.put("maxRows", DEFAULT_ROWS);
    }
    SqlRequest request = SqlRequest.of(body);
    return sql.execute(request.options(), request.sql(), request.params()).thenApply(result -> {
      byte[] answer;
      try {
        answer = RemoteJson.MAPPER.writeValueAsBytes(SqlForms.result(result));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a SQL answer", e);
      }
      if (answer.length > MAX_RESULT_BYTES) {
        throw new RemoteException(RemoteError.TOO_LARGE, "too-large: the answer is " + answer.length + " bytes, more"
            + " than the " + MAX_RESULT_BYTES + " a page may get: select fewer rows or columns (LIMIT, a WHERE on the"
            + " key)");
      }
      // Written once: measured here, sent as it is (the gateway writes a raw value without walking a tree again).
      return JsonNodeFactory.instance.rawValueNode(new RawValue(new String(answer, StandardCharsets.UTF_8)));
    });
  }

  @Override
  public Throwable refine(Throwable e) {
    return SqlRoutes.failure(e);
  }
}
