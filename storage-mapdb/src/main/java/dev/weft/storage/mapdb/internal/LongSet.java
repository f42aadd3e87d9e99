package dev.weft.storage.mapdb.internal;

/**
 * An open-addressing set of 64-bit key hashes. A rebuild asks it whether a key may already be in the fresh index, so
 * it can skip the index lookup for the (usual) first sighting of a key: about 16 bytes per key instead of a B-tree
 * descent per op.
 */
final class LongSet {
  private long[] slots = new long[1 << 16];
  private int size;

  static long hash(byte[] key) {
    long h = 0x9E3779B97F4A7C15L;
    for (byte b : key) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    h ^= h >>> 32;
    h *= 0xD6E8FEB86659FD93L;
    h ^= h >>> 32;
    return h == 0 ? 1 : h;
  }

  boolean contains(long h) {
    int mask = slots.length - 1;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        return false;
      }
      if (s == h) {
        return true;
      }
    }
  }

  void add(long h) {
    if ((size + 1) * 2L > slots.length) {
      long[] old = slots;
      slots = new long[old.length * 2];
      size = 0;
      for (long s : old) {
        if (s != 0) {
          add(s);
        }
      }
    }
    int mask = slots.length - 1;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == h) {
        return;
      }
      if (s == 0) {
        slots[i] = h;
        size++;
        return;
      }
    }
  }
}
