package dev.weft.query.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.query.sql.Parsing;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.junit.jupiter.api.Test;

/** DDL becomes a checked definition; the definition's JSON (a global's value, from other nodes) is exact and strict. */
class TableDefinitionTest {
  private static final String INCARNATION = "0123456789abcdef0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TableDefinition create(String sql) throws Exception {
    SqlCreateTable node = (SqlCreateTable) Parsing.parse(sql);
    return Ddl.createTable(node, INCARNATION);
  }

  @Test
  void ddlBecomesADefinitionAndItsJsonComesBackEqual() throws Exception {
    TableDefinition t = create("CREATE TABLE Orders (id BIGINT, line INT, price DECIMAL(10, 2), note TEXT,"
        + " code CHAR(3), weight FLOAT, paid BOOLEAN NOT NULL, due DATE, stamp TIMESTAMP, PRIMARY KEY (id, line))");
    assertThat(t.name()).isEqualTo("orders");
    assertThat(t.primaryKey()).containsExactly("id", "line");
    assertThat(t.columns()).containsExactly(
        new Column("id", ColumnType.BIGINT, false, 0, 0), new Column("line", ColumnType.INTEGER, false, 0, 0),
        new Column("price", ColumnType.DECIMAL, true, 10, 2), new Column("note", ColumnType.VARCHAR, true, 0, 0),
        new Column("code", ColumnType.VARCHAR, true, 3, 0), new Column("weight", ColumnType.DOUBLE, true, 0, 0),
        new Column("paid", ColumnType.BOOLEAN, false, 0, 0), new Column("due", ColumnType.DATE, true, 0, 0),
        new Column("stamp", ColumnType.TIMESTAMP, true, 0, 0));
    assertThat(t.globalName()).isEqualTo("sql.table.orders");
    assertThat(TableDefinition.tableOfGlobal(t.globalName())).contains("orders");
    assertThat(t.rowNamespace()).isEqualTo("weft:sql:orders:" + INCARNATION);

    JsonNode json = JSON.readTree(JSON.writeValueAsString(t.toJson()));
    assertThat(TableDefinition.fromJson("orders", json)).isEqualTo(t);
    assertThat(json.get("columns").get(2).toString())
        .isEqualTo("{\"name\":\"price\",\"type\":\"DECIMAL\",\"nullable\":true,\"precision\":10,\"scale\":2}");

    TableDefinition keyless = create("create table t (a integer, b varchar(8))");
    assertThat(keyless.primaryKey()).isEmpty();
    assertThat(keyless.toJson().get("primaryKey").isNull()).isTrue();
    assertThat(TableDefinition.fromJson("t", keyless.toJson())).isEqualTo(keyless);
  }

  @Test
  void whatWeftDoesNotHoldOrThatContradictsItselfIsRefusedWithItsReason() {
    assertThatThrownBy(() -> create("CREATE TABLE t (a MONEY)")).hasMessageContaining("type money is not supported");
    assertThatThrownBy(() -> create("CREATE TABLE t (a INT, a INT)")).hasMessageContaining("column a is declared twice");
    assertThatThrownBy(() -> create("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))"))
        .hasMessageContaining("more than one PRIMARY KEY");
    assertThatThrownBy(() -> create("CREATE TABLE t (a INT, PRIMARY KEY (z))"))
        .hasMessageContaining("the primary key names z, which is not a column");
    assertThatThrownBy(() -> create("CREATE TABLE s.t (a INT)")).hasMessageContaining("qualified names");
    assertThatThrownBy(() -> create("CREATE TABLE \"bad.name\" (a INT)")).hasMessageContaining("table name 'bad.name'");
    assertThatThrownBy(() -> create("CREATE TABLE t (a DECIMAL(2, 5))")).hasMessageContaining("scale larger");
  }

  @Test
  void aDefinitionFromAnotherNodeIsCheckedFieldByField() throws Exception {
    String good = "{\"columns\":[{\"name\":\"a\",\"type\":\"INTEGER\",\"nullable\":false}],\"primaryKey\":[\"a\"],"
        + "\"incarnation\":\"" + INCARNATION + "\"}";
    assertThat(TableDefinition.fromJson("t", JSON.readTree(good)).primaryKey()).containsExactly("a");
    for (String[] bad : new String[][] {
        {"[]", "must be a JSON object"},
        {good.replace("\"columns\"", "\"cols\""), "\"columns\" must be an array"},
        {good.replace("INTEGER", "int"), "unknown column type int"},
        {good.replace("\"nullable\":false", "\"nullable\":\"no\""), "\"nullable\" must be true or false"},
        {good.replace("\"nullable\":false", "\"nullable\":true"), "must be NOT NULL"},
        {good.replace("[\"a\"]", "\"a\""), "\"primaryKey\" must be an array or null"},
        {good.replace(INCARNATION, "xyz"), "incarnation must be 32 lower-case hex digits"},
        {good.replace("\"nullable\":false}", "\"nullable\":false,\"precision\":-1}"), "non-negative integer"}}) {
      assertThatThrownBy(() -> TableDefinition.fromJson("t", JSON.readTree(bad[0]))).as(bad[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad[1]);
    }
  }
}
