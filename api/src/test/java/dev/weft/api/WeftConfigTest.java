package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeftConfigTest {
  private final WeftConfig c = WeftConfig.of(Map.of(
      "weft.a", "42", "weft.d", "1500ms", "weft.h", "24h", "weft.iso", "PT2M", "weft.b", "yes",
      "weft.s", "64KiB", "weft.l", " a, b ,,c ", "weft.bad", "forty"));

  @Test
  void readsTypedValues() {
    assertThat(c.integer("weft.a", 0, 0, 100)).isEqualTo(42);
    assertThat(c.integer("weft.missing", 7, 0, 100)).isEqualTo(7);
    assertThat(c.duration("weft.d", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.duration("weft.h", Duration.ZERO)).isEqualTo(Duration.ofHours(24));
    assertThat(c.duration("weft.iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.bool("weft.b", false)).isTrue();
    assertThat(c.bytes("weft.s", 0, 0, Long.MAX_VALUE)).isEqualTo(65536);
    assertThat(c.list("weft.l")).containsExactly("a", "b", "c");
  }

  @Test
  void errorsNameTheKeyAndTheValue() {
    assertThatThrownBy(() -> c.integer("weft.bad", 0, 0, 10))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.bad").hasMessageContaining("'forty'");
    assertThatThrownBy(() -> c.integer("weft.a", 0, 0, 10)).hasMessageContaining("from 0 to 10");
    assertThatThrownBy(() -> c.duration("weft.bad", Duration.ZERO)).hasMessageContaining("weft.bad");
    assertThatThrownBy(() -> c.bool("weft.bad", true)).hasMessageContaining("true or false");
    assertThatThrownBy(() -> c.bytes("weft.bad", 0, 0, 10)).hasMessageContaining("weft.bad");
    assertThatThrownBy(() -> WeftConfig.empty().with("weft.listen", "nope").addresses("weft.listen"))
        .hasMessageContaining("weft.listen").hasMessageContaining("'nope'");
  }
}
