package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.query.QueryException;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Column;
import dev.weft.query.expr.Expr.Literal;
import dev.weft.query.expr.Expr.Op;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluator's semantics, case by case (the equivalence test checks them against Calcite at large). */
class EvaluatorTest {
  private static final Expr NULL_BOOL = new Literal(null, ColumnType.BOOLEAN);
  private static final Expr TRUE = new Literal(true, ColumnType.BOOLEAN);
  private static final Expr FALSE = new Literal(false, ColumnType.BOOLEAN);

  private static Expr call(Op op, Expr... args) {
    return new Call(op, Arrays.asList(args));
  }

  private static Expr i(int v) {
    return new Literal(v, ColumnType.INTEGER);
  }

  private static Expr dec(String v) {
    return new Literal(new BigDecimal(v), ColumnType.DECIMAL);
  }

  private static Object eval(Expr e) {
    assertThat(Exprs.typeOf(e)).isNotNull();
    return Evaluator.eval(e, new Object[0]);
  }

  @Test
  void logicIsThreeValued() {
    assertThat(eval(call(Op.AND, TRUE, NULL_BOOL))).isNull();
    assertThat(eval(call(Op.AND, FALSE, NULL_BOOL))).isEqualTo(false);
    assertThat(eval(call(Op.OR, TRUE, NULL_BOOL))).isEqualTo(true);
    assertThat(eval(call(Op.OR, FALSE, NULL_BOOL))).isNull();
    assertThat(eval(call(Op.NOT, NULL_BOOL))).isNull();
    assertThat(eval(call(Op.IS_NULL, NULL_BOOL))).isEqualTo(true);
    assertThat(eval(call(Op.IS_TRUE, NULL_BOOL))).isEqualTo(false);
    assertThat(eval(call(Op.IS_FALSE, FALSE))).isEqualTo(true);
    assertThat(eval(call(Op.EQ, i(1), new Literal(null, ColumnType.INTEGER)))).isNull();
    assertThat(Evaluator.test(NULL_BOOL, new Object[0])).isFalse();
    assertThat(Evaluator.test(FALSE, new Object[0])).isFalse();
    assertThat(Evaluator.test(TRUE, new Object[0])).isTrue();
  }

  @Test
  void andEvaluatesEveryArgumentAsCalcitesGeneratedCodeDoes() {
    Expr failing = call(Op.EQ, call(Op.DIVIDE, i(1), i(0)), i(1));
    assertThatThrownBy(() -> eval(call(Op.AND, FALSE, failing))).isInstanceOf(QueryException.class);
  }

  @Test
  void integerArithmeticWrapsAndTruncatesAsCalcitesDoes() {
    assertThat(eval(call(Op.PLUS, i(Integer.MAX_VALUE), i(1)))).isEqualTo(Integer.MIN_VALUE);
    assertThat(eval(call(Op.TIMES, i(65536), i(65536)))).isEqualTo(0);
    assertThat(eval(call(Op.NEGATE, i(Integer.MIN_VALUE)))).isEqualTo(Integer.MIN_VALUE);
    assertThat(eval(call(Op.DIVIDE, i(-7), i(2)))).isEqualTo(-3);
    assertThat(eval(call(Op.MOD, i(-7), i(2)))).isEqualTo(-1);
    assertThat(eval(call(Op.PLUS, i(Integer.MAX_VALUE), new Literal(1L, ColumnType.BIGINT))))
        .isEqualTo(2_147_483_648L);
  }

  @Test
  void divisionByZeroFailsTheRowButNotForFloatingPoint() {
    for (Op op : List.of(Op.DIVIDE, Op.MOD)) {
      assertThatThrownBy(() -> eval(call(op, i(1), i(0)))).isInstanceOf(QueryException.class)
          .hasMessage("division by zero")
          .satisfies(e -> assertThat(((QueryException) e).reason()).isEqualTo(QueryException.Reason.INVALID));
      assertThatThrownBy(() -> eval(call(op, dec("1.5"), dec("0.00")))).isInstanceOf(QueryException.class);
    }
    assertThat(eval(call(Op.DIVIDE, new Literal(1.0, ColumnType.DOUBLE), i(0))))
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void numbersArePromotedAsCalciteHarmonizesThem() {
    assertThat(eval(call(Op.EQ, dec("1.50"), i(1)))).isEqualTo(false);
    assertThat(eval(call(Op.EQ, dec("1.00"), i(1)))).isEqualTo(true);
    assertThat(eval(call(Op.PLUS, dec("0.1"), new Literal(0.2, ColumnType.DOUBLE)))).isEqualTo(0.1 + 0.2);
    assertThat(eval(call(Op.PLUS, i(1), new Literal(0.5f, ColumnType.REAL)))).isEqualTo(1.5f);
    assertThat(eval(call(Op.DIVIDE, dec("1"), dec("3")))).isEqualTo(new BigDecimal("0.3333333333333333"));
    assertThat(eval(call(Op.EQ, new Literal(-0.0, ColumnType.DOUBLE), new Literal(0.0, ColumnType.DOUBLE))))
        .isEqualTo(true);
    assertThat(eval(new Expr.Cast(i(3), ColumnType.DECIMAL))).isEqualTo(new BigDecimal(3));
  }

  @Test
  void stringsCompareByCodeUnitsWithoutPadding() {
    Expr a = new Literal("a", ColumnType.VARCHAR);
    Expr aSpace = new Literal("a ", ColumnType.VARCHAR);
    Expr upper = new Literal("B", ColumnType.VARCHAR);
    assertThat(eval(call(Op.EQ, a, aSpace))).isEqualTo(false);
    assertThat(eval(call(Op.LT, upper, a))).isEqualTo(true);
  }

  @Test
  void likeIsCalcitesRegularExpression() {
    Object[] row = {"a%b\nc"};
    Expr s = new Column(0, ColumnType.VARCHAR);
    assertThat(like(row, s, "a%")).isTrue();
    assertThat(like(row, s, "a_b%")).isTrue();
    assertThat(like(row, s, "a_c%")).isFalse();
    assertThat(like(row, s, "a\\%b%", "\\")).isTrue();
    assertThat(like(row, s, "a\\_b%", "\\")).isFalse();
    assertThat(like(row, s, "a%b_c")).isFalse();  // _ does not match a line break; % does
    assertThat(like(new Object[] {"x.y"}, s, "x.y")).isTrue();
    assertThat(like(new Object[] {"xzy"}, s, "x.y")).isFalse();
    assertThatThrownBy(() -> like(row, s, "a\\", "\\")).isInstanceOf(QueryException.class)
        .hasMessageContaining("Invalid escape sequence");
    assertThatThrownBy(() -> like(row, s, "a", "ab")).isInstanceOf(QueryException.class)
        .hasMessageContaining("Invalid escape character");
    assertThat(Evaluator.eval(call(Op.LIKE, s, new Literal(null, ColumnType.VARCHAR)), row)).isNull();
  }

  private static boolean like(Object[] row, Expr s, String pattern, String... escape) {
    Expr p = new Literal(pattern, ColumnType.VARCHAR);
    Expr e = escape.length == 0 ? call(Op.LIKE, s, p) : call(Op.LIKE, s, p, new Literal(escape[0], ColumnType.VARCHAR));
    return Evaluator.test(e, row);
  }

  @Test
  void anUnboundParameterIsAnError() {
    assertThatThrownBy(() -> Evaluator.eval(new Expr.Param(0, ColumnType.INTEGER), new Object[0]))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("parameter 1");
  }

  @Test
  void bindReplacesParametersByLiteralsOfTheirType() {
    Expr e = call(Op.AND, call(Op.EQ, new Column(0, ColumnType.INTEGER), new Expr.Param(0, ColumnType.INTEGER)),
        call(Op.GT, new Column(1, ColumnType.DECIMAL), new Expr.Param(1, ColumnType.DECIMAL)));
    Expr bound = Exprs.bind(e, Arrays.asList(5, new BigDecimal("1.5")));
    assertThat(bound).isEqualTo(call(Op.AND, call(Op.EQ, new Column(0, ColumnType.INTEGER), i(5)),
        call(Op.GT, new Column(1, ColumnType.DECIMAL), dec("1.5"))));
    assertThat(Evaluator.test(bound, new Object[] {5, new BigDecimal("2")})).isTrue();
    assertThat(Exprs.bind(new Expr.Param(0, ColumnType.INTEGER), Arrays.asList((Object) null)))
        .isEqualTo(new Literal(null, ColumnType.INTEGER));
    assertThatThrownBy(() -> Exprs.bind(e, List.of(5L, BigDecimal.ONE))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 1 must be a INTEGER");
    assertThatThrownBy(() -> Exprs.bind(e, List.of(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter 2 is not given");
  }

  @Test
  void andFlattens() {
    Expr a = call(Op.IS_TRUE, TRUE);
    assertThat(Exprs.and(List.of(call(Op.AND, a, FALSE), a))).isEqualTo(call(Op.AND, a, FALSE, a));
    assertThat(Exprs.and(List.of(a))).isSameAs(a);
    assertThatThrownBy(() -> Exprs.and(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void typingRefusesWhatTheEvaluatorCannotDo() {
    Expr s = new Literal("a", ColumnType.VARCHAR);
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.EQ, s, i(1)))).hasMessageContaining("cannot compare");
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.PLUS, s, i(1)))).hasMessageContaining("does not apply");
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.MOD, new Literal(1.0, ColumnType.DOUBLE), i(1))))
        .hasMessageContaining("does not apply");
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.NOT, TRUE, TRUE))).hasMessageContaining("takes 1 arguments");
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.AND, TRUE))).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Exprs.typeOf(call(Op.AND, TRUE, i(1)))).hasMessageContaining("BOOLEAN arguments");
    assertThatThrownBy(() -> Exprs.typeOf(new Expr.Cast(s, ColumnType.INTEGER))).hasMessageContaining("CAST");
    assertThatThrownBy(() -> Exprs.typeOf(new Literal(1L, ColumnType.INTEGER))).hasMessageContaining("literal");
  }
}
