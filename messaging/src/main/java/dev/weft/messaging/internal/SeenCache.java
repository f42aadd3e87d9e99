package dev.weft.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ids seen recently, bounded: the oldest is forgotten first. Thread-safe. */
final class SeenCache {
  private final Map<String, Boolean> seen;

  SeenCache(int capacity) {
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
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
    return seen.put(id, Boolean.TRUE) == null;
  }
}
