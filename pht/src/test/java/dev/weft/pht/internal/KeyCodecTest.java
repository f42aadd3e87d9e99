package dev.weft.pht.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyCodecTest {
  private static final KeyCodec LONGS = new KeyCodec(new IndexInfo("l", KeyType.LONG, 16, 64, 0));
  private static final KeyCodec STRINGS = new KeyCodec(new IndexInfo("s", KeyType.STRING, 16, 24, 3));
  private static final KeyCodec POINTS = new KeyCodec(new IndexInfo("p", KeyType.POINT, 16, 64, 0));

  @Test
  void longBitsSortAsTheNumbersDo() {
    Random r = new Random(5);
    for (int i = 0; i < 1000; i++) {
      long a = r.nextLong();
      long b = i % 10 == 0 ? a + 1 : r.nextLong();
      assertThat(Integer.signum(LONGS.bits(Key.of(a)).compareTo(LONGS.bits(Key.of(b)))))
          .isEqualTo(Integer.signum(Long.compare(a, b)));
    }
    assertThat(LONGS.bits(Key.of(Long.MIN_VALUE))).isEqualTo("0".repeat(64));
    assertThat(LONGS.bits(Key.of(-1))).isEqualTo("0" + "1".repeat(63));
  }

  @Test
  void stringsArePaddedToTheirBoundAndPointsInterleaved() {
    assertThat(STRINGS.bits(Key.of("a"))).isEqualTo("01100001" + "0".repeat(16));
    assertThat(POINTS.bits(Key.point(Integer.MIN_VALUE, -1))).isEqualTo("00" + "01".repeat(31));
    assertThat(POINTS.bits(Key.point(-1, Integer.MIN_VALUE))).isEqualTo("00" + "10".repeat(31));
  }

  @Test
  void keysGoToJsonAndBack() {
    for (KeyCodec c : new KeyCodec[] {LONGS, STRINGS, POINTS}) {
      Key k = c == LONGS ? Key.of(-42) : c == STRINGS ? Key.of("zé") : Key.point(3, -4);
      assertThat(c.fromJson(c.toJson(k))).isEqualTo(k);
    }
    assertThat(POINTS.toJson(Key.point(3, -4))).hasToString("[3,-4]");
    assertThatThrownBy(() -> LONGS.fromJson(JsonNodeFactory.instance.numberNode(1.5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> STRINGS.fromJson(JsonNodeFactory.instance.textNode("abcd")))
        .hasMessageContaining("over index s's bound of 3 bytes");
    assertThatThrownBy(() -> STRINGS.check(Key.of(1))).hasMessageContaining("keyed by STRING");
  }

  @Test
  void dhtKeysCarryLengthAndNibblesAndReadBack() {
    assertThat(KeyCodec.dhtKey("")).isEqualTo("0:");
    assertThat(KeyCodec.dhtKey("10101")).isEqualTo("5:a8");
    for (String p : new String[] {"", "0", "1", "0110", "10101", "1".repeat(64)}) {
      assertThat(KeyCodec.prefixOf(KeyCodec.dhtKey(p))).isEqualTo(p);
    }
  }

  @Test
  void regionsPruneSubtreesOutsideTheQuery() {
    String lo = LONGS.bits(Key.of(10));
    String hi = LONGS.bits(Key.of(20));
    KeyCodec.Region range = LONGS.range(lo, hi);
    assertThat(range.mayContain("")).isTrue();
    assertThat(range.mayContain("0")).as("negative numbers").isFalse();
    assertThat(range.contains(LONGS.bits(Key.of(15)), Key.of(15))).isTrue();
    assertThat(range.contains(LONGS.bits(Key.of(21)), Key.of(21))).isFalse();
    KeyCodec.Region rect = POINTS.rectangle((Key.PointKey) Key.point(0, 0), (Key.PointKey) Key.point(5, 5));
    assertThat(rect.mayContain("1")).as("x >= 0").isTrue();
    assertThat(rect.mayContain("0")).as("x < 0").isFalse();
    assertThat(rect.contains(POINTS.bits(Key.point(6, 1)), Key.point(6, 1))).isFalse();
  }
}
