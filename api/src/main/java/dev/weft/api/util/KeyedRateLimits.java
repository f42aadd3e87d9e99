package dev.weft.api.util;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TokenBucket} per key (an origin node, a peer's address), for the most recently seen keys only: a key
 * forgotten past {@code keys} starts again with a full burst. Bounds what one sender may ask of a node without letting
 * many senders grow its memory. Thread-safe.
 *
 * @param <K> the key's type
 */
public final class KeyedRateLimits<K> {
  private final double perSecond;
  private final double burst;
  private final Map<K, TokenBucket> buckets;

  /**
   * @param perSecond the rate each key refills at
   * @param burst the most each key may take at once
   * @param keys how many keys are remembered, the least recently used forgotten past it
   */
  public KeyedRateLimits(double perSecond, double burst, int keys) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, TokenBucket> eldest) {
        return size() > keys;
      }
    };
  }

  /** Takes one unit of {@code key}'s allowance at {@code nowNanos}; false when it has none left. */
  public synchronized boolean tryTake(K key, long nowNanos) {
    return buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, nowNanos)).tryTake(nowNanos);
  }
}
