package dev.weft.query.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.Coverage;
import dev.weft.query.SqlResult;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.remote.RemoteJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import dev.weft.query.WatchEvent;
import dev.weft.remote.RemoteException;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON forms of the SQL routes: a statement's answer ({@code {columns, rows, coverage}} or {@code {updated,
 * coverage}}), its values, and the tables of {@code GET /v1/sql/tables}. Values are exact: a DECIMAL is a JSON number
 * with its scale ({@code 12.50}), a DATE {@code "YYYY-MM-DD"}, a TIMESTAMP ISO-8601 without zone; a DOUBLE that is not
 * finite, which JSON cannot hold, is the string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}.
 */
final class SqlForms {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SqlForms() {}

  /** A statement's answer. */
  static ObjectNode result(SqlResult result) {
    ObjectNode body = RemoteJson.object();
    if (result.isQuery()) {
      ArrayNode columns = body.putArray("columns");
      for (SqlResult.ColumnInfo c : result.columns()) {
        columns.addObject().put("name", c.name()).put("type", c.type());
      }
      ArrayNode rows = body.putArray("rows");
      for (List<Object> row : result.rows()) {
        ArrayNode out = rows.addArray();
        for (int i = 0; i < row.size(); i++) {
          out.add(value(row.get(i), result.columns().get(i).name()));
        }
      }
    } else {
      body.put("updated", result.updated());
    }
    body.set("coverage", coverage(result.coverage()));
    return body;
  }

  /**
   * One event of a live query, as a line of {@code POST /v1/sql/watch}'s stream and the gateway's {@code watch} op:
   * {@code {"type": "answer", "columns", "rows", "coverage"}}, {@code {"type": "change", "added", "removed",
   * "coverage"}} or {@code {"type": "error", "error": {"code", "message"}, "closed"}}.
   */
  static ObjectNode event(WatchEvent e) {
    ObjectNode body = RemoteJson.object().put("type", e.kind().name().toLowerCase(Locale.ROOT));
    switch (e.kind()) {
      case ANSWER -> {
        ArrayNode columns = body.putArray("columns");
        for (SqlResult.ColumnInfo c : e.columns()) {
          columns.addObject().put("name", c.name()).put("type", c.type());
        }
        body.set("rows", rows(e.rows(), e.columns()));
      }
      case CHANGE -> {
        body.set("added", rows(e.added(), e.columns()));
        body.set("removed", rows(e.removed(), e.columns()));
      }
      case ERROR -> {
        RemoteException r = (RemoteException) SqlRoutes.failure(e.error());
        body.putObject("error").put("code", r.error().code()).put("message", r.getMessage());
      }
    }
    if (e.kind() != WatchEvent.Kind.ERROR) {
      body.set("coverage", coverage(e.coverage()));
    }
    body.put("closed", e.closed());
    return body;
  }

  private static ArrayNode rows(List<List<Object>> rows, List<SqlResult.ColumnInfo> columns) {
    ArrayNode out = NODES.arrayNode();
    for (List<Object> row : rows) {
      ArrayNode r = out.addArray();
      for (int i = 0; i < row.size(); i++) {
        r.add(value(row.get(i), columns.get(i).name()));
      }
    }
    return out;
  }

  static ObjectNode coverage(Coverage c) {
    return RemoteJson.object().put("nodes", c.nodes()).put("answered", c.answered()).put("complete", c.complete());
  }

  /**
   * The JSON of one value of a row.
   *
   * @param column its column, for the message of a value no column type gives (a bug of the query layer)
   */
  static JsonNode value(Object v, String column) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).intValue());
    }
    if (v instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (v instanceof BigDecimal d) {
      // DecimalNode as it is: the factory would strip 12.50 to 12.5.
      return new DecimalNode(d);
    }
    if (v instanceof BigInteger i) {
      return NODES.numberNode(i);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        return NODES.textNode(Double.toString(d));
      }
      return v instanceof Float f ? NODES.numberNode(f) : NODES.numberNode(d);
    }
    if (v instanceof LocalDate d) {
      return NODES.textNode(d.toString());
    }
    if (v instanceof LocalDateTime t) {
      return NODES.textNode(t.toString());
    }
    throw new IllegalStateException("column " + column + " holds a value of " + v.getClass().getName()
        + ", which the SQL layer does not answer");
  }

  /** {@code {"tables": [...]}}: each table with its columns, primary key and indexes, by name. */
  static ObjectNode tables(Map<String, TableDefinition> tables, Function<String, List<IndexDefinition>> indexes) {
    ObjectNode body = RemoteJson.object();
    ArrayNode out = body.putArray("tables");
    for (TableDefinition t : tables.values()) {
      ObjectNode table = out.addObject().put("name", t.name());
      ArrayNode columns = table.putArray("columns");
      for (Column c : t.columns()) {
        columns.addObject().put("name", c.name()).put("type", typeName(c)).put("nullable", c.nullable());
      }
      ArrayNode key = table.putArray("primaryKey");
      t.primaryKey().forEach(key::add);
      ArrayNode ix = table.putArray("indexes");
      for (IndexDefinition i : indexes.apply(t.name())) {
        ObjectNode index = ix.addObject().put("name", i.name());
        ArrayNode on = index.putArray("columns");
        i.columns().forEach(on::add);
        index.put("unique", i.unique());
      }
    }
    return body;
  }

  /** A column's type as SQL writes it: {@code INTEGER}, {@code VARCHAR(20)}, {@code DECIMAL(10, 2)}. */
  static String typeName(Column c) {
    if (c.precision() == 0) {
      return c.type().name();
    }
    if (c.type() == ColumnType.DECIMAL) {
      return "DECIMAL(" + c.precision() + ", " + c.scale() + ")";
    }
    return c.type().name() + "(" + c.precision() + ")";
  }
}
