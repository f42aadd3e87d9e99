package dev.weft.query.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.data.ScanSpec.Access;
import dev.weft.query.data.ScanSpec.Aggregate;
import dev.weft.query.data.ScanSpec.Call;
import dev.weft.query.expr.Expr;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A scan spec travels as JSON exactly both ways, and a malformed one is refused with the field named. */
class ScanSpecJsonTest {
  private static final TableDefinition T = new TableDefinition("t", List.of(
      new Column("id", ColumnType.BIGINT, false, 0, 0), new Column("price", ColumnType.DECIMAL, true, 10, 2),
      new Column("name", ColumnType.VARCHAR, true, 20, 0)), List.of("id"), "00112233445566778899aabbccddeeff");

  @Test
  void specsGoBothWays() {
    Expr filter = new Expr.Call(Expr.Op.GT, List.of(new Expr.Column(1, ColumnType.DECIMAL),
        new Expr.Literal(new BigDecimal("12.50"), ColumnType.DECIMAL)));
    ScanSpec full = new ScanSpec(T, new Access.Full(), Optional.of(filter), List.of(2, 0), Optional.empty());
    ScanSpec again = ScanSpec.fromJson(full.toJson());
    assertThat(again.toJson()).isEqualTo(full.toJson());
    assertThat(again.table()).isEqualTo(T);
    assertThat(again.columns()).containsExactly(2, 0);

    ScanSpec keys = new ScanSpec(T, new Access.Keys(List.of(List.of(1L), List.of(7L))), Optional.empty(), List.of(0),
        Optional.of(new Aggregate(List.of(2), List.of(new Call(Call.Kind.COUNT_STAR, -1),
            new Call(Call.Kind.SUM, 1)))));
    ScanSpec back = ScanSpec.fromJson(keys.toJson());
    assertThat(((Access.Keys) back.access()).keys()).containsExactly(List.of(1L), List.of(7L));
    assertThat(back.aggregate()).isEqualTo(keys.aggregate());

    ScanSpec top = new ScanSpec(T, new Access.Full(), Optional.empty(), List.of(2, 0), Optional.empty(),
        Optional.of(new ScanSpec.TopK(List.of(new ScanSpec.SortKey(1, true, false), new ScanSpec.SortKey(0, false,
            true)), 25)));
    assertThat(ScanSpec.fromJson(top.toJson())).isEqualTo(top);
  }

  @Test
  void malformedSpecsAreRefusedByName() throws Exception {
    ObjectNode good = new ScanSpec(T, new Access.Full(), Optional.empty(), List.of(0), Optional.empty()).toJson();
    assertRefused(good.deepCopy().put("v", 2), "version");
    assertRefused(with(good, "columns", "[7]"), "column index");
    assertRefused(with(good, "access", "{\"kind\":\"everything\"}"), "unknown access");
    assertRefused(with(good, "aggregate", "{\"groupBy\":[],\"calls\":[{\"kind\":\"MEDIAN\",\"column\":0}]}"),
        "MEDIAN");
    assertRefused(with(good, "aggregate", "{\"groupBy\":[],\"calls\":[{\"kind\":\"SUM\",\"column\":-1}]}"),
        "bad column");
    assertRefused(with(good, "access", "{\"kind\":\"keys\",\"keys\":[[\"x\"]]}"), "");
    assertRefused(good.deepCopy().put("table", 3), "table");
    assertRefused(with(good, "topK", "{\"limit\":5,\"keys\":[{\"column\":1,\"desc\":true,\"nullsFirst\":false}]}"),
        "output column 1");
    assertRefused(with(good, "topK", "{\"limit\":0,\"keys\":[{\"column\":0,\"desc\":true,\"nullsFirst\":false}]}"),
        "1 to");
    assertRefused(with(good, "topK", "{\"limit\":5,\"keys\":[]}"), "sort keys");
    assertRefused(with(good, "topK", "{\"limit\":5,\"keys\":[{\"column\":0}]}"), "desc");
  }

  private static ObjectNode with(ObjectNode spec, String field, String json) throws Exception {
    ObjectNode copy = spec.deepCopy();
    copy.set(field, new ObjectMapper().readTree(json));
    return copy;
  }

  private static void assertRefused(JsonNode spec, String mentions) {
    assertThatThrownBy(() -> ScanSpec.fromJson(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(mentions);
  }
}
