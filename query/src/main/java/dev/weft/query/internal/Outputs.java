package dev.weft.query.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec;
import dev.weft.query.row.RowCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a scan's output rows as a table definition, so that they travel in the stored rows' format ({@code
 * RowCodec}) both ways: the projected columns, or the group columns then one column per partial aggregate, typed as
 * {@link ScanSpec.Call} says.
 */
final class Outputs {
  private static final String NO_INCARNATION = "0".repeat(32);
  private static final Object[] NONE = new Object[0];

  /** The output columns as a table; null when a row has no column (a projection of nothing, for COUNT(*) plans). */
  private final TableDefinition table;

  private Outputs(TableDefinition table) {
    this.table = table;
  }

  static Outputs of(ScanSpec spec) {
    return new Outputs(table(spec));
  }

  /** An output row as it travels. */
  ArrayNode encode(Object[] row) {
    return table == null ? JsonNodeFactory.instance.arrayNode() : RowCodec.toJson(table, row);
  }

  /** An output row back from the wire; {@link IllegalArgumentException} when malformed. */
  Object[] decode(JsonNode json) {
    if (table == null) {
      if (!json.isArray() || json.size() != 0) {
        throw new IllegalArgumentException("an output row of no columns must be []");
      }
      return NONE;
    }
    return RowCodec.fromJson(table, json);
  }

  private static TableDefinition table(ScanSpec spec) {
    TableDefinition t = spec.table();
    List<Column> out = new ArrayList<>();
    if (spec.aggregate().isEmpty()) {
      for (int c : spec.columns()) {
        out.add(loose("c" + out.size(), t.columns().get(c)));
      }
    } else {
      ScanSpec.Aggregate a = spec.aggregate().get();
      for (int c : a.groupBy()) {
        out.add(loose("c" + out.size(), t.columns().get(c)));
      }
      for (ScanSpec.Call call : a.calls()) {
        String name = "c" + out.size();
        out.add(switch (call.kind()) {
          case COUNT_STAR, COUNT -> new Column(name, ColumnType.BIGINT, true, 0, 0);
          case SUM, SUM0 -> new Column(name, sumType(t.columns().get(call.column()).type()), true, 0, 0);
          case MIN, MAX -> loose(name, t.columns().get(call.column()));
        });
      }
    }
    if (out.isEmpty()) {
      return null;
    }
    return new TableDefinition("out", out, List.of(), NO_INCARNATION);
  }

  private static ColumnType sumType(ColumnType t) {
    return switch (t) {
      case INTEGER, BIGINT -> ColumnType.BIGINT;
      case REAL, DOUBLE -> ColumnType.DOUBLE;
      case DECIMAL -> ColumnType.DECIMAL;
      default -> throw new IllegalArgumentException("SUM of a " + t + " column");
    };
  }

  /** The column's type, nullable (an aggregate or a projection of an outer row may be null). */
  private static Column loose(String name, Column c) {
    return new Column(name, c.type(), true, c.precision(), c.scale());
  }
}
