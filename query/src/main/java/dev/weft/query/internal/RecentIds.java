package dev.weft.query.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ids seen recently (scans, writes), bounded: the oldest is forgotten first. Thread-safe. */
final class RecentIds {
  private final Map<String, Boolean> seen;

  RecentIds(int capacity) {
    this.seen = new LinkedHashMap<>(256, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Records {@code id}; true when it was new. */
  synchronized boolean firstTime(String id) {
    return seen.put(id, Boolean.TRUE) == null;
  }

  /** Forgets {@code id} (its use was refused, so a retry counts as new). */
  synchronized void forget(String id) {
    seen.remove(id);
  }
}
