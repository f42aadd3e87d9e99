package dev.weft.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.pht.Key;
import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Index keys keep the column's order (a < b gives key(a) <= key(b)), which is what makes inclusive ranges enough. */
class IndexEntriesKeyTest {
  private final Random random = new Random(61);

  private static Column column(ColumnType type) {
    return new Column("c", type, true, type == ColumnType.DECIMAL ? 30 : 0, type == ColumnType.DECIMAL ? 6 : 0);
  }

  private static int compareKeys(Key a, Key b) {
    if (a instanceof Key.LongKey x && b instanceof Key.LongKey y) {
      return Long.compare(x.value(), y.value());
    }
    return Arrays.compareUnsigned(((Key.StringKey) a).value().getBytes(StandardCharsets.UTF_8),
        ((Key.StringKey) b).value().getBytes(StandardCharsets.UTF_8));
  }

  private <T> void keepsOrder(ColumnType type, List<T> values, Comparator<T> order) {
    values.sort(order);
    Column c = column(type);
    for (int i = 1; i < values.size(); i++) {
      Key a = IndexEntries.key(c, values.get(i - 1)).orElseThrow();
      Key b = IndexEntries.key(c, values.get(i)).orElseThrow();
      assertThat(compareKeys(a, b)).as("%s: %s then %s", type, values.get(i - 1), values.get(i)).isLessThanOrEqualTo(0);
    }
    assertThat(IndexEntries.key(c, null)).isEmpty();
  }

  @Test
  void numbersKeepTheirOrder() {
    List<Double> doubles = new ArrayList<>(List.of(-0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
        -Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.0, -1.0));
    List<Long> longs = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
    List<BigDecimal> decimals = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      doubles.add(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
      longs.add(random.nextLong());
      decimals.add(BigDecimal.valueOf(random.nextLong(), random.nextInt(8)));
    }
    keepsOrder(ColumnType.DOUBLE, doubles, Comparator.naturalOrder());
    keepsOrder(ColumnType.BIGINT, longs, Comparator.naturalOrder());
    keepsOrder(ColumnType.DECIMAL, decimals, Comparator.naturalOrder());
    assertThat(IndexEntries.key(column(ColumnType.DOUBLE), -0.0)).isEqualTo(IndexEntries.key(column(ColumnType.DOUBLE),
        0.0));
  }

  @Test
  void stringsKeepTheirOrderAsFiltersCompareThem() {
    String alphabet = "ab\0zé€😀\uFFFD";
    List<String> strings = new ArrayList<>(List.of("", "a", "a".repeat(40), "a".repeat(15) + "€", "a".repeat(15) + "b"));
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(45); n > 0; n--) {
        b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(8))));
      }
      strings.add(b.toString());
    }
    // Filters compare strings as String.compareTo does (UTF-16 code units): U+FFFD sorts above U+1F600 there.
    strings.addAll(List.of("\uFFFD", "😀", "\uE000x", "a".repeat(15) + "\uFFFD", "a".repeat(15) + "😀"));
    keepsOrder(ColumnType.VARCHAR, strings, Comparator.naturalOrder());
    for (String s : strings) {
      String k = ((Key.StringKey) IndexEntries.key(column(ColumnType.VARCHAR), s).orElseThrow()).value();
      assertThat(k.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(IndexEntries.STRING_BYTES);
      assertThat(k.codePointCount(0, k.length())).isEqualTo(IndexEntries.KEY_UNITS);
      assertThat(k).doesNotContain("\0");
      assertThat(k.equals(new String(k.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))).isTrue();
    }
  }
}
