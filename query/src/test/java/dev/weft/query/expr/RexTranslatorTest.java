package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Op;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/** Conjuncts that translate exactly are pushed, the others stay with Calcite; parameters become Params. */
class RexTranslatorTest {
  private static final TableDefinition T = CalciteEquivalenceTest.TABLE;
  private final RelDataTypeFactory types = new JavaTypeFactoryImpl();
  private final RexBuilder rex = new RexBuilder(types);

  private RelDataType type(SqlTypeName name) {
    return types.createTypeWithNullability(types.createSqlType(name), true);
  }

  private RexNode col(int i, SqlTypeName name) {
    return rex.makeInputRef(type(name), i);
  }

  @Test
  void translatableConjunctsArePushedAndTheRestStays() {
    RexNode eqParam = rex.makeCall(SqlStdOperatorTable.EQUALS, col(1, SqlTypeName.INTEGER),
        rex.makeDynamicParam(type(SqlTypeName.INTEGER), 0));
    RexNode upper = rex.makeCall(SqlStdOperatorTable.EQUALS,
        rex.makeCall(SqlStdOperatorTable.UPPER, col(7, SqlTypeName.VARCHAR)), rex.makeLiteral("A"));
    RexNode like = rex.makeCall(SqlStdOperatorTable.LIKE, col(7, SqlTypeName.VARCHAR), rex.makeLiteral("a%"));
    RexTranslator.Split split = RexTranslator.split(rex.makeCall(SqlStdOperatorTable.AND, eqParam, upper, like), rex,
        T);
    assertThat(split.residual()).containsExactly(upper);
    assertThat(split.pushed()).contains(new Call(Op.AND, List.of(
        new Call(Op.EQ, List.of(new Column(1, ColumnType.INTEGER), new Expr.Param(0, ColumnType.INTEGER))),
        new Call(Op.LIKE, List.of(new Column(7, ColumnType.VARCHAR), new Literal("a%", ColumnType.VARCHAR))))));

    RexTranslator.Split none = RexTranslator.split(upper, rex, T);
    assertThat(none.pushed()).isEmpty();
    assertThat(none.residual()).containsExactly(upper);
  }

  @Test
  void aSearchIsExpandedBeforeTranslation() {
    RexNode in = rex.makeIn(col(6, SqlTypeName.DECIMAL), List.of(
        rex.makeExactLiteral(new BigDecimal("1.50")), rex.makeExactLiteral(new BigDecimal("3"))));
    assertThat(in.getKind()).isEqualTo(SqlKind.SEARCH);
    Expr e = RexTranslator.translate(in, T).orElseThrow();
    Object[] row = new Object[T.columns().size()];
    row[6] = new BigDecimal("1.5");
    assertThat(Evaluator.test(e, row)).isTrue();
    row[6] = new BigDecimal("2");
    assertThat(Evaluator.test(e, row)).isFalse();
    row[6] = null;
    assertThat(Evaluator.eval(e, row)).isNull();
  }

  @Test
  void whatDiffersFromCalciteOrFromTheTableIsNotTranslated() {
    // a column of another type than the table's, a narrowing cast, an operator the evaluator lacks
    assertThat(RexTranslator.translate(rex.makeCall(SqlStdOperatorTable.IS_NULL, col(1, SqlTypeName.BIGINT)), T))
        .isEmpty();
    assertThat(RexTranslator.translate(rex.makeCall(SqlStdOperatorTable.GREATER_THAN,
        rex.makeCast(type(SqlTypeName.INTEGER), col(4, SqlTypeName.DOUBLE)), rex.makeLiteral(1, type(
            SqlTypeName.INTEGER))), T)).isEmpty();
    assertThat(RexTranslator.translate(rex.makeCall(SqlStdOperatorTable.IS_NULL,
        rex.makeCall(SqlStdOperatorTable.ABS, col(1, SqlTypeName.INTEGER))), T)).isEmpty();
    assertThat(RexTranslator.translate(rex.makeCall(SqlStdOperatorTable.IS_NULL, col(20, SqlTypeName.INTEGER)), T))
        .isEmpty();
    // INTEGER + INTEGER typed BIGINT: Calcite would convert the wrapped int; the evaluator does not guess
    assertThat(RexTranslator.translate(rex.makeCall(type(SqlTypeName.BIGINT), SqlStdOperatorTable.PLUS,
        List.of(col(1, SqlTypeName.INTEGER), col(2, SqlTypeName.INTEGER))), T)).isEmpty();
  }

  @Test
  void whatANodeWouldRefuseToReadStaysResidual() {
    RexNode deep = col(8, SqlTypeName.BOOLEAN);
    for (int i = 0; i < ExprJson.MAX_DEPTH; i++) {
      deep = rex.makeCall(SqlStdOperatorTable.NOT, deep);
    }
    assertThat(RexTranslator.translate(deep, T)).isEmpty();
    RexTranslator.Split split = RexTranslator.split(deep, rex, T);
    assertThat(split.pushed()).isEmpty();
    assertThat(split.residual()).hasSize(1);

    List<RexNode> many = new java.util.ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      many.add(rex.makeCall(SqlStdOperatorTable.GREATER_THAN, col(1, SqlTypeName.INTEGER),
          rex.makeLiteral(i, type(SqlTypeName.INTEGER))));
    }
    RexTranslator.Split wide = RexTranslator.split(rex.makeCall(SqlStdOperatorTable.AND, many), rex, T);
    Call and = (Call) wide.pushed().orElseThrow();
    assertThat(and.args()).hasSize((ExprJson.MAX_NODES - 1) / 3);
    assertThat(wide.residual()).hasSize(6000 - (ExprJson.MAX_NODES - 1) / 3);
  }

  @Test
  void aWideningCastTranslates() {
    RexNode cast = rex.makeCast(type(SqlTypeName.DOUBLE), col(1, SqlTypeName.INTEGER));
    assertThat(RexTranslator.translate(rex.makeCall(SqlStdOperatorTable.IS_NULL, cast), T)).contains(
        new Call(Op.IS_NULL, List.of(new Expr.Cast(new Column(1, ColumnType.INTEGER), ColumnType.DOUBLE))));
  }
}
