package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class VersionTest {
  @Property
  void textRoundTrips(@ForAll long ts, @ForAll long writer) {
    Version v = new Version(ts, writer);
    assertThat(Version.parse(v.toString())).isEqualTo(v);
  }

  @Property
  void orderIsTotalAndConsistent(@ForAll long t1, @ForAll long w1, @ForAll long t2, @ForAll long w2) {
    Version a = new Version(t1, w1);
    Version b = new Version(t2, w2);
    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
  }

  @Test
  void timestampWinsThenWriter() {
    assertThat(new Version(2, 0).isNewerThan(new Version(1, 99))).isTrue();
    assertThat(new Version(1, 2).isNewerThan(new Version(1, 1))).isTrue();
    assertThat(new Version(5L << 16, 0).millis()).isEqualTo(5);
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> Version.parse("xyz")).hasMessageContaining("not a version");
    assertThatThrownBy(() -> Version.parse("1-")).hasMessageContaining("not a version");
  }
}
