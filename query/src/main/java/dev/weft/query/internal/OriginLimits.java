package dev.weft.query.internal;

import dev.weft.api.NodeId;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.util.TokenBucket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scans a node serves per second for each asking node ({@code weft.query.scans-per-origin}, with a burst of twice
 * that), for the 1,024 asking nodes seen last. Thread-safe.
 */
final class OriginLimits {
  private final Scheduler scheduler;
  private final int rate;
  private final Map<NodeId, TokenBucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, TokenBucket> eldest) {
      return size() > 1024;
    }
  };

  OriginLimits(Scheduler scheduler, int rate) {
    this.scheduler = scheduler;
    this.rate = rate;
  }

  /** Whether one more scan from {@code origin} is within its limit (and takes it). */
  synchronized boolean allowed(NodeId origin) {
    long now = scheduler.nanoTime();
    return buckets.computeIfAbsent(origin, o -> new TokenBucket(rate, 2.0 * rate, now)).tryTake(now);
  }
}
