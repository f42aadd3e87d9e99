package dev.weft.query.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlDropTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

/** The generated parser reads Calcite's SQL plus weft's DDL, in the forms sqllogictest's files use. */
class WeftSqlParserTest {
  private static SqlNode parse(String sql) throws SqlParseException {
    return Parsing.parse(sql);
  }

  private static List<String> columns(SqlCreateTable t) {
    return t.columnList.stream().filter(SqlColumnDeclaration.class::isInstance)
        .map(c -> ((SqlColumnDeclaration) c).name.getSimple() + " " + ((SqlColumnDeclaration) c).dataType
            .getTypeName().getSimple() + " " + ((SqlColumnDeclaration) c).strategy).toList();
  }

  private static List<String> keys(SqlCreateTable t) {
    return t.columnList.stream().filter(n -> n.getKind() == SqlKind.PRIMARY_KEY).map(SqlNode::toString).toList();
  }

  @Test
  void createTableWithAColumnOrATablePrimaryKey() throws Exception {
    SqlCreateTable t = (SqlCreateTable) parse(
        "CREATE TABLE tab0(pk INTEGER PRIMARY KEY, col1 FLOAT, col2 TEXT, col3 INTEGER NOT NULL, \"Mixed\" VARCHAR(8))");
    assertThat(t.name.getSimple()).isEqualTo("tab0");
    assertThat(t.ifNotExists).isFalse();
    // TEXT is not one of Calcite's types: it arrives as a type name, folded like an identifier, for weft to map.
    assertThat(columns(t)).containsExactly("pk INTEGER NOT_NULLABLE", "col1 FLOAT NULLABLE", "col2 text NULLABLE",
        "col3 INTEGER NOT_NULLABLE", "Mixed VARCHAR NULLABLE");
    assertThat(keys(t)).singleElement().asString().contains("`pk`");

    SqlCreateTable u = (SqlCreateTable) parse("create table if not exists T1(A1 integer, X1 varchar(30),"
        + " primary key (a1, x1))");
    assertThat(u.ifNotExists).isTrue();
    assertThat(u.name.getSimple()).isEqualTo("t1");
    assertThat(columns(u)).containsExactly("a1 INTEGER NULLABLE", "x1 VARCHAR NULLABLE");
    assertThat(keys(u)).singleElement().asString().contains("`a1`").contains("`x1`");
  }

  @Test
  void indexesAndDrops() throws Exception {
    SqlCreateIndex i = (SqlCreateIndex) parse("CREATE UNIQUE INDEX IF NOT EXISTS t1i0 ON t1(a1, b1)");
    assertThat(i.unique()).isTrue();
    assertThat(i.ifNotExists).isTrue();
    assertThat(i.name().getSimple()).isEqualTo("t1i0");
    assertThat(i.table().getSimple()).isEqualTo("t1");
    assertThat(i.columns().stream().map(SqlNode::toString)).containsExactly("a1", "b1");
    assertThat(i.getKind()).isEqualTo(SqlKind.CREATE_INDEX);
    assertThat(((SqlCreateIndex) parse("create index k on t(c)")).unique()).isFalse();
    // PostgreSQL's ASC/DESC after a column (select4 uses them) are taken and ignored.
    assertThat(((SqlCreateIndex) parse("CREATE INDEX t1i1 ON t1(a1 DESC, b1 ASC, c1)")).columns().stream()
        .map(SqlNode::toString)).containsExactly("a1", "b1", "c1");

    SqlDropTable d = (SqlDropTable) parse("DROP TABLE IF EXISTS t1 CASCADE");
    assertThat(d.ifExists).isTrue();
    assertThat(d.name.getSimple()).isEqualTo("t1");
    SqlDropIndex di = (SqlDropIndex) parse("drop index t1i0");
    assertThat(di.ifExists).isFalse();
    assertThat(di.name().getSimple()).isEqualTo("t1i0");
    assertThat(di.getKind()).isEqualTo(SqlKind.DROP_INDEX);
  }

  @Test
  void queriesAndWritesStillParse() throws Exception {
    assertThat(parse("SELECT a, COUNT(*) FROM t1 WHERE b BETWEEN 1 AND 5 GROUP BY a HAVING COUNT(*) > 1 ORDER BY 2")
        .getKind()).isEqualTo(SqlKind.ORDER_BY);
    assertThat(parse("INSERT INTO t1(e, c, b, d, a) VALUES (1, 2, 3, 4, 5), (6, 7, 8, 9, 10)").getKind())
        .isEqualTo(SqlKind.INSERT);
    assertThat(parse("UPDATE t1 SET a = a + 1 WHERE b IS NULL").getKind()).isEqualTo(SqlKind.UPDATE);
    assertThat(parse("DELETE FROM t1 WHERE a IN (1, 2)").getKind()).isEqualTo(SqlKind.DELETE);
  }

  @Test
  void aSyntaxErrorNamesItsLineAndColumn() {
    assertThatThrownBy(() -> parse("CREATE TABLE t (a INTEGER,\n  b INTEGER PRIMARY KEY KEY)"))
        .isInstanceOfSatisfying(SqlParseException.class, e -> {
          assertThat(e.getPos().getLineNum()).isEqualTo(2);
          assertThat(e.getPos().getColumnNum()).isEqualTo(25);
        });
    assertThatThrownBy(() -> parse("CREATE INDEX ON t(a)")).isInstanceOf(SqlParseException.class);
  }
}
