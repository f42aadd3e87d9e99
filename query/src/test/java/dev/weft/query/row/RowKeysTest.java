package dev.weft.query.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Equal keys give equal text, the text reads back to the values, and only canonical text is a key. */
class RowKeysTest {
  private static final String INCARNATION = "0123456789abcdef0123456789abcdef";

  private static TableDefinition keyed(ColumnType... types) {
    List<Column> columns = new java.util.ArrayList<>();
    List<String> key = new java.util.ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      int precision = types[i] == ColumnType.DECIMAL ? 10 : 0;
      int scale = types[i] == ColumnType.DECIMAL ? 2 : 0;
      columns.add(new Column("k" + i, types[i], false, precision, scale));
      key.add("k" + i);
    }
    columns.add(new Column("v", ColumnType.VARCHAR, true, 0, 0));
    return new TableDefinition("t", columns, key, INCARNATION);
  }

  @Test
  void equalValuesGiveOneKey() {
    TableDefinition t = keyed(ColumnType.DECIMAL, ColumnType.DOUBLE, ColumnType.REAL);
    String a = RowKeys.keyOf(t, List.of(new BigDecimal("1.50"), -0.0, -0.0f));
    String b = RowKeys.keyOf(t, List.of(new BigDecimal("1.5"), 0.0, 0.0f));
    assertThat(a).isEqualTo(b).isEqualTo("[1.5,0.0,0.0]");
    assertThat(RowKeys.keyOf(t, List.of(new BigDecimal("100.00"), 1e300, 0.1f))).isEqualTo("[100,1.0E300,0.1]");
    assertThat(RowKeys.key(t, new Object[] {new BigDecimal("1.5"), 0.0, 0.0f, "x"})).isEqualTo(a);
  }

  @Test
  void aKeyReadsBackToItsValues() {
    TableDefinition t = keyed(ColumnType.BIGINT, ColumnType.VARCHAR, ColumnType.DATE, ColumnType.TIMESTAMP,
        ColumnType.BOOLEAN, ColumnType.DECIMAL, ColumnType.INTEGER, ColumnType.DOUBLE);
    List<Object> values = List.of(Long.MIN_VALUE, "a\"b,[c]", 18262, 1_577_836_800_123L, true,
        new BigDecimal("-0.10"), 7, Double.POSITIVE_INFINITY);
    String key = RowKeys.keyOf(t, values);
    assertThat(key).isEqualTo("[-9223372036854775808,\"a\\\"b,[c]\",\"2020-01-01\",\"2020-01-01T00:00:00.123\",true,"
        + "-0.1,7,\"Infinity\"]");
    assertThat(RowKeys.keyValues(t, key)).containsExactlyElementsOf(values);
  }

  @Test
  void onlyCanonicalWellTypedKeysAreAccepted() {
    TableDefinition t = keyed(ColumnType.DECIMAL, ColumnType.INTEGER);
    String[][] cases = {
        {"[1.50,1]", "not in canonical form"},
        {"[1.5, 1]", "not in canonical form"},
        {"[1.5]", "must be a JSON array of 2 values"},
        {"[1.5,\"1\"]", "is not a INTEGER value"},
        {"[1.5,null]", "out of range"},
        {"[1.505,1]", "more than 2 digits after the point"},
        {"[1.5,1] x", "is not JSON"},
        {"{", "is not JSON"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> RowKeys.keyValues(t, c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
    assertThatThrownBy(() -> RowKeys.keyOf(t, Arrays.asList(BigDecimal.ONE, null)))
        .hasMessageContaining("primary-key column k1 (INTEGER) cannot be NULL");
    assertThatThrownBy(() -> RowKeys.keyOf(t, List.of(BigDecimal.ONE, 1L)))
        .hasMessageContaining("cannot be 1 (Long)");
    assertThatThrownBy(() -> RowKeys.keyOf(t, List.of(BigDecimal.ONE)))
        .hasMessageContaining("2 primary-key columns, not 1 values");
  }

  @Test
  void keylessTablesHaveRandomRowIds() {
    TableDefinition t = new TableDefinition("t", List.of(new Column("v", ColumnType.INTEGER, true, 0, 0)), List.of(),
        INCARNATION);
    assertThatThrownBy(() -> RowKeys.key(t, new Object[] {1})).hasMessageContaining("has no primary key");
    String id = RowKeys.rowId(new Random(1));
    assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(RowKeys.rowId(new Random(2)));
    assertThat(RowKeys.rowId(new Random(1))).isEqualTo(id);
  }
}
