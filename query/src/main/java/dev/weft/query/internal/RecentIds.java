package dev.weft.query.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ids seen recently (scans, writes), each with a tag, bounded: the oldest is forgotten first. Thread-safe. */
final class RecentIds {
  private final Map<String, String> seen;

  RecentIds(int capacity) {
    this.seen = new LinkedHashMap<>(256, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Records {@code id}; true when it was new. */
  synchronized boolean firstTime(String id) {
    return firstSeen(id, "") == null;
  }

  /** Records {@code id} with {@code tag} if it is new (null then); otherwise the tag it was first recorded with. */
  synchronized String firstSeen(String id, String tag) {
    return seen.putIfAbsent(id, tag);
  }

  /** Forgets {@code id} (its use was refused, so a retry counts as new). */
  synchronized void forget(String id) {
    seen.remove(id);
  }
}
