package dev.weft.api.util;
import dev.weft.api.spi.Scheduler;

/**
 * A rate limit for plugins: {@code perSecond} tokens a second, at most {@code burst} saved up, starting full. The
 * caller passes the time (its {@link Scheduler#nanoTime()}, so limits follow virtual time in simulations); a time
 * earlier than the last one adds nothing. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TokenBucket {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long last;

  /**
   * @param perSecond tokens added a second, more than 0
   * @param burst most tokens saved up, at least 1
   * @param nowNanos the time it starts
   */
  public TokenBucket(double perSecond, double burst, long nowNanos) {
    if (!(perSecond > 0) || !(burst >= 1)) {
      throw new IllegalArgumentException("a token bucket needs a rate above 0 and a burst of at least 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  /** Takes a token if there is one at {@code nowNanos}. */
  public synchronized boolean tryTake(long nowNanos) {
    if (nowNanos > last) {
      tokens = Math.min(burst, tokens + (nowNanos - last) * perSecond / 1e9);
      last = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
