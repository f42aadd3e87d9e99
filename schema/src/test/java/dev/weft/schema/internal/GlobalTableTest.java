package dev.weft.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Version;
import dev.weft.schema.Global;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobalTableTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static Global g(String name, long ts, long writer, String value) {
    return new Global(name, Optional.ofNullable(value).map(JSON::textNode), new Version(ts, writer));
  }

  @Test
  void anyDeliveryOrderEndsInTheSameStateAndDigest() {
    Random random = new Random(17);
    List<Global> versions = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String name = "n" + random.nextInt(40);
      // Few distinct timestamps, so equal ones are decided by the writer, and even equal versions (which honest
      // writers never issue twice) by their content.
      versions.add(g(name, random.nextInt(8), random.nextInt(5), random.nextInt(4) == 0 ? null : "v" + i));
    }
    GlobalTable reference = new GlobalTable(1000, 1 << 20);
    versions.forEach(v -> reference.apply(v, x -> { }));
    for (int run = 0; run < 50; run++) {
      List<Global> shuffled = new ArrayList<>(versions);
      Collections.shuffle(shuffled, random);
      GlobalTable t = new GlobalTable(1000, 1 << 20);
      shuffled.forEach(v -> t.apply(v, x -> { }));
      assertThat(t.root()).isEqualTo(reference.root());
      assertThat(t.sums()).isEqualTo(reference.sums());
      assertThat(t.all()).containsExactlyInAnyOrderElementsOf(reference.all());
    }
    // The winner of each name is its greatest (timestamp, writer), then removal, then greatest JSON text.
    for (Global held : reference.all()) {
      Global max = versions.stream().filter(v -> v.name().equals(held.name()))
          .reduce((a, b) -> GlobalTable.wins(b, a) ? b : a).orElseThrow();
      assertThat(held).isEqualTo(max);
    }
  }

  @Test
  void staleVersionsAndFullTablesAreRefused() {
    GlobalTable t = new GlobalTable(2, 1 << 20);
    List<Global> announced = new ArrayList<>();
    assertThat(t.apply(g("a", 5, 1, "x"), announced::add)).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.apply(g("a", 5, 1, "x"), announced::add)).isEqualTo(GlobalTable.Outcome.STALE);
    assertThat(t.apply(g("a", 4, 9, "y"), announced::add)).isEqualTo(GlobalTable.Outcome.STALE);
    assertThat(t.apply(g("b", 1, 1, null), announced::add)).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.apply(g("c", 1, 1, "z"), announced::add)).isEqualTo(GlobalTable.Outcome.TOO_MANY_NAMES);
    assertThat(t.apply(g("a", 6, 0, "w"), announced::add)).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(announced).extracting(Global::version).containsExactly(new Version(5, 1), new Version(1, 1),
        new Version(6, 0));
    assertThat(t.live()).containsOnlyKeys("a");
    String root = t.root();
    assertThat(t.forget(g("b", 1, 1, null), x -> { })).isTrue();
    assertThat(t.root()).isNotEqualTo(root);
    assertThat(t.forget(g("a", 5, 1, "x"), x -> { })).as("only what is still held").isFalse();
  }

  @Test
  void theTotalSizeIsBoundedButShrinkingAlwaysPasses() {
    GlobalTable t = new GlobalTable(100, 40);
    assertThat(t.apply(g("a", 1, 1, "x".repeat(20)), x -> { })).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.bytes()).isEqualTo(1 + 22);
    assertThat(t.apply(g("b", 1, 1, "y".repeat(20)), x -> { })).isEqualTo(GlobalTable.Outcome.TOO_MANY_BYTES);
    assertThat(t.apply(g("a", 2, 1, "x".repeat(45)), x -> { })).isEqualTo(GlobalTable.Outcome.TOO_MANY_BYTES);
    assertThat(t.apply(g("a", 2, 1, "x".repeat(5)), x -> { })).as("shrinking").isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.apply(g("a", 3, 1, null), x -> { })).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.bytes()).isEqualTo(1);
    assertThat(t.apply(g("b", 4, 1, "y".repeat(20)), x -> { })).isEqualTo(GlobalTable.Outcome.APPLIED);
    assertThat(t.forget(g("a", 3, 1, null), x -> { })).isTrue();
    assertThat(t.bytes()).isEqualTo(23);
  }

  @Test
  void digestsAgreeOnlyOnEqualContents() {
    GlobalTable a = new GlobalTable(10, 1 << 20);
    GlobalTable b = new GlobalTable(10, 1 << 20);
    assertThat(a.root()).isEqualTo(b.root());
    a.apply(g("x", 1, 1, "v"), x -> { });
    assertThat(a.root()).isNotEqualTo(b.root());
    b.apply(g("x", 1, 1, null), x -> { });
    assertThat(a.root()).as("a removal differs from a value of the same version").isNotEqualTo(b.root());
    GlobalTable c = new GlobalTable(10, 1 << 20);
    c.apply(g("x", 1, 1, "v"), x -> { });
    assertThat(c.root()).isEqualTo(a.root());
  }

  @Test
  void codecChecksWhatPeersSend() {
    Global value = g("name", 1L << 40, 3, "v");
    assertThat(GlobalCodec.decode(GlobalCodec.encode(value), 100)).isEqualTo(value);
    Global removed = g("name", 1L << 40, 3, null);
    assertThat(GlobalCodec.parse(GlobalCodec.text(removed), 100)).isEqualTo(removed);
    assertThat(GlobalCodec.parse("{\"n\":\"p\",\"ver\":\"1-1\",\"v\":2.50}", 100).value().orElseThrow().toString())
        .isEqualTo("2.50");
    for (String bad : List.of("[]", "{}", "{\"n\":\"a b\",\"ver\":\"1-1\",\"v\":1}", "{\"n\":\"a\",\"v\":1}",
        "{\"n\":\"a\",\"ver\":\"1-1\"}", "{\"n\":\"a\",\"ver\":\"1-1\",\"v\":1,\"d\":true}",
        "{\"n\":\"a\",\"ver\":\"x\",\"v\":1}", "{\"n\":\"a\",\"ver\":\"1-1\",\"v\":\"" + "x".repeat(100) + "\"}",
        "{\"n\":5,\"ver\":\"1-1\",\"v\":1}", "not json")) {
      assertThatThrownBy(() -> GlobalCodec.parse(bad, 100)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
