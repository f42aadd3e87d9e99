package dev.weft.query.expr;

import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr.Call;
import dev.weft.query.expr.Expr.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlCollation;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Translates a filter's RexNode over a table's full row into an {@link Expr}, where — and only where — the {@link
 * Evaluator} computes exactly what Calcite's Enumerable code computes for it; everything else stays with Calcite.
 * Called by the planner rule that folds a Filter into weft's scan, on the planning thread; stateless.
 */
public final class RexTranslator {
  private static final RexBuilder EXPANDER = new RexBuilder(new JavaTypeFactoryImpl());
  private static final Map<SqlOperator, Op> OPERATORS = Map.ofEntries(
      Map.entry(SqlStdOperatorTable.AND, Op.AND), Map.entry(SqlStdOperatorTable.OR, Op.OR),
      Map.entry(SqlStdOperatorTable.NOT, Op.NOT), Map.entry(SqlStdOperatorTable.IS_NULL, Op.IS_NULL),
      Map.entry(SqlStdOperatorTable.IS_NOT_NULL, Op.IS_NOT_NULL), Map.entry(SqlStdOperatorTable.IS_TRUE, Op.IS_TRUE),
      Map.entry(SqlStdOperatorTable.IS_FALSE, Op.IS_FALSE), Map.entry(SqlStdOperatorTable.EQUALS, Op.EQ),
      Map.entry(SqlStdOperatorTable.NOT_EQUALS, Op.NE), Map.entry(SqlStdOperatorTable.LESS_THAN, Op.LT),
      Map.entry(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, Op.LE), Map.entry(SqlStdOperatorTable.GREATER_THAN, Op.GT),
      Map.entry(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, Op.GE), Map.entry(SqlStdOperatorTable.PLUS, Op.PLUS),
      Map.entry(SqlStdOperatorTable.MINUS, Op.MINUS), Map.entry(SqlStdOperatorTable.MULTIPLY, Op.TIMES),
      Map.entry(SqlStdOperatorTable.DIVIDE, Op.DIVIDE), Map.entry(SqlStdOperatorTable.DIVIDE_INTEGER, Op.DIVIDE),
      Map.entry(SqlStdOperatorTable.MOD, Op.MOD), Map.entry(SqlStdOperatorTable.UNARY_MINUS, Op.NEGATE),
      Map.entry(SqlStdOperatorTable.LIKE, Op.LIKE));

  private RexTranslator() {}

  /**
   * A filter split in two: the conjuncts a node evaluates, and the rest.
   *
   * @param pushed the AND of the translated conjuncts; empty when none translated
   * @param residual the conjuncts left to Calcite above the scan (after SEARCH was expanded)
   */
  public record Split(Optional<Expr> pushed, List<RexNode> residual) {
    public Split {
      Objects.requireNonNull(pushed, "pushed");
      residual = List.copyOf(residual);
    }
  }

  /**
   * Splits {@code condition}, which refers to {@code table}'s full row (input {@code i} is column {@code i}), into the
   * conjuncts that translate and those that do not.
   */
  public static Split split(RexNode condition, RexBuilder builder, TableDefinition table) {
    RexNode expanded = RexUtil.expandSearch(builder, null, condition);
    List<Expr> pushed = new ArrayList<>();
    List<RexNode> residual = new ArrayList<>();
    int nodes = 1;  // the AND above the conjuncts
    for (RexNode conjunct : RelOptUtil.conjunctions(expanded)) {
      Optional<Expr> e = translateExpanded(conjunct, table);
      // What a node would refuse to read (ExprJson's bounds) stays here.
      if (e.isPresent() && Exprs.depth(e.get()) < ExprJson.MAX_DEPTH
          && nodes + Exprs.nodes(e.get()) <= ExprJson.MAX_NODES) {
        nodes += Exprs.nodes(e.get());
        pushed.add(e.get());
      } else {
        residual.add(conjunct);
      }
    }
    Optional<Expr> and = pushed.isEmpty() ? Optional.empty() : Optional.of(Exprs.and(pushed));
    return new Split(and, residual);
  }

  /**
   * {@code node} as an {@link Expr} over {@code table}'s row, if all of it translates exactly and within the bounds
   * {@link ExprJson#fromJson} reads.
   */
  public static Optional<Expr> translate(RexNode node, TableDefinition table) {
    return translateExpanded(RexUtil.expandSearch(EXPANDER, null, node), table)
        .filter(e -> Exprs.depth(e) <= ExprJson.MAX_DEPTH && Exprs.nodes(e) <= ExprJson.MAX_NODES);
  }

  private static Optional<Expr> translateExpanded(RexNode node, TableDefinition table) {
    try {
      Expr e = new Translation(table).of(node);
      Exprs.typeOf(e);
      return Optional.of(e);
    } catch (Untranslatable | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Thrown inside a translation for a node the evaluator does not compute exactly as Calcite. */
  private static final class Untranslatable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Untranslatable() {
      super(null, null, false, false);
    }
  }

  private record Translation(TableDefinition table) {
    Expr of(RexNode node) {
      if (node instanceof RexInputRef ref) {
        ColumnType type = typeOf(ref.getType());
        if (ref.getIndex() >= table.columns().size() || table.columns().get(ref.getIndex()).type() != type) {
          throw new Untranslatable();
        }
        return new Expr.Column(ref.getIndex(), type);
      }
      if (node instanceof RexLiteral lit) {
        return literal(lit);
      }
      if (node instanceof RexDynamicParam p) {
        return new Expr.Param(p.getIndex(), typeOf(p.getType()));
      }
      if (node instanceof RexCall call) {
        return call(call);
      }
      throw new Untranslatable();
    }

    private Expr call(RexCall call) {
      SqlOperator operator = call.getOperator();
      List<Expr> args = new ArrayList<>(call.getOperands().size());
      for (RexNode operand : call.getOperands()) {
        args.add(of(operand));
      }
      if (operator == SqlStdOperatorTable.IS_NOT_TRUE || operator == SqlStdOperatorTable.IS_NOT_FALSE) {
        Op inner = operator == SqlStdOperatorTable.IS_NOT_TRUE ? Op.IS_TRUE : Op.IS_FALSE;
        return new Call(Op.NOT, List.of(new Call(inner, args)));
      }
      if (operator == SqlStdOperatorTable.UNARY_PLUS) {
        return args.get(0);
      }
      if (call.getKind() == SqlKind.CAST) {
        return cast(call, args.get(0));
      }
      Op op = OPERATORS.get(operator);
      if (op == null) {
        throw new Untranslatable();
      }
      switch (op) {
        case EQ, NE, LT, LE, GT, GE -> {
          for (RexNode operand : call.getOperands()) {
            SqlCollation collation = operand.getType().getCollation();
            if (collation != null && collation.getCollator() != null) {
              throw new Untranslatable();  // Calcite then compares with a Collator, not String.compareTo
            }
          }
        }
        case PLUS, MINUS, TIMES, DIVIDE, MOD, NEGATE -> {
          // Calcite converts the harmonized result to the call's type: only the identity conversion is the same here.
          Expr e = new Call(op, args);
          if (Exprs.typeOf(e) != typeOf(call.getType())) {
            throw new Untranslatable();
          }
          return e;
        }
        default -> { }
      }
      return new Call(op, args);
    }

    private Expr cast(RexCall call, Expr arg) {
      RelDataType from = call.getOperands().get(0).getType();
      RelDataType to = call.getType();
      if (from.isNullable() && !to.isNullable()) {
        throw new Untranslatable();
      }
      ColumnType f = typeOf(from);
      ColumnType t = typeOf(to);
      if (f == t) {
        if (sameValues(from, to) && (f != ColumnType.DECIMAL || scaleKept(call.getOperands().get(0)))) {
          return arg;
        }
        throw new Untranslatable();
      }
      if (!Exprs.castable(f, t)) {
        throw new Untranslatable();
      }
      if (t == ColumnType.DECIMAL) {
        // Only a target with room for every integer digit: Calcite rounds or fails otherwise.
        int digits = f == ColumnType.INTEGER ? 10 : 19;
        if (to.getPrecision() - to.getScale() < digits) {
          throw new Untranslatable();
        }
      }
      return new Expr.Cast(arg, t);
    }

    /**
     * Whether every value of a DECIMAL operand has at most its type's scale and precision, so that Calcite's cast to a
     * wider DECIMAL ({@code setScale} and an overflow check) leaves it as it is: true of literals and of columns
     * declared with that precision and scale (the row codec brings stored values to the declared scale), not of a
     * quotient, which has up to 16 significant digits whatever its type says.
     */
    private boolean scaleKept(RexNode operand) {
      if (operand instanceof RexLiteral) {
        return true;
      }
      if (operand instanceof RexInputRef ref) {
        dev.weft.query.catalog.Column c = table.columns().get(ref.getIndex());
        RelDataType type = ref.getType();
        return c.precision() > 0 && c.scale() == type.getScale() && c.precision() <= type.getPrecision();
      }
      return false;
    }

    /** Whether a cast between two Calcite types of one weft type leaves every value as it is. */
    private static boolean sameValues(RelDataType from, RelDataType to) {
      SqlTypeName f = from.getSqlTypeName();
      SqlTypeName t = to.getSqlTypeName();
      return switch (t) {
        case VARCHAR -> (f == SqlTypeName.VARCHAR || f == SqlTypeName.CHAR)
            && (to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
            || from.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED && from.getPrecision() <= to.getPrecision());
        case CHAR -> f == SqlTypeName.CHAR && from.getPrecision() == to.getPrecision();
        case DECIMAL -> to.getScale() >= from.getScale()
            && to.getPrecision() - to.getScale() >= from.getPrecision() - from.getScale();
        case TIMESTAMP -> to.getPrecision() >= from.getPrecision();
        default -> f == t;
      };
    }

    private static Expr literal(RexLiteral lit) {
      ColumnType type = typeOf(lit.getType());
      Object value;
      if (lit.isNull()) {
        value = null;
      } else {
        value = switch (type) {
          case INTEGER -> lit.getValueAs(Integer.class);
          case BIGINT -> lit.getValueAs(Long.class);
          case DOUBLE -> lit.getValueAs(Double.class);
          case REAL -> lit.getValueAs(Float.class);
          case DECIMAL -> lit.getValueAs(BigDecimal.class);
          case VARCHAR -> lit.getValueAs(String.class);
          case BOOLEAN -> lit.getValueAs(Boolean.class);
          case DATE -> lit.getValueAs(Integer.class);
          case TIMESTAMP -> lit.getValueAs(Long.class);
        };
        if (!Values.isValue(type, value)) {
          throw new Untranslatable();
        }
      }
      return new Expr.Literal(value, type);
    }

    /** The weft type whose Enumerable representation Calcite uses for {@code t}. */
    static ColumnType typeOf(RelDataType t) {
      return switch (t.getSqlTypeName()) {
        case INTEGER -> ColumnType.INTEGER;
        case BIGINT -> ColumnType.BIGINT;
        case DOUBLE, FLOAT -> ColumnType.DOUBLE;
        case REAL -> ColumnType.REAL;
        case DECIMAL -> ColumnType.DECIMAL;
        case CHAR, VARCHAR -> ColumnType.VARCHAR;
        case BOOLEAN -> ColumnType.BOOLEAN;
        case DATE -> ColumnType.DATE;
        case TIMESTAMP -> ColumnType.TIMESTAMP;
        default -> throw new Untranslatable();
      };
    }
  }
}
