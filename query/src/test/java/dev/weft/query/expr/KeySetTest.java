package dev.weft.query.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A join's key set: exact or a Bloom filter, equal keys as SQL's {@code =} has them, and as network input read with
 * every field checked.
 */
class KeySetTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableDefinition T = CalciteEquivalenceTest.TABLE;

  /** An {@code Among} on columns {@code i} (INTEGER) and {@code s} (VARCHAR), sent and read back. */
  private static Expr travelled(KeySet set) throws Exception {
    Expr among = new Expr.Among(List.of(new Expr.Column(1, ColumnType.INTEGER), new Expr.Column(7, ColumnType.VARCHAR)),
        set);
    return ExprJson.fromJson(JSON.readTree(ExprJson.toJson(among).toString()), T);
  }

  private static Object[] row(Object i, Object s) {
    Object[] row = new Object[T.columns().size()];
    row[1] = i;
    row[7] = s;
    return row;
  }

  @Test
  void aFewKeysTravelThemselvesAndMatchExactly() throws Exception {
    KeySet set = KeySet.of(List.of(ColumnType.INTEGER, ColumnType.VARCHAR),
        List.of(List.of(1, "a"), List.of(2, "b"), new ArrayList<>(Arrays.asList(3, null)))).orElseThrow();
    assertThat(set.isExact()).isTrue();
    Expr e = travelled(set);
    assertThat(Evaluator.eval(e, row(1, "a"))).isEqualTo(true);
    assertThat(Evaluator.eval(e, row(2, "a"))).isEqualTo(false);
    assertThat(Evaluator.eval(e, row(3, "c"))).isEqualTo(false);
    assertThat(Evaluator.eval(e, row(null, "a"))).isNull();
    assertThat(Exprs.typeOf(e)).isEqualTo(ColumnType.BOOLEAN);
  }

  @Test
  void equalValuesAreEqualKeysAsInSql() {
    KeySet decimals = KeySet.of(List.of(ColumnType.DECIMAL), List.of(List.of(new BigDecimal("2.50")))).orElseThrow();
    assertThat(decimals.mightContain(List.of(new BigDecimal("2.5")))).isTrue();
    assertThat(decimals.mightContain(List.of(new BigDecimal("2.51")))).isFalse();
    KeySet doubles = KeySet.of(List.of(ColumnType.DOUBLE), List.of(List.of(-0.0), List.of(Double.NaN))).orElseThrow();
    assertThat(doubles.mightContain(List.of(0.0))).isTrue();
    assertThat(doubles.mightContain(List.of(Double.NaN))).isFalse();
  }

  @Test
  void manyKeysTravelAsABloomFilterThatMissesNoneAndPassesFewOthers() throws Exception {
    List<List<Object>> keys = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      keys.add(List.of(i, "k" + i));
    }
    KeySet set = KeySet.of(List.of(ColumnType.INTEGER, ColumnType.VARCHAR), keys).orElseThrow();
    assertThat(set.isExact()).isFalse();
    assertThat(set.bytes()).isLessThan(10_000);
    Expr e = travelled(set);
    for (int i = 0; i < 5_000; i++) {
      assertThat(Evaluator.test(e, row(i, "k" + i))).isTrue();
    }
    int passed = 0;
    for (int i = 5_000; i < 15_000; i++) {
      passed += Evaluator.test(e, row(i, "k" + i)) ? 1 : 0;
    }
    assertThat(passed).isLessThan(300); // 1% expected: 100 of 10,000
  }

  @Test
  void aSetIsWorthSendingOnlyWhereItKeepsMoreBytesBackThanItCostsEveryNode() {
    List<List<Object>> keys = new ArrayList<>();
    for (long i = 0; i < 200; i++) {
      keys.add(List.of(i * 7919));
    }
    KeySet set = KeySet.of(List.of(ColumnType.BIGINT), keys).orElseThrow();
    assertThat(set.isExact()).isFalse();
    assertThat(set.bytes()).isBetween(250, 450); // a Bloom filter: about 1.6 bytes a key as base64
    assertThat(set.pays(1000, 20_000, 2)).isTrue();   // 20 rows per node kept back against a set per node
    assertThat(set.pays(1000, 2_000, 2)).isFalse();   // 2 rows per node: shipping them is cheaper
    assertThat(set.pays(4, 600, 2)).isTrue();
  }

  @Test
  void keysTooManyToSendMakeNoSet() {
    List<List<Object>> keys = new ArrayList<>();
    for (long i = 0; i < 100_000; i++) {
      keys.add(List.of(i));
    }
    assertThat(KeySet.of(List.of(ColumnType.BIGINT), keys)).isEmpty();
    assertThatThrownBy(() -> KeySet.of(List.of(ColumnType.BIGINT), List.of(List.of("x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedSetsAreRefusedWithAReason() throws Exception {
    KeySet bloom = KeySet.of(List.of(ColumnType.INTEGER), range(1000)).orElseThrow();
    ObjectNode good = bloom.toJson();
    byte[] bytes = Base64.getDecoder().decode(good.get("bloom").textValue());
    byte[] huge = bytes.clone();
    huge[2] = 0x7f; // claims 2^30 longs
    byte[] hashes = bytes.clone();
    hashes[1] = (byte) 200;
    String col = "\"among\":[1],\"keys\":";
    String[][] cases = {
        {"{\"types\":[\"INTEGER\"],\"bloom\":\"" + Base64.getEncoder().encodeToString(huge) + "\"}", "malformed header"},
        {"{\"types\":[\"INTEGER\"],\"bloom\":\"" + Base64.getEncoder().encodeToString(hashes) + "\"}",
            "malformed header"},
        {"{\"types\":[\"INTEGER\"],\"bloom\":\"!!\"}", "must be base64"},
        {"{\"types\":[\"INTEGER\"],\"keys\":[[1]],\"bloom\":\"AAAA\"}", "either"},
        {"{\"types\":[\"INTEGER\"]}", "either"},
        {"{\"types\":[\"INTEGER\"],\"keys\":[[1, 2]]}", "array of 1 values"},
        {"{\"types\":[\"INTEGER\"],\"keys\":[[\"x\"]]}", "key"},
        {"{\"types\":[\"NOPE\"],\"keys\":[]}", "unknown"},
        {"{\"types\":[],\"keys\":[]}", "\"types\""},
        {"{\"types\":[\"INTEGER\"],\"keys\":[],\"x\":1}", "unknown field"},
        {"{\"types\":[\"VARCHAR\"],\"keys\":[[\"a\"]]}", "is INTEGER"},
    };
    for (String[] c : cases) {
      String json = "{\"v\":1,\"e\":{" + col + c[0] + "}}";
      assertThatThrownBy(() -> ExprJson.fromJson(JSON.readTree(json), T)).as(c[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c[1]);
    }
    assertThatThrownBy(() -> ExprJson.fromJson(JSON.readTree("{\"v\":1,\"e\":{\"among\":[99],\"keys\":"
        + good + "}}"), T)).hasMessageContaining("not a column");
  }

  private static List<List<Object>> range(int n) {
    List<List<Object>> out = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      out.add(List.of(random.nextInt()));
    }
    return out;
  }
}
