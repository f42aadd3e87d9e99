package dev.weft.schema.internal;

import dev.weft.api.Version;
import dev.weft.schema.Global;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A summary of the versions a node holds, cheap to compare and to keep up to date. Names fall into {@link #BUCKETS}
 * buckets by hash; a bucket's sum is the sum (mod 2⁶⁴) of a 64-bit hash of each (name, version, removed) it holds, so
 * one write changes it in O(1) and two nodes holding the same versions have the same sums whatever the order they
 * learned them in. The root hashes the bucket sums. Two nodes compare roots first (one short message when they agree),
 * then bucket sums, then the versions of the buckets that differ. Not thread-safe: {@link GlobalTable} guards it.
 */
final class Digest {
  static final int BUCKETS = 64;

  private final long[] sums = new long[BUCKETS];
  private String root;

  static int bucket(String name) {
    return (sha256(name.getBytes(StandardCharsets.UTF_8))[0] & 0xff) % BUCKETS;
  }

  static long hash(Global g) {
    Version v = g.version();
    byte[] name = g.name().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(name.length + 17);
    b.put(name).putLong(v.timestamp()).putLong(v.writer()).put((byte) (g.removed() ? 1 : 0));
    return ByteBuffer.wrap(sha256(b.array())).getLong();
  }

  void add(Global g) {
    sums[bucket(g.name())] += hash(g);
    root = null;
  }

  void remove(Global g) {
    sums[bucket(g.name())] -= hash(g);
    root = null;
  }

  long[] sums() {
    return sums.clone();
  }

  String root() {
    if (root == null) {
      ByteBuffer b = ByteBuffer.allocate(BUCKETS * 8);
      for (long s : sums) {
        b.putLong(s);
      }
      root = HexFormat.of().formatHex(sha256(b.array()), 0, 16);
    }
    return root;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
