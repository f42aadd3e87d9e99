package dev.weft.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Random;

/**
 * A 160-bit identifier in the DHT's key space: node ids and the ids that records are stored under.
 *
 * <p>Immutable and thread-safe. Ordering is numeric (unsigned, most significant byte first); closeness between ids is
 * the XOR metric, see {@link #compareDistance(NodeId, NodeId)}.
 */
public final class NodeId implements Comparable<NodeId> {
  /** Length of an id in bits. */
  public static final int BITS = 160;
  /** Length of an id in bytes. */
  public static final int BYTES = BITS / 8;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final int hash;

  private NodeId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** An id from exactly 20 bytes; the array is copied. */
  public static NodeId of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a node id has " + BYTES + " bytes, got " + bytes.length);
    }
    return new NodeId(bytes.clone());
  }

  /** Parses 40 hexadecimal digits (either case). */
  public static NodeId fromHex(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != BYTES * 2) {
      throw new IllegalArgumentException(
          "a node id is " + (BYTES * 2) + " hex digits, got " + hex.length() + ": '" + abbreviate(hex) + "'");
    }
    try {
      return new NodeId(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hexadecimal node id: '" + abbreviate(hex) + "'", e);
    }
  }

  /** A uniformly random id drawn from {@code random} (seed it in tests). */
  public static NodeId random(Random random) {
    byte[] b = new byte[BYTES];
    random.nextBytes(b);
    return new NodeId(b);
  }

  /** SHA-1 of the UTF-8 bytes of {@code text}. */
  public static NodeId sha1(String text) {
    return sha1(text.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-1 of {@code data}. */
  public static NodeId sha1(byte[] data) {
    return new NodeId(sha1Digest().digest(data));
  }

  static MessageDigest sha1Digest() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK must provide SHA-1", e);
    }
  }

  /**
   * The id a record is stored under: the first {@code namespaceBits} bits come from the namespace's hash and the rest
   * from the hash of namespace and key together, so the records of one namespace land in one region of the key space.
   *
   * @param namespaceBits 0 (no locality) to 160 (a whole namespace on one id)
   */
  public static NodeId forKey(String namespace, String key, int namespaceBits) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    if (namespaceBits < 0 || namespaceBits > BITS) {
      throw new IllegalArgumentException("namespace bits must be 0.." + BITS + ", got " + namespaceBits);
    }
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    MessageDigest md = sha1Digest();
    // Length prefix keeps ("a","bc") and ("ab","c") apart.
    md.update(intBytes(ns.length));
    md.update(ns);
    md.update(key.getBytes(StandardCharsets.UTF_8));
    byte[] out = md.digest();
    if (namespaceBits > 0) {
      byte[] nsHash = sha1Digest().digest(ns);
      int full = namespaceBits / 8;
      System.arraycopy(nsHash, 0, out, 0, full);
      int rest = namespaceBits % 8;
      if (rest > 0) {
        int mask = 0xff << (8 - rest) & 0xff;
        out[full] = (byte) ((nsHash[full] & mask) | (out[full] & ~mask & 0xff));
      }
    }
    return new NodeId(out);
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** A copy of the 20 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The byte at {@code index} (0 is the most significant). */
  public int byteAt(int index) {
    return bytes[index] & 0xff;
  }

  /** The bit at {@code index}, 0 being the most significant bit. */
  public boolean bit(int index) {
    return (bytes[index >>> 3] & (0x80 >>> (index & 7))) != 0;
  }

  /** 40 lower-case hex digits. */
  public String toHex() {
    return HEX.formatHex(bytes);
  }

  /** The XOR distance to {@code other}, as an id. */
  public NodeId xor(NodeId other) {
    byte[] d = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      d[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return new NodeId(d);
  }

  /**
   * Index of the highest bit in which this id and {@code other} differ, counted from the least significant bit
   * (159 for ids that differ in the first bit), or -1 when they are equal. This is the k-bucket an id falls in.
   */
  public int bucketIndex(NodeId other) {
    for (int i = 0; i < BYTES; i++) {
      int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return (BYTES - 1 - i) * 8 + (31 - Integer.numberOfLeadingZeros(x));
      }
    }
    return -1;
  }

  /** Length of the common prefix with {@code other}, in bits (160 when equal). */
  public int commonPrefixLength(NodeId other) {
    return BITS - 1 - bucketIndex(other);
  }

  /**
   * Compares the XOR distances of {@code a} and {@code b} from this id: negative when {@code a} is closer.
   */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < BYTES; i++) {
      int da = (a.bytes[i] ^ bytes[i]) & 0xff;
      int db = (b.bytes[i] ^ bytes[i]) & 0xff;
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    return 0;
  }

  /**
   * A random id that shares exactly {@code prefixBits} leading bits with this one and differs in the next bit: an id
   * in k-bucket {@code 159 - prefixBits} as seen from this id.
   */
  public NodeId randomInBucket(int bucketIndex, Random random) {
    if (bucketIndex < 0 || bucketIndex >= BITS) {
      throw new IllegalArgumentException("bucket index must be 0..159, got " + bucketIndex);
    }
    byte[] r = new byte[BYTES];
    random.nextBytes(r);
    int prefix = BITS - 1 - bucketIndex;
    for (int bit = 0; bit < BITS; bit++) {
      boolean v;
      if (bit < prefix) {
        v = bit(bit);
      } else if (bit == prefix) {
        v = !bit(bit);
      } else {
        continue;
      }
      int idx = bit >>> 3;
      int mask = 0x80 >>> (bit & 7);
      r[idx] = (byte) (v ? (r[idx] | mask) : (r[idx] & ~mask));
    }
    return new NodeId(r);
  }

  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** The 40 hex digits. */
  @Override
  public String toString() {
    return toHex();
  }

  /** The first 8 hex digits, for logs. */
  public String shortHex() {
    return toHex().substring(0, 8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 48 ? s : s.substring(0, 45) + "...";
  }
}
