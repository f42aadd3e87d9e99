package dev.weft.query.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.query.QueryException;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The JSON of values and types the SQL routes answer, and how their failures map, without a server. */
final class SqlFormsTest {
  private static String json(Object v) {
    return RemoteJson.MAPPER.valueToTree(SqlForms.value(v, "c")).toString();
  }

  @Test
  void valuesAreExactJson() {
    assertThat(json(new BigDecimal("12.50"))).isEqualTo("12.50");
    assertThat(json(new BigDecimal("-0.000001"))).isEqualTo("-0.000001");
    assertThat(json(new BigInteger("123456789012345678901234567890"))).isEqualTo("123456789012345678901234567890");
    assertThat(json((short) 3)).isEqualTo("3");
    assertThat(json(1.5f)).isEqualTo("1.5");
    assertThat(json(Double.NaN)).isEqualTo("\"NaN\"");
    assertThat(json(Double.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
    assertThat(json(null)).isEqualTo("null");
  }

  @Test
  void aValueNoColumnTypeGivesIsABug() {
    assertThatThrownBy(() -> SqlForms.value(new Object(), "odd")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("column odd");
  }

  @Test
  void typesAreWrittenAsSqlWritesThem() {
    assertThat(SqlForms.typeName(new Column("a", ColumnType.DECIMAL, true, 10, 0))).isEqualTo("DECIMAL(10, 0)");
    assertThat(SqlForms.typeName(new Column("a", ColumnType.DECIMAL, true, 0, 0))).isEqualTo("DECIMAL");
    assertThat(SqlForms.typeName(new Column("a", ColumnType.VARCHAR, true, 8, 0))).isEqualTo("VARCHAR(8)");
    assertThat(SqlForms.typeName(new Column("a", ColumnType.TIMESTAMP, true, 0, 0))).isEqualTo("TIMESTAMP");
  }

  @Test
  void parametersOfEveryJsonKind() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    assertThat(SqlRequest.param(f.numberNode(7L), 1)).isEqualTo(7);
    assertThat(SqlRequest.param(f.numberNode(1L << 33), 1)).isEqualTo(1L << 33);
    assertThat(SqlRequest.param(f.numberNode(new BigInteger("99999999999999999999")), 1))
        .isEqualTo(new BigDecimal("99999999999999999999"));
    assertThat(SqlRequest.param(f.numberNode(new BigDecimal("1.50")), 1)).isEqualTo(new BigDecimal("1.50"));
    assertThatThrownBy(() -> SqlRequest.param(f.objectNode(), 3)).isInstanceOf(RemoteException.class)
        .hasMessage("parameter 3 must be a number, a string, a boolean or null, not an object");
  }

  @Test
  void queryExceptionsBecomeRemoteErrorsAndOthersPassThrough() {
    Throwable mapped = SqlRoutes.failure(new CompletionException(new QueryException(QueryException.Reason.ROWS_FAILED,
        "2 of 3 rows failed")));
    assertThat(mapped).isInstanceOf(RemoteException.class).hasMessage("rows-failed: 2 of 3 rows failed");
    assertThat(((RemoteException) mapped).error()).isEqualTo(RemoteError.CONFLICT);
    IllegalStateException other = new IllegalStateException("x");
    assertThat(SqlRoutes.failure(other)).isSameAs(other);
  }

  @Test
  void anEmptyTableListIsAnEmptyArray() {
    JsonNode tables = SqlForms.tables(java.util.Map.of(), t -> java.util.List.of());
    assertThat(tables.toString()).isEqualTo("{\"tables\":[]}");
  }
}
