package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The records of a rebuild, merged in memory before any of them goes into MapDB. A put into MapDB's B-tree costs
 * several microseconds; its bulk loader writes sorted entries several times faster, but only in ascending key order,
 * which the log does not have. So a rebuild first replays the log into this map (the same merge rules, applied by the
 * same {@code Replayer} code), then hands the entries over sorted.
 *
 * <p>{@link #bytes()} estimates the heap it holds, so the caller can stop staging before memory runs short.
 */
final class Staging {
  /** A rough per-entry cost beyond key and value: map node, key wrapper, record object, array headers. */
  static final int ENTRY_OVERHEAD = 160;

  /** A byte-array key with value equality (arrays themselves compare by identity). */
  private record Key(byte[] bytes, int hash) {
    Key(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "Key[" + bytes.length + " bytes]";
    }
  }

  private final HashMap<Key, Record> records = new HashMap<>();
  private long bytes;

  Record get(byte[] key) {
    return records.get(new Key(key));
  }

  void put(byte[] key, Record r) {
    Record old = records.put(new Key(key), r);
    bytes += cost(key, r) - (old == null ? 0 : cost(key, old));
  }

  void remove(byte[] key) {
    Record old = records.remove(new Key(key));
    if (old != null) {
      bytes -= cost(key, old);
    }
  }

  private static long cost(byte[] key, Record r) {
    return ENTRY_OVERHEAD + Codec.liveSize(key, r);
  }

  long bytes() {
    return bytes;
  }

  int size() {
    return records.size();
  }

  /** Keys, for filling a rebuild's set of seen keys when staging stops half-way. */
  Iterable<byte[]> keys() {
    return () -> records.keySet().stream().map(Key::bytes).iterator();
  }

  /**
   * Empties the map into {@code out} in the index's key order: unsigned lexicographic bytes, the order of MapDB's
   * byte-array comparator (which the bulk loader requires).
   */
  void drainSorted(EntrySink out) {
    // Keys usually share a long prefix (namespace, key stem), and comparing arrays scattered over the heap made the
    // sort a fifth of a rebuild. So each entry carries the 8 bytes after the prefix all keys share, as one unsigned
    // long: different longs order their keys (a key shorter than that is zero-padded, and a proper prefix of another
    // key sorts first either way); only equal longs compare the arrays.
    byte[] first = null;
    int common = Integer.MAX_VALUE;
    for (Key k : records.keySet()) {
      if (first == null) {
        first = k.bytes;
        common = first.length;
      } else {
        int m = Arrays.mismatch(first, k.bytes);
        common = Math.min(common, m < 0 ? first.length : m);
      }
    }
    Staged[] sorted = new Staged[records.size()];
    int n = 0;
    for (Map.Entry<Key, Record> e : records.entrySet()) {
      byte[] k = e.getKey().bytes;
      long prefix = 0;
      for (int i = 0; i < 8; i++) {
        int at = common + i;
        prefix = (prefix << 8) | (at < k.length ? k[at] & 0xFF : 0);
      }
      sorted[n++] = new Staged(prefix, k, e.getValue());
    }
    records.clear();
    bytes = 0;
    Arrays.sort(sorted, (a, b) -> {
      int c = Long.compareUnsigned(a.prefix, b.prefix);
      return c != 0 ? c : Arrays.compareUnsigned(a.key, b.key);
    });
    for (int i = 0; i < sorted.length; i++) {
      Staged e = sorted[i];
      sorted[i] = null; // let each entry go once it is in the index
      out.put(e.key, e.record);
    }
  }

  private record Staged(long prefix, byte[] key, Record record) {}

  /** Receives drained entries. */
  @FunctionalInterface
  interface EntrySink {
    void put(byte[] key, Record record);
  }
}
