package dev.weft.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenCacheTest {
  @Test
  void recordsOnceAndForgetsTheOldestBeyondCapacity() {
    SeenCache seen = new SeenCache(2);
    assertThat(seen.contains("a")).isFalse();
    assertThat(seen.firstTime("a")).isTrue();
    assertThat(seen.firstTime("a")).isFalse();
    assertThat(seen.firstTime("b")).isTrue();
    assertThat(seen.firstTime("c")).isTrue();
    assertThat(seen.contains("a")).as("oldest forgotten").isFalse();
    assertThat(seen.contains("b")).isTrue();
    assertThat(seen.contains("c")).isTrue();
  }

  @Test
  void aRepeatDoesNotMakeAnIdYoungAgain() {
    SeenCache seen = new SeenCache(2);
    seen.firstTime("a");
    seen.firstTime("b");
    seen.firstTime("a");
    seen.firstTime("c");
    assertThat(seen.contains("a")).as("insertion order, not access order").isFalse();
  }
}
