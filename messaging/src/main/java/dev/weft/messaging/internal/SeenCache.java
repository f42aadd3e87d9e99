package dev.weft.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids seen recently, bounded: the oldest is forgotten first. For a broadcast, also how far down this node has handed
 * it on (its {@code limit}: buckets below it). Thread-safe.
 */
final class SeenCache {
  /** Id to the broadcast limit handed on so far; 0 for messages that are not broadcasts. */
  private final Map<String, Integer> seen;

  SeenCache(int capacity) {
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Whether {@code id} was seen, without recording it. */
  synchronized boolean contains(String id) {
    return seen.containsKey(id);
  }

  /** Records {@code id}; true when it was new. */
  synchronized boolean firstTime(String id) {
    return seen.putIfAbsent(id, 0) == null;
  }

  /**
   * Raises how far down broadcast {@code id} has been handed on to {@code limit}; returns how far it had been (0 for a
   * broadcast not handed on yet, or an unknown id, which is recorded).
   */
  synchronized int widen(String id, int limit) {
    Integer before = seen.get(id);
    int was = before == null ? 0 : before;
    if (limit > was) {
      seen.put(id, limit);
    }
    return was;
  }
}
