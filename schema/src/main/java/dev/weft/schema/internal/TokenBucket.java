package dev.weft.schema.internal;

import java.util.function.LongSupplier;

/** A rate limit: {@code rate} permits a second, bursts of {@code burst}. Thread-safe. */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanos;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, double burst, LongSupplier nanos) {
    this.ratePerNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    this.tokens = burst;
    this.last = nanos.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = nanos.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
