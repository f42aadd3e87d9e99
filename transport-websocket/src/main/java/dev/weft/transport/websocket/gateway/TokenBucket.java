package dev.weft.transport.websocket.gateway;

/** A token bucket: {@code rate} tokens a second, at most {@code capacity} saved up. Not thread-safe. */
final class TokenBucket {
  private final double rate;
  private final double capacity;
  private double tokens;
  private long last;

  TokenBucket(double rate, double capacity, long nowNanos) {
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = capacity;
    this.last = nowNanos;
  }

  /** Takes a token if there is one. */
  boolean tryTake(long nowNanos) {
    if (nowNanos > last) {
      tokens = Math.min(capacity, tokens + (nowNanos - last) * rate / 1e9);
      last = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
