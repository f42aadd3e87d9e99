package dev.weft.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Version;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {
  @Test
  void neverGoesBackwardsAndFollowsWhatItSees() {
    AtomicLong wall = new AtomicLong(1_000_000);
    VersionClock hlc = VersionClock.hybrid(wall::get, 5);
    Version a = hlc.next();
    wall.set(500_000); // the wall clock jumps back
    Version b = hlc.next();
    assertThat(b.isNewerThan(a)).isTrue();
    wall.set(1_000_000);
    Version seen = new Version((1_000_010L << 16) + 3, 9);
    hlc.observe(seen);
    assertThat(hlc.next().isNewerThan(seen)).isTrue();
  }

  @Test
  void ignoresVersionsFarInTheFuture() {
    AtomicLong wall = new AtomicLong(1_000_000);
    VersionClock hlc = VersionClock.hybrid(wall::get, 5);
    hlc.observe(new Version((1_000_000L + VersionClock.MAX_DRIFT_MILLIS * 10) << 16, 9));
    assertThat(hlc.next().millis()).isEqualTo(1_000_000);
  }
}
