package dev.weft.storage.mapdb.internal;

import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Version;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The binary forms shared by the log and the index: record keys, record bodies, strings.
 *
 * <p>Keys are encoded so that unsigned byte order equals {@code (namespace, key)} order as {@link String#compareTo}
 * sees it (UTF-16 code units): each code unit {@code c} becomes the UTF-8 form of {@code c + 1}, which is monotone and
 * never contains a zero byte, and a single {@code 0x00} separates namespace from key. That lets MapDB's byte-array
 * comparator order records exactly as the memory store does, and every Java string (lone surrogates included)
 * round-trips.
 */
final class Codec {
  /**
   * flags(1) timestamp(8) writer(8) expiry(8) publisher(20) value length(4); then the value, then the signature (64)
   * when flags has {@code SIGNED}. Flags: 1 tombstone, 2 signed.
   */
  static final int BODY_FIXED = 1 + 8 + 8 + 8 + NodeId.BYTES + 4;
  /** Offset of the expiry inside an index value ({@code crc(4)} then the body). */
  static final int VALUE_EXPIRY_OFFSET = 4 + 1 + 8 + 8;
  /** Offset of the version inside an index value. */
  static final int VALUE_VERSION_OFFSET = 4 + 1;

  private static final int TOMBSTONE = 1;
  /** The body ends with the owner's signature (64 bytes, after the value); unsigned bodies are as they always were. */
  private static final int SIGNED = 2;

  private Codec() {}

  static byte[] key(String namespace, String key) {
    Buf b = new Buf(namespace.length() + key.length() + 8);
    putChars(b, namespace);
    b.put(0);
    putChars(b, key);
    return b.toArray();
  }

  static String namespaceOf(byte[] key) {
    return chars(key, 0, separator(key));
  }

  static String keyOf(byte[] key) {
    return chars(key, separator(key) + 1, key.length);
  }

  private static int separator(byte[] key) {
    for (int i = 0; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a record key: no separator");
  }

  /** Length-prefixed string in the same code-unit encoding as keys. */
  static void putString(Buf b, String s) {
    int lenAt = b.size();
    b.putInt(0);
    putChars(b, s);
    b.patchInt(lenAt, b.size() - lenAt - 4);
  }

  static String getString(ByteBuffer in) {
    int len = in.getInt();
    if (len < 0 || len > in.remaining()) {
      throw new IllegalArgumentException("string length " + len + " exceeds the frame");
    }
    byte[] a = new byte[len];
    in.get(a);
    return chars(a, 0, len);
  }

  private static void putChars(Buf b, String s) {
    for (int i = 0; i < s.length(); i++) {
      int u = s.charAt(i) + 1;
      if (u < 0x80) {
        b.put(u);
      } else if (u < 0x800) {
        b.put(0xC0 | u >>> 6);
        b.put(0x80 | u & 0x3F);
      } else if (u < 0x10000) {
        b.put(0xE0 | u >>> 12);
        b.put(0x80 | u >>> 6 & 0x3F);
        b.put(0x80 | u & 0x3F);
      } else {
        b.put(0xF0 | u >>> 18);
        b.put(0x80 | u >>> 12 & 0x3F);
        b.put(0x80 | u >>> 6 & 0x3F);
        b.put(0x80 | u & 0x3F);
      }
    }
  }

  private static String chars(byte[] a, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int b0 = a[i] & 0xFF;
      int u;
      int n;
      if (b0 < 0x80) {
        u = b0;
        n = 1;
      } else if ((b0 & 0xE0) == 0xC0) {
        u = b0 & 0x1F;
        n = 2;
      } else if ((b0 & 0xF0) == 0xE0) {
        u = b0 & 0x0F;
        n = 3;
      } else if (b0 == 0xF0) {
        u = 0;
        n = 4;
      } else {
        throw new IllegalArgumentException("bad string byte " + b0);
      }
      if (i + n > to) {
        throw new IllegalArgumentException("truncated string");
      }
      for (int k = 1; k < n; k++) {
        u = u << 6 | a[i + k] & 0x3F;
      }
      if (u == 0 || u > 0x10000) {
        throw new IllegalArgumentException("bad string code " + u);
      }
      sb.append((char) (u - 1));
      i += n;
    }
    return sb.toString();
  }

  /** The record's fields without namespace and key. */
  static void putBody(Buf b, Record r) {
    b.put((r.tombstone() ? TOMBSTONE : 0) | (r.signed() ? SIGNED : 0));
    b.putLong(r.version().timestamp());
    b.putLong(r.version().writer());
    b.putLong(r.expiresAtMillis());
    b.put(r.publisher().toBytes());
    b.putInt(r.valueSize());
    if (r.valueSize() > 0) {
      b.put(r.valueBytes());
    }
    if (r.signed()) {
      b.put(r.signature());
    }
  }

  /** Bytes of a record's body. */
  static int bodySize(Record r) {
    return BODY_FIXED + r.valueSize() + (r.signed() ? RecordSigner.SIGNATURE_BYTES : 0);
  }

  static Record getBody(ByteBuffer in, byte[] key) {
    int flags = in.get();
    Version v = new Version(in.getLong(), in.getLong());
    long expires = in.getLong();
    byte[] pub = new byte[NodeId.BYTES];
    in.get(pub);
    int len = in.getInt();
    if (len < 0 || len > in.remaining()) {
      throw new IllegalArgumentException("value length " + len + " exceeds the frame");
    }
    byte[] value = new byte[len];
    in.get(value);
    String ns = namespaceOf(key);
    String k = keyOf(key);
    if ((flags & ~(TOMBSTONE | SIGNED)) != 0 || (flags & TOMBSTONE) != 0 && len != 0) {
      throw new IllegalArgumentException("bad record flags " + flags);
    }
    Record r = (flags & TOMBSTONE) != 0
        ? Record.tombstone(ns, k, v, expires, NodeId.of(pub))
        : Record.value(ns, k, value, v, expires, NodeId.of(pub));
    if ((flags & SIGNED) == 0) {
      return r;
    }
    if (in.remaining() < RecordSigner.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("signature exceeds the frame");
    }
    byte[] sig = new byte[RecordSigner.SIGNATURE_BYTES];
    in.get(sig);
    return r.withSignature(sig);
  }

  /** The index's value for a record: CRC-32C over key and body, then the body. */
  static byte[] indexValue(byte[] key, Record r) {
    Buf b = new Buf(4 + bodySize(r));
    b.putInt(0);
    putBody(b, r);
    byte[] out = b.toArray();
    CRC32C crc = new CRC32C();
    crc.update(key);
    crc.update(out, 4, out.length - 4);
    ByteBuffer.wrap(out).putInt(0, (int) crc.getValue());
    return out;
  }

  /**
   * Decodes an index value, checking its CRC.
   *
   * @throws CorruptIndexException when the CRC or the layout is wrong
   */
  static Record fromIndex(byte[] key, byte[] value) {
    if (value.length < 4 + BODY_FIXED) {
      throw new CorruptIndexException(key, "value of " + value.length + " bytes is too short");
    }
    CRC32C crc = new CRC32C();
    crc.update(key);
    crc.update(value, 4, value.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(value).getInt(0)) {
      throw new CorruptIndexException(key, "checksum mismatch");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(value, 4, value.length - 4);
      Record r = getBody(in, key);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes");
      }
      return r;
    } catch (RuntimeException e) {
      throw new CorruptIndexException(key, e.getMessage());
    }
  }

  /** What a record counts for in the live-data estimate that decides compaction: its index entry and some overhead. */
  static long liveSize(byte[] key, Record r) {
    return 16 + key.length + indexValueSize(r);
  }

  static int indexValueSize(Record r) {
    return 4 + bodySize(r);
  }

  /** A growable byte buffer (big-endian) for building frames without per-op allocation. */
  static final class Buf {
    private byte[] a;
    private int n;

    Buf(int capacity) {
      a = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
      if (n + more > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
      }
    }

    void put(int b) {
      ensure(1);
      a[n++] = (byte) b;
    }

    void put(byte[] bytes) {
      put(bytes, 0, bytes.length);
    }

    void put(byte[] bytes, int off, int len) {
      ensure(len);
      System.arraycopy(bytes, off, a, n, len);
      n += len;
    }

    void putInt(int v) {
      ensure(4);
      a[n++] = (byte) (v >>> 24);
      a[n++] = (byte) (v >>> 16);
      a[n++] = (byte) (v >>> 8);
      a[n++] = (byte) v;
    }

    void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    void patchInt(int at, int v) {
      a[at] = (byte) (v >>> 24);
      a[at + 1] = (byte) (v >>> 16);
      a[at + 2] = (byte) (v >>> 8);
      a[at + 3] = (byte) v;
    }

    int size() {
      return n;
    }

    void truncate(int size) {
      n = size;
    }

    byte[] array() {
      return a;
    }

    byte[] toArray() {
      return Arrays.copyOf(a, n);
    }

    ByteBuffer view() {
      return ByteBuffer.wrap(a, 0, n);
    }
  }
}
