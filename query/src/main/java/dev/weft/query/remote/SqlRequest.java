package dev.weft.query.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.query.SqlOptions;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.OpArgs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;

/**
 * The body of {@code POST /v1/sql}, checked: {@code {"sql", "params"?, "timeoutMs"?, "allowPartial"?, "maxRows"?}}.
 * Parameters are read from JSON as {@link dev.weft.query.Sql} binds them: an integer as Integer when it fits, else
 * Long, else BigDecimal; any other number as BigDecimal (exact, as the face parses it); strings, booleans and null as
 * they are. Arrays and objects are refused.
 *
 * @param sql the statement's text, never empty
 * @param params the parameters in order
 * @param options the statement's options
 */
record SqlRequest(String sql, Object[] params, SqlOptions options) {
  /** A day: longer than any API request may wait, so the API's own request timeout is what bounds a statement. */
  static final long MAX_TIMEOUT_MS = 24L * 3600 * 1000;

  /**
   * Reads a request body.
   *
   * @throws RemoteException {@code bad-request} naming the field that is wrong
   */
  static SqlRequest of(JsonNode body) {
    RemoteJson.fields(body, "statement", Set.of("sql"), Set.of("params", "timeoutMs", "allowPartial", "maxRows"));
    JsonNode sql = body.get("sql");
    if (!sql.isTextual() || sql.textValue().isBlank()) {
      throw RemoteException.badRequest("\"sql\" must be a non-empty string, not " + OpArgs.kind(sql));
    }
    SqlOptions options = SqlOptions.DEFAULTS;
    JsonNode timeout = body.get("timeoutMs");
    if (timeout != null && !timeout.isNull()) {
      options = options.withTimeout(Duration.ofMillis(integer(timeout, "timeoutMs", 1, MAX_TIMEOUT_MS)));
    }
    JsonNode partial = body.get("allowPartial");
    if (partial != null && !partial.isNull()) {
      if (!partial.isBoolean()) {
        throw RemoteException.badRequest("\"allowPartial\" must be true or false, not " + OpArgs.kind(partial));
      }
      options = options.withAllowPartial(partial.booleanValue());
    }
    JsonNode maxRows = body.get("maxRows");
    if (maxRows != null && !maxRows.isNull()) {
      options = options.withMaxRows(integer(maxRows, "maxRows", 1, Long.MAX_VALUE));
    }
    return new SqlRequest(sql.textValue(), params(body.get("params")), options);
  }

  private static Object[] params(JsonNode params) {
    if (params == null || params.isNull()) {
      return new Object[0];
    }
    if (!params.isArray()) {
      throw RemoteException.badRequest("\"params\" must be an array, not " + OpArgs.kind(params));
    }
    Object[] out = new Object[params.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = param(params.get(i), i + 1);
    }
    return out;
  }

  /** The Java value of parameter {@code n} (from 1, as SQL counts {@code ?}s). */
  static Object param(JsonNode v, int n) {
    if (v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      if (v.canConvertToInt()) {
        return v.intValue();
      }
      return v.canConvertToLong() ? (Object) v.longValue() : new BigDecimal(v.bigIntegerValue());
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    throw RemoteException.badRequest("parameter " + n + " must be a number, a string, a boolean or null, not "
        + OpArgs.kind(v));
  }

  private static long integer(JsonNode v, String name, long min, long max) {
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      throw RemoteException.badRequest("\"" + name + "\" must be an integer from " + min + " to " + max + ", not "
          + v);
    }
    return v.longValue();
  }
}
