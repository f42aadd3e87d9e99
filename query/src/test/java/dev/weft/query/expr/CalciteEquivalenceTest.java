package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against Calcite itself: for random predicates (SQL text) over random rows of a table of every column
 * type, the rows Calcite's own execution selects are exactly those for which the translated expression is TRUE; a
 * predicate that does not translate fully leaves its rest as residual, never a wrong pushed part.
 */
class CalciteEquivalenceTest {
  private static final long SEED = 20_261_206L;
  private static final int PREDICATES = 300;
  private static final int BATCH = 40;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final TableDefinition TABLE = new TableDefinition("t", List.of(
      new Column("id", ColumnType.INTEGER, false, 0, 0), new Column("i", ColumnType.INTEGER, true, 0, 0),
      new Column("j", ColumnType.INTEGER, true, 0, 0), new Column("b", ColumnType.BIGINT, true, 0, 0),
      new Column("d", ColumnType.DOUBLE, true, 0, 0), new Column("r", ColumnType.REAL, true, 0, 0),
      new Column("m", ColumnType.DECIMAL, true, 10, 2), new Column("s", ColumnType.VARCHAR, true, 10, 0),
      new Column("t", ColumnType.BOOLEAN, true, 0, 0), new Column("dt", ColumnType.DATE, true, 0, 0),
      new Column("ts", ColumnType.TIMESTAMP, true, 0, 0)), List.of("id"), "0123456789abcdef0123456789abcdef");
  /** Edges worth checking every time: overflow, DECIMAL precision, division, padding, escapes. */
  private static final List<String> TARGETED = List.of("m * m > 0", "m * m * m > 0", "m / 3 > 0.08",
      "m / 3 = 0.083333", "m / 3 > 0.0833333", "m / 3 < 0.0833334", "(m + 0.001) / 3 = 0.083667", "m * 0.5 = 0.125",
      "m / 0.3 > 0.8333333", "m / m = 1",
      "m / 7 = 0.2142857142857143", "i * i > 0", "i + 2147483647 < 0", "b * b > 0", "b + 9223372036854775807 < 0",
      "-i > 0", "MOD(i, j) = 0", "i / j > 0", "MOD(m, 0.07) > 0.01", "d / 0e0 > 0", "r * 3 > 4.5",
      "CAST(i AS REAL) * CAST(i AS REAL) > 1e18", "s < 'ab'", "s IN ('a', 'abc')", "s = 'a '", "s IN ('a ', 'b')",
      "s LIKE '%\\%' ESCAPE '\\'", "d = -0e0", "d * d > 1e300", "m = 1.5", "m IN (1.5, 3)", "i = 2147483647.0",
      "b = 5000000000.5", "r = 0.1", "r = 0.1e0", "r = CAST(0.1 AS REAL)", "ts > TIMESTAMP '2020-01-01 00:00:00.0005'");
  private static List<Object[]> rows;
  private static CalciteOracle calcite;

  @BeforeAll
  static void setUp() throws Exception {
    rows = rows(new Random(SEED), 80);
    calcite = new CalciteOracle(TABLE, rows);
  }

  @AfterAll
  static void tearDown() throws Exception {
    calcite.close();
  }

  /** One predicate: its translation and what the evaluator made of it. */
  private record Case(String sql, String what, RexTranslator.Split split, Set<Integer> selected,
      RuntimeException failure) {}

  @Test
  void translatedPredicatesSelectExactlyWhatCalciteSelects() throws Exception {
    Random random = new Random(SEED + 1);
    PredicateGenerator gen = new PredicateGenerator(random);
    List<Case> cases = new ArrayList<>();
    for (String p : TARGETED) {
      cases.add(evaluate(p));
    }
    for (int i = 0; i < PREDICATES; i++) {
      cases.add(evaluate(gen.bool(random.nextInt(4))));
    }
    // Calcite runs many predicates in one statement; those that fail here run alone (a failing statement must be
    // split to find its culprit). Whether Calcite fails is still Calcite's to say: the batches split on failure too.
    List<Case> batched = cases.stream().filter(c -> c.failure() == null).toList();
    List<CalciteOracle.Outcome> outcomes = new ArrayList<>();
    for (int from = 0; from < batched.size(); from += BATCH) {
      outcomes.addAll(calcite.select("t", batched.subList(from, Math.min(batched.size(), from + BATCH)).stream()
          .map(Case::sql).toList()));
    }
    int full = 0;
    int partial = 0;
    int errors = 0;
    int next = 0;
    for (Case c : cases) {
      CalciteOracle.Outcome expected = c.failure() == null ? outcomes.get(next++) : calcite.where("t", c.sql());
      if (c.split().pushed().isEmpty()) {
        continue;
      }
      if (!c.split().residual().isEmpty()) {
        partial++;
        if (expected.error() == null && c.failure() == null) {
          assertThat(c.selected()).as(c.what()).containsAll(expected.ids());
        }
        continue;
      }
      full++;
      if (expected.error() != null) {
        errors++;
        assertThat(c.failure()).as(c.what() + "\n  Calcite failed: " + expected.error()).isNotNull();
      } else {
        assertThat(c.failure()).as(c.what()).isNull();
        assertThat(c.selected()).as(c.what() + differences(c.selected(), expected.ids())).isEqualTo(expected.ids());
      }
    }
    // The test means something only if most predicates translate, and some fail in both.
    assertThat(full).as("fully translated predicates").isGreaterThan(PREDICATES * 6 / 10);
    assertThat(errors).as("predicates that failed in Calcite").isGreaterThan(0);
  }

  @Test
  void aProjectedPredicateSelectsWhatTheSameWhereSelects() throws Exception {
    Random random = new Random(SEED + 2);
    PredicateGenerator gen = new PredicateGenerator(random);
    List<String> predicates = new ArrayList<>();
    while (predicates.size() < 8) {
      String p = gen.bool(random.nextInt(4));
      if (calcite.where("t", p).error() == null) {
        predicates.add(p);
      }
    }
    List<CalciteOracle.Outcome> projected = calcite.select("t", predicates);
    for (int i = 0; i < predicates.size(); i++) {
      assertThat(projected.get(i).ids()).as(predicates.get(i)).isEqualTo(calcite.where("t", predicates.get(i)).ids());
    }
  }

  @Test
  void boundParametersSelectWhatCalciteSelectsWithTheSameValues() throws Exception {
    Object[][] cases = {
        {"i > ?", 1},
        {"b <= ? AND i IS NOT NULL", 2L},
        {"m = ?", new BigDecimal("1.5")},
        {"m BETWEEN ? AND ?", new BigDecimal("0"), new BigDecimal("1.50")},
        {"d < ? OR r > ?", 1.0, 1.0f},
        {"s LIKE ?", "a%"},
        {"s = ? OR t = ?", "ab", true},
        {"i + CAST(? AS INTEGER) > j", 2},
        {"i IN (?, ?)", 1, 3},
        {"i = ?", null},
    };
    for (Object[] c : cases) {
      String sql = (String) c[0];
      Object[] params = java.util.Arrays.copyOfRange(c, 1, c.length);
      CalciteOracle.Condition condition = calcite.condition("t", sql);
      RexTranslator.Split split = RexTranslator.split(condition.node(), condition.builder(), TABLE);
      String what = sql + "\n  condition " + condition.node() + "\n  split " + split;
      assertThat(split.residual()).as(what).isEmpty();
      Expr bound = Exprs.bind(split.pushed().orElseThrow(), java.util.Arrays.asList(params));
      Set<Integer> selected = new HashSet<>();
      for (Object[] row : rows) {
        if (Evaluator.test(bound, row)) {
          selected.add((Integer) row[0]);
        }
      }
      CalciteOracle.Outcome expected = calcite.where("t", sql, params);
      assertThat(expected.error()).as(what).isNull();
      assertThat(selected).as(what + differences(selected, expected.ids())).isEqualTo(expected.ids());
    }
  }

  private static Case evaluate(String sql) throws Exception {
    CalciteOracle.Condition c = calcite.condition("t", sql);
    RexTranslator.Split split = RexTranslator.split(c.node(), c.builder(), TABLE);
    Set<Integer> selected = new HashSet<>();
    RuntimeException failure = null;
    String what = sql + "\n  condition " + c.node() + "\n  pushed " + split.pushed() + "\n  residual "
        + split.residual();
    if (split.pushed().isPresent()) {
      Expr pushed = roundTrip(split.pushed().get());
      if (split.residual().isEmpty()) {
        assertThat(RexTranslator.translate(c.node(), TABLE)).as(what).contains(split.pushed().get());
      }
      for (Object[] row : rows) {
        try {
          if (Evaluator.test(pushed, row)) {
            selected.add((Integer) row[0]);
          }
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    }
    return new Case(sql, what, split, selected, failure);
  }

  private static String differences(Set<Integer> selected, Set<Integer> expected) {
    StringBuilder out = new StringBuilder();
    for (Object[] row : rows) {
      if (selected.contains(row[0]) != expected.contains(row[0])) {
        out.append("\n  differs: ").append(java.util.Arrays.toString(row));
      }
    }
    return out.toString();
  }

  private static Expr roundTrip(Expr e) throws Exception {
    Expr back = ExprJson.fromJson(JSON.readTree(JSON.writeValueAsString(ExprJson.toJson(e))), TABLE);
    assertThat(back).isEqualTo(e);
    return back;
  }

  static List<Object[]> rows(Random r, int n) {
    List<Object[]> out = new ArrayList<>();
    for (int id = 0; id < n; id++) {
      out.add(new Object[] {id,
          pick(r, -3, -2, -1, 0, 1, 2, 3, 7, Integer.MAX_VALUE, Integer.MIN_VALUE),
          pick(r, -2, 0, 1, 2, 3, 5),
          pick(r, -2L, 0L, 1L, 2L, 3L, 5_000_000_000L, Long.MAX_VALUE),
          pick(r, -1.5, 0.0, -0.0, 0.5, 1.0, 2.5, 3.0, 1e300),
          pick(r, 0.1f, 0.5f, -1.0f, 2.0f, 3.0f, 1.5f),
          pick(r, new BigDecimal("-1.50"), new BigDecimal("0.00"), new BigDecimal("0.25"), new BigDecimal("1.00"),
              new BigDecimal("1.50"), new BigDecimal("3.00"), new BigDecimal("99999999.99")),
          pick(r, "", "a", "ab", "abc", "b", "B", "a%", "a_c", " a", "a ", "\u00fc", "x\ny", "%", "a\\b"),
          pick(r, true, false),
          pick(r, 18260, 18261, 18262, 18263, 18264),
          pick(r, 1_577_836_800_000L, 1_577_836_800_001L, 1_577_836_801_000L, 1_577_923_200_000L)});
    }
    return out;
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... values) {
    return r.nextInt(6) == 0 ? null : values[r.nextInt(values.length)];
  }

  /** Random predicates over {@link #TABLE}, as SQL text. */
  static final class PredicateGenerator {
    private final Random r;

    PredicateGenerator(Random r) {
      this.r = r;
    }

    String bool(int depth) {
      int k = r.nextInt(depth > 0 ? 16 : 11);
      return switch (k) {
        case 0, 1, 2 -> num(depth) + " " + cmp() + " " + num(depth);
        case 3 -> "s " + cmp() + " " + string();
        case 4 -> one("dt", "dt", "DATE '2020-01-0" + (1 + r.nextInt(3)) + "'") + " " + cmp() + " "
            + "DATE '2019-12-3" + r.nextInt(2) + "'";
        case 5 -> "ts " + cmp() + " TIMESTAMP '2020-01-01 00:00:0" + r.nextInt(2) + "." + one("000", "001", "5") + "'";
        case 6 -> one("i", "b", "d", "r", "m", "s", "t", "dt", "ts") + one(" IS NULL", " IS NOT NULL");
        case 7 -> one("t", "NOT t", "t IS TRUE", "t IS NOT TRUE", "t IS FALSE", "t IS NOT FALSE", "t = TRUE",
            "t <> FALSE", "t < TRUE");
        case 8 -> num(depth) + one(" BETWEEN ", " NOT BETWEEN ") + num(0) + " AND " + num(0);
        case 9 -> r.nextInt(3) == 0 ? "s" + one(" IN (", " NOT IN (") + one("'a', 'abc'", "'', 'b'", "'a ', 'x'") + ")"
            : one("i", "b", "m", "d", "j") + one(" IN (", " NOT IN (") + one("1, 2", "0, 3, 7", "-1, 5000000000",
            "1.5, 2", "0.25, 1", "1.5e0, 3", "-1, NULL") + ")";
        case 10 -> "s " + one("LIKE", "NOT LIKE") + " " + one("'a%'", "'%b'", "'_'", "'a_'", "'%'", "'a\\%%' ESCAPE '\\'",
            "'%\\_c' ESCAPE '\\'", "'x_y'", "'A%'", "''", "'%a%'", "'a\\b' ESCAPE '\\'");
        case 11, 12 -> "(" + bool(depth - 1) + " AND " + bool(depth - 1) + ")";
        case 13, 14 -> "(" + bool(depth - 1) + " OR " + bool(depth - 1) + ")";
        default -> "NOT (" + bool(depth - 1) + ")";
      };
    }

    String num(int depth) {
      int k = r.nextInt(depth > 0 ? 20 : 12);
      return switch (k) {
        case 0, 1 -> one("i", "j", "b");
        case 2, 3 -> one("d", "r", "m");
        case 4, 5 -> one("0", "1", "2", "-3", "7", "2147483647");
        case 6 -> one("5000000000", "9223372036854775807");
        case 7 -> one("1.5", "0.25", "-2.00", "100.125");
        case 8 -> one("1.5e0", "0e0", "-2.5e0");
        case 9 -> one("CAST(NULL AS INTEGER)", "CAST(i AS BIGINT)", "CAST(j AS DOUBLE)");
        case 10 -> one("CAST(m AS DOUBLE)", "CAST(i AS DECIMAL(12, 2))", "CAST(r AS DOUBLE)");
        case 11 -> one("CAST(b AS INTEGER)", "CAST(d AS INTEGER)", "CAST(m AS INTEGER)", "CAST(i AS REAL)");
        case 12, 13 -> "(" + num(depth - 1) + one(" + ", " - ", " * ") + num(depth - 1) + ")";
        case 14, 15 -> "(" + num(depth - 1) + " / " + num(depth - 1) + ")";
        case 16 -> "MOD(" + one("i", "j", "b", "m", "7") + ", " + one("i", "j", "b", "2", "0", "m") + ")";
        case 17 -> "(-" + num(depth - 1) + ")";
        case 18 -> "ABS(" + num(depth - 1) + ")";
        default -> "CAST(" + num(depth - 1) + " AS " + one("DOUBLE", "BIGINT", "DECIMAL(20, 2)", "INTEGER") + ")";
      };
    }

    private String string() {
      return one("'a'", "'ab'", "''", "'b'", "'a '", "'abc'", "' a'", "'\u00fc'", "'B'", "CAST('a' AS CHAR(3))");
    }

    private String cmp() {
      return one("=", "<>", "<", "<=", ">", ">=");
    }

    private String one(String... options) {
      return options[r.nextInt(options.length)];
    }
  }
}
