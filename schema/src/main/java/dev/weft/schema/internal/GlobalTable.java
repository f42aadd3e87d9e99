package dev.weft.schema.internal;

import dev.weft.schema.Global;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every global a node holds (removals included), with their {@link Digest}. Keeps the newest version of each name:
 * applying is a last-writer-wins merge, so the order globals arrive in does not matter. Thread-safe.
 */
final class GlobalTable {
  /** What {@link #apply} did. */
  enum Outcome { APPLIED, STALE, TOO_MANY_NAMES, TOO_MANY_BYTES }

  private final int maxGlobals;
  private final long maxBytes;
  /** Bytes of each name and value, and their sum: what the table holds in memory, roughly. */
  private final Map<String, Integer> sizeOf = new HashMap<>();
  private long bytes;
  private final Map<String, Global> byName = new HashMap<>();
  /** Each name's digest bucket, so that listing a bucket does not hash every name again. */
  private final Map<String, Integer> bucketOf = new HashMap<>();
  private final Digest digest = new Digest();

  GlobalTable(int maxGlobals, long maxBytes) {
    this.maxGlobals = maxGlobals;
    this.maxBytes = maxBytes;
  }

  /**
   * Keeps {@code g} if it is newer than what is held for its name; {@code onApplied} runs under the table's lock, so
   * callers that save or announce from it do so in the order of the table's changes.
   */
  synchronized Outcome apply(Global g, Consumer<Global> onApplied) {
    Global held = byName.get(g.name());
    if (held != null && !wins(g, held)) {
      return Outcome.STALE;
    }
    if (held == null && byName.size() >= maxGlobals) {
      return Outcome.TOO_MANY_NAMES;
    }
    int size = g.name().length() + g.value().map(GlobalCodec::size).orElse(0);
    int heldSize = sizeOf.getOrDefault(g.name(), 0);
    // A write that does not grow the table always passes, so a full table can still be cleaned up.
    if (size > heldSize && bytes - heldSize + size > maxBytes) {
      return Outcome.TOO_MANY_BYTES;
    }
    bytes += size - heldSize;
    sizeOf.put(g.name(), size);
    if (held != null) {
      digest.remove(held);
    }
    byName.put(g.name(), g);
    bucketOf.computeIfAbsent(g.name(), Digest::bucket);
    digest.add(g);
    onApplied.accept(g);
    return Outcome.APPLIED;
  }

  /**
   * Whether {@code g} replaces {@code held}: the newer version wins. An honest writer never issues one version twice;
   * should two different globals carry the same version anyway, a removal beats a value and otherwise the greater
   * JSON text wins, so that every node still picks the same one.
   */
  static boolean wins(Global g, Global held) {
    int c = g.version().compareTo(held.version());
    if (c != 0) {
      return c > 0;
    }
    if (g.removed() != held.removed()) {
      return g.removed();
    }
    return !g.removed() && g.value().get().toString().compareTo(held.value().get().toString()) > 0;
  }

  /** Forgets {@code g} if it is still what is held; for expired removals. */
  synchronized boolean forget(Global g, Consumer<Global> onForgotten) {
    if (!g.equals(byName.get(g.name()))) {
      return false;
    }
    byName.remove(g.name());
    bucketOf.remove(g.name());
    bytes -= sizeOf.remove(g.name());
    digest.remove(g);
    onForgotten.accept(g);
    return true;
  }

  synchronized Global get(String name) {
    return byName.get(name);
  }

  synchronized SortedMap<String, Global> live() {
    SortedMap<String, Global> out = new TreeMap<>();
    byName.values().stream().filter(g -> !g.removed()).forEach(g -> out.put(g.name(), g));
    return out;
  }

  synchronized List<Global> all() {
    return new ArrayList<>(byName.values());
  }

  /** Every global in the given buckets, sorted by name. */
  synchronized List<Global> inBuckets(Set<Integer> buckets) {
    List<Global> out = new ArrayList<>();
    for (Global g : byName.values()) {
      if (buckets.contains(bucketOf.get(g.name()))) {
        out.add(g);
      }
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  synchronized int size() {
    return byName.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized String root() {
    return digest.root();
  }

  synchronized long[] sums() {
    return digest.sums();
  }
}
