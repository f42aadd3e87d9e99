package dev.weft.query.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows travel and rest as JSON arrays, exact both ways, and a row to be written is checked column by column. */
class RowCodecTest {
  /** As weft's own codecs read JSON: exact decimals. */
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  static final TableDefinition T = new TableDefinition("orders", List.of(
      new Column("id", ColumnType.BIGINT, false, 0, 0), new Column("line", ColumnType.INTEGER, false, 0, 0),
      new Column("price", ColumnType.DECIMAL, true, 10, 2), new Column("note", ColumnType.VARCHAR, true, 5, 0),
      new Column("weight", ColumnType.DOUBLE, true, 0, 0), new Column("ratio", ColumnType.REAL, true, 0, 0),
      new Column("paid", ColumnType.BOOLEAN, true, 0, 0), new Column("due", ColumnType.DATE, true, 0, 0),
      new Column("stamp", ColumnType.TIMESTAMP, true, 0, 0), new Column("big", ColumnType.DECIMAL, true, 0, 0)),
      List.of("id", "line"), "0123456789abcdef0123456789abcdef");

  static Object[] row() {
    return new Object[] {Long.MAX_VALUE, -1, new BigDecimal("12345678.90"), "\u00e9\"x", 0.1, 0.1f, true, 18262,
        1_577_836_800_123L, new BigDecimal("1234567890123456789012345678901234567890.0000000001")};
  }

  private static Object[] read(String json) throws Exception {
    return RowCodec.fromJson(T, JSON.readTree(json));
  }

  @Test
  void aRowComesBackEqualThroughItsText() throws Exception {
    Object[] row = row();
    String text = JSON.writeValueAsString(RowCodec.toJson(T, row));
    assertThat(text).isEqualTo("[9223372036854775807,-1,12345678.90,\"\u00e9\\\"x\",0.1,0.1,true,\"2020-01-01\","
        + "\"2020-01-01T00:00:00.123\",1234567890123456789012345678901234567890.0000000001]");
    assertThat(read(text)).containsExactly(row);
    Object[] nulls = {1L, 2, null, null, null, null, null, null, null, null};
    assertThat(read(JSON.writeValueAsString(RowCodec.toJson(T, nulls)))).containsExactly(nulls);
  }

  @Test
  void datesAndTimestampsReachYearOneAndYear9999() throws Exception {
    Object[] row = {1L, 1, null, null, Double.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, false, -719_162,
        253_402_300_799_999L, null};
    JsonNode json = RowCodec.toJson(T, row);
    assertThat(json.get(7).textValue()).isEqualTo("0001-01-01");
    assertThat(json.get(8).textValue()).isEqualTo("9999-12-31T23:59:59.999");
    assertThat(json.get(4).textValue()).isEqualTo("-Infinity");
    assertThat(read(json.toString())).containsExactly(row);
  }

  @Test
  void checkRefusesWhatTheColumnCannotHoldNamingIt() {
    Object[][] bad = {
        {null, 1, null, null, null, null, null, null, null, null},
        {1L, 1L, null, null, null, null, null, null, null, null},
        {1L, 1, new BigDecimal("1.005"), null, null, null, null, null, null, null},
        {1L, 1, new BigDecimal("123456789.00"), null, null, null, null, null, null, null},
        {1L, 1, 1.5, null, null, null, null, null, null, null},
        {1L, 1, null, "toolong", null, null, null, null, null, null},
        {1L, 1, null, null, Double.NaN, null, null, null, null, null},
        {1L, 1, null, null, null, null, null, 3_000_000, null, null},
        {1L, 1, null},
    };
    String[] messages = {"column id is NOT NULL", "column line (INTEGER) cannot hold 1 (Long)",
        "column price is DECIMAL(10, 2), 1.005 has more than 2 digits", "123456789.00 has too many digits",
        "column price (DECIMAL) cannot hold 1.5 (Double)", "column note is VARCHAR(5), too short",
        "column weight cannot hold NaN", "column due (DATE) cannot hold 3000000", "has 10 columns, the row 3 values"};
    for (int i = 0; i < bad.length; i++) {
      Object[] row = bad[i];
      assertThatThrownBy(() -> RowCodec.check(T, row)).as(messages[i]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("orders").hasMessageContaining(messages[i]);
    }
  }

  @Test
  void checkBringsDecimalsToTheColumnsScaleWithoutRounding() {
    Object[] row = {1L, 1, new BigDecimal("1.5"), "\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00", null,
        null, null, null, null, new BigDecimal("1.5")};
    Object[] checked = RowCodec.check(T, row);
    assertThat(checked[2]).isEqualTo(new BigDecimal("1.50"));
    assertThat(checked[9]).isEqualTo(new BigDecimal("1.5"));
    assertThat(row[2]).isEqualTo(new BigDecimal("1.5"));
    Object[] exact = row();
    assertThat(RowCodec.check(T, exact)).isSameAs(exact);
  }

  @Test
  void malformedStoredRowsAreRefused() {
    String[][] cases = {
        {"{}", "must be a JSON array"},
        {"[1,2]", "has 10 columns, the row 2 values"},
        {"[1,2.5,null,null,null,null,null,null,null,null]", "column line: 2.5 is not a INTEGER value"},
        {"[1,2,\"1.5\",null,null,null,null,null,null,null]", "column price: \"1.5\" is not a DECIMAL value"},
        {"[1,2,null,5,null,null,null,null,null,null]", "column note: 5 is not a VARCHAR value"},
        {"[1,2,null,null,\"x\",null,null,null,null,null]", "column weight: 'x' is not a number"},
        {"[1,2,null,null,null,null,1,null,null,null]", "column paid: 1 is not a BOOLEAN value"},
        {"[1,2,null,null,null,null,null,\"2020-1-1\",null,null]", "is not a DATE"},
        {"[1,2,null,null,null,null,null,\"10000-01-01\",null,null]", "is not a DATE"},
        {"[1,2,null,null,null,null,null,null,\"2020-01-01T00:00:00\",null]", "is not a TIMESTAMP"},
        {"[1,2,null,null,null,null,null,null,\"2020-01-01T24:00:00.000\",null]", "is not a TIMESTAMP"},
        {"[null,2,null,null,null,null,null,null,null,null]", "column id is NOT NULL"},
        {"[18446744073709551616,2,null,null,null,null,null,null,null,null]", "is not a BIGINT value"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void aDecimalReadAsBinaryFloatingPointIsRefusedRatherThanRounded() throws Exception {
    JsonNode lossy = new ObjectMapper().readTree("[1,2,0.1,null,null,null,null,null,null,null]");
    assertThatThrownBy(() -> RowCodec.fromJson(T, lossy)).hasMessageContaining("USE_BIG_DECIMAL_FOR_FLOATS");
  }
}
