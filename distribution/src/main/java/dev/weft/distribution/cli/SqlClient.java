package dev.weft.distribution.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.distribution.JsonTree;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code weft sql}'s side of the SQL routes: runs a statement with the command's options ({@code POST /v1/sql}) and
 * reads the tables ({@code GET /v1/sql/tables}). Errors are the {@link CliException}s of {@link ApiClient#call}, with
 * its exit codes. Used on one thread.
 *
 * @param api the node's API
 * @param timeout the statement's timeout, null for the node's
 * @param allowPartial whether an answer may lack nodes that did not answer
 * @param maxRows the most rows a query may return, 0 for the node's limit
 */
record SqlClient(ApiClient api, Duration timeout, boolean allowPartial, long maxRows) {
  /** Runs {@code sql} with {@code params} (JSON values) and returns the node's answer. */
  JsonNode execute(String sql, List<JsonNode> params) {
    return api.call("POST", "/v1/sql", JsonTree.bytes(body(sql, params))).body();
  }

  /** The request of {@code sql} with {@code params} and the command's options, as {@code POST /v1/sql} takes it. */
  ObjectNode body(String sql, List<JsonNode> params) {
    ObjectNode body = JsonTree.NODES.objectNode().put("sql", sql);
    if (!params.isEmpty()) {
      body.putArray("params").addAll(params);
    }
    if (timeout != null) {
      body.put("timeoutMs", timeout.toMillis());
    }
    if (allowPartial) {
      body.put("allowPartial", true);
    }
    if (maxRows > 0) {
      body.put("maxRows", maxRows);
    }
    return body;
  }

  /** The tables the node knows: {@code {"tables": [{name, columns, primaryKey, indexes}]}}. */
  JsonNode tables() {
    return api.call("GET", "/v1/sql/tables", null).body();
  }

  /**
   * A parameter as typed on the command line: JSON when it reads as a JSON number, {@code true}, {@code false},
   * {@code null} or a quoted string, else the text itself ({@code alice}, {@code 2024-01-31}).
   */
  static JsonNode param(String text) {
    try {
      JsonNode v = JsonTree.parse(text.getBytes(StandardCharsets.UTF_8));
      if (v.isValueNode()) {
        return v;
      }
    } catch (JsonProcessingException e) {
      // not JSON: the text itself
    }
    return JsonTree.NODES.textNode(text);
  }
}
