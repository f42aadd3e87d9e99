package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form is exact both ways and refuses anything malformed with a message, since it is network input. */
class ExprJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableDefinition T = CalciteEquivalenceTest.TABLE;

  private static Expr read(String json) throws Exception {
    return ExprJson.fromJson(JSON.readTree(json), T);
  }

  @Test
  void everyKindOfNodeAndLiteralComesBackEqual() throws Exception {
    List<Expr> literals = List.of(new Literal(-7, ColumnType.INTEGER), new Literal(Long.MIN_VALUE, ColumnType.BIGINT),
        new Literal(0.1, ColumnType.DOUBLE), new Literal(-0.0, ColumnType.DOUBLE),
        new Literal(Double.NEGATIVE_INFINITY, ColumnType.DOUBLE), new Literal(0.1f, ColumnType.REAL),
        new Literal(new BigDecimal("12.50"), ColumnType.DECIMAL),
        new Literal(new BigDecimal("123456789012345678901234567890.123456789"), ColumnType.DECIMAL),
        new Literal("it's \"quoted\" \u00fc", ColumnType.VARCHAR), new Literal(true, ColumnType.BOOLEAN),
        new Literal(18262, ColumnType.DATE), new Literal(-62_135_596_800_000L, ColumnType.TIMESTAMP),
        new Literal(null, ColumnType.DECIMAL));
    for (Expr lit : literals) {
      Expr e = new Call(Op.IS_NOT_NULL, List.of(lit));
      assertThat(read(JSON.writeValueAsString(ExprJson.toJson(e)))).as(lit.toString()).isEqualTo(e);
    }
    Expr e = new Call(Op.AND, List.of(
        new Call(Op.LIKE, List.of(new Column(7, ColumnType.VARCHAR), new Literal("a%", ColumnType.VARCHAR))),
        new Call(Op.GT, List.of(new Expr.Cast(new Column(1, ColumnType.INTEGER), ColumnType.DOUBLE),
            new Call(Op.NEGATE, List.of(new Column(4, ColumnType.DOUBLE)))))));
    JsonNode json = ExprJson.toJson(e);
    assertThat(json.get("v").intValue()).isEqualTo(1);
    assertThat(json.get("e").get("op").textValue()).isEqualTo("and");
    assertThat(read(json.toString())).isEqualTo(e);
    assertThat(ExprJson.toJson(new Literal(new BigDecimal("12.50"), ColumnType.DECIMAL)).get("e").toString())
        .isEqualTo("{\"lit\":\"12.50\",\"type\":\"DECIMAL\"}");
  }

  @Test
  void malformedInputIsRefusedWithAReason() {
    String col = "{\"col\":1,\"type\":\"INTEGER\"}";
    String[][] cases = {
        {"[]", "must be a JSON object"},
        {"{\"v\":2,\"e\":" + col + "}", "version must be 1"},
        {"{\"e\":" + col + "}", "lacks the field \"v\""},
        {"{\"v\":1,\"e\":" + col + ",\"x\":1}", "unknown field \"x\""},
        {"{\"v\":1}", "lacks the field \"e\""},
        {"{\"v\":1,\"e\":{\"col\":11,\"type\":\"INTEGER\"}}", "column 11 is not a column of t"},
        {"{\"v\":1,\"e\":{\"col\":-1,\"type\":\"INTEGER\"}}", "is not a column"},
        {"{\"v\":1,\"e\":{\"col\":\"1\",\"type\":\"INTEGER\"}}", "is not a column"},
        {"{\"v\":1,\"e\":{\"col\":1,\"type\":\"BIGINT\"}}", "column 1 (i) of t is INTEGER, not BIGINT"},
        {"{\"v\":1,\"e\":{\"col\":1}}", "lacks the field \"type\""},
        {"{\"v\":1,\"e\":{\"col\":1,\"type\":\"BLOB\"}}", "unknown type"},
        {"{\"v\":1,\"e\":{\"lit\":1.5,\"type\":\"INTEGER\"}}", "is not a INTEGER value"},
        {"{\"v\":1,\"e\":{\"lit\":4294967296,\"type\":\"INTEGER\"}}", "is not a INTEGER value"},
        {"{\"v\":1,\"e\":{\"lit\":1.5,\"type\":\"DECIMAL\"}}", "DECIMAL literal must be a string"},
        {"{\"v\":1,\"e\":{\"lit\":\"1.5x\",\"type\":\"DECIMAL\"}}", "is not a number"},
        {"{\"v\":1,\"e\":{\"lit\":\"1E-99999\",\"type\":\"DECIMAL\"}}", "out of the range of DECIMAL"},
        {"{\"v\":1,\"e\":{\"lit\":\"2020-02-30\",\"type\":\"DATE\"}}", "is not a DATE"},
        {"{\"v\":1,\"e\":{\"lit\":\"2020-01-01 00:00:00\",\"type\":\"TIMESTAMP\"}}", "is not a TIMESTAMP"},
        {"{\"v\":1,\"e\":{\"lit\":\"yes\",\"type\":\"BOOLEAN\"}}", "is not a BOOLEAN value"},
        {"{\"v\":1,\"e\":{\"param\":0,\"type\":\"INTEGER\"}}", "was not bound"},
        {"{\"v\":1,\"e\":{\"op\":\"xor\",\"args\":[]}}", "unknown operator"},
        {"{\"v\":1,\"e\":{\"op\":\"not\"}}", "lacks the field \"args\""},
        {"{\"v\":1,\"e\":{\"op\":\"not\",\"args\":{}}}", "needs an \"args\" array"},
        {"{\"v\":1,\"e\":{\"op\":\"not\",\"args\":[" + col + "]}}", "NOT takes BOOLEAN arguments"},
        {"{\"v\":1,\"e\":{\"op\":\"eq\",\"args\":[" + col + "]}}", "EQ takes 2 arguments, not 1"},
        {"{\"v\":1,\"e\":{\"cast\":{\"col\":7,\"type\":\"VARCHAR\"},\"type\":\"INTEGER\"}}", "CAST from VARCHAR"},
        {"{\"v\":1,\"e\":{\"what\":1}}", "unknown node"},
        {"{\"v\":1,\"e\":[1]}", "must be a JSON object"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void depthAndSizeAreBounded() throws Exception {
    String leaf = "{\"col\":8,\"type\":\"BOOLEAN\"}";
    String deep = leaf;
    for (int i = 1; i < ExprJson.MAX_DEPTH; i++) {
      deep = "{\"op\":\"not\",\"args\":[" + deep + "]}";
    }
    assertThat(read("{\"v\":1,\"e\":" + deep + "}")).isNotNull();
    String tooDeep = "{\"v\":1,\"e\":{\"op\":\"not\",\"args\":[" + deep + "]}}";
    assertThatThrownBy(() -> read(tooDeep)).hasMessageContaining("deeper than 64");

    List<String> leaves = new ArrayList<>();
    for (int i = 0; i < ExprJson.MAX_NODES; i++) {
      leaves.add(leaf);
    }
    String wide = "{\"v\":1,\"e\":{\"op\":\"or\",\"args\":[" + String.join(",", leaves) + "]}}";
    assertThatThrownBy(() -> read(wide)).hasMessageContaining("more than 10000 nodes");
    String fits = "{\"v\":1,\"e\":{\"op\":\"or\",\"args\":[" + String.join(",", leaves.subList(1, leaves.size()))
        + "]}}";
    assertThat(read(fits)).isNotNull();
  }
}
