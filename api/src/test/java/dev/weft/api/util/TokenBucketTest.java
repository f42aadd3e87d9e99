package dev.weft.api.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void burstThenRateAndTimeGoingBackAddsNothing() {
    TokenBucket b = new TokenBucket(2, 3, 0);
    int taken = 0;
    while (b.tryTake(0)) {
      taken++;
    }
    assertThat(taken).isEqualTo(3);
    assertThat(b.tryTake(SECOND / 2)).isTrue();
    assertThat(b.tryTake(SECOND / 2)).isFalse();
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.tryTake(10 * SECOND)).isTrue();
    assertThat(b.tryTake(10 * SECOND)).isTrue();
    assertThat(b.tryTake(10 * SECOND)).isTrue();
    assertThat(b.tryTake(10 * SECOND)).as("never more than the burst saved up").isFalse();
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
