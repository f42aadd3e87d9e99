package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The on-disk format of log segments and snapshots, and the scanner that reads them back.
 *
 * <pre>
 * file   = header frame*
 * header = magic(8: "WEFTLOG1" or "WEFTSNP1") number(8) crc32c(4, of the 16 bytes before)
 * frame  = length(4) crc32c(4, of the length) crc32c(4, of the payload) payload(length)
 * payload= op*        one frame per group-committed batch (log) or per ~1 MiB of records (snapshot)
 * op     = 1 keyLen(4) key body      PUT (key and body as in {@link Codec})
 *        | 2 keyLen(4) key timestamp(8) writer(8)      REMOVE if the held version is this one
 *        | 3 name value              META_SET (length-prefixed strings)
 *        | 4 name                    META_REMOVE
 *        | 5 records(8) metas(8)     END, the last op of a snapshot
 * </pre>
 *
 * The length has its own CRC so that a damaged length is told apart from a frame cut short by a crash.
 */
final class LogFormat {
  static final int HEADER = 20;
  static final int FRAME_HEADER = 12;
  static final int MAX_FRAME = 1 << 30;
  static final byte[] LOG_MAGIC = "WEFTLOG1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SNAPSHOT_MAGIC = "WEFTSNP1".getBytes(StandardCharsets.US_ASCII);
  static final String LOG_SUFFIX = ".log";
  static final String SNAPSHOT_SUFFIX = ".snap";
  static final String TMP_SUFFIX = ".tmp";

  static final byte PUT = 1;
  static final byte REMOVE = 2;
  static final byte META_SET = 3;
  static final byte META_REMOVE = 4;
  static final byte END = 5;

  private LogFormat() {}

  static String name(long number, String suffix) {
    return String.format(Locale.ROOT, "%020d%s", number, suffix);
  }

  /** The number in a file name of the form {@code <20 digits><suffix>}, or -1. */
  static long number(String fileName, String suffix) {
    if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static ByteBuffer header(byte[] magic, long number) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(magic).putLong(number);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 16);
    b.putInt((int) crc.getValue());
    return b.flip();
  }

  /** Frame header for {@code payload}; the payload follows it unchanged. */
  static ByteBuffer frameHeader(byte[] payload, int off, int len) {
    ByteBuffer b = ByteBuffer.allocate(FRAME_HEADER);
    b.putInt(len);
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, 4);
    b.putInt((int) c.getValue());
    c.reset();
    c.update(payload, off, len);
    b.putInt((int) c.getValue());
    return b.flip();
  }

  static void putOp(Buf b, byte[] key, Record r) {
    b.put(PUT);
    b.putInt(key.length);
    b.put(key);
    Codec.putBody(b, r);
  }

  /** A PUT straight from an index entry (its value is {@code crc(4)} followed by the body). */
  static void putOpRaw(Buf b, byte[] key, byte[] indexValue) {
    b.put(PUT);
    b.putInt(key.length);
    b.put(key);
    b.put(indexValue, 4, indexValue.length - 4);
  }

  static void removeOp(Buf b, byte[] key, Version v) {
    b.put(REMOVE);
    b.putInt(key.length);
    b.put(key);
    b.putLong(v.timestamp());
    b.putLong(v.writer());
  }

  static void metaSetOp(Buf b, String name, String value) {
    b.put(META_SET);
    Codec.putString(b, name);
    Codec.putString(b, value);
  }

  static void metaRemoveOp(Buf b, String name) {
    b.put(META_REMOVE);
    Codec.putString(b, name);
  }

  static void endOp(Buf b, long records, long metas) {
    b.put(END);
    b.putLong(records);
    b.putLong(metas);
  }

  /** What a scan hands over, op by op, in log order. */
  interface OpSink {
    void put(byte[] key, Record record);

    void remove(byte[] key, Version version);

    void metaSet(String name, String value);

    void metaRemove(String name);
  }

  /** A decoded op, kept until the whole frame decoded so a frame applies all or nothing. */
  private record Decoded(byte type, byte[] key, Record record, Version version, String name, String value) {}

  /** Which part of a file a scan found intact. */
  record ScanResult(long validEnd, long size, Damage damage, boolean torn, long records, long metas) {}

  /** Where and why a file is damaged. */
  record Damage(Path file, long offset, String reason) {
    String describe() {
      return file + " at offset " + offset + ": " + reason;
    }
  }

  /**
   * Reads {@code file} frame by frame, checking every CRC, and hands the ops of intact frames at or after {@code
   * applyFrom} to {@code sink}. Stops at the first damage.
   *
   * @param tailMayTear whether this is the newest log segment, whose last frame may have been cut short or garbled by
   *     a crash; such a tail is reported as {@code torn}, not as damage
   * @param limit bytes of the file to read (the writer's position for the active segment), or -1 for all of it
   */
  static ScanResult scan(Path file, boolean snapshot, long number, boolean tailMayTear, long applyFrom, long limit,
      OpSink sink) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = limit >= 0 ? Math.min(limit, ch.size()) : ch.size();
      boolean mayTear = tailMayTear && !snapshot;
      if (size < HEADER) {
        return mayTear ? new ScanResult(0, size, null, true, 0, 0)
            : damaged(file, 0, size, "file of " + size + " bytes is shorter than its header");
      }
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      readFully(ch, h, 0);
      byte[] magic = new byte[8];
      h.get(0, magic);
      CRC32C crc = new CRC32C();
      crc.update(h.array(), 0, 16);
      boolean headerOk = java.util.Arrays.equals(magic, snapshot ? SNAPSHOT_MAGIC : LOG_MAGIC)
          && h.getLong(8) == number && h.getInt(16) == (int) crc.getValue();
      if (!headerOk) {
        return mayTear && allZero(ch, 0, size) ? new ScanResult(0, size, null, true, 0, 0)
            : damaged(file, 0, size, "bad file header (not a weft " + (snapshot ? "snapshot" : "log segment")
                + " numbered " + number + ")");
      }
      long pos = HEADER;
      long records = 0;
      long metas = 0;
      boolean ended = false;
      ByteBuffer fh = ByteBuffer.allocate(FRAME_HEADER);
      byte[] payload = new byte[64 * 1024];
      while (pos < size) {
        if (ended) {
          return damaged(file, pos, size, "data after the snapshot's end frame");
        }
        if (size - pos < FRAME_HEADER) {
          return mayTear ? new ScanResult(pos, size, null, true, records, metas)
              : damaged(file, pos, size, "file ends inside a frame header (truncated)");
        }
        fh.clear();
        readFully(ch, fh, pos);
        int len = fh.getInt(0);
        crc.reset();
        crc.update(fh.array(), 0, 4);
        if (fh.getInt(4) != (int) crc.getValue() || len < 0 || len > MAX_FRAME) {
          return mayTear && allZero(ch, pos, size) ? new ScanResult(pos, size, null, true, records, metas)
              : damaged(file, pos, size, "bad frame header");
        }
        if (pos + FRAME_HEADER + len > size) {
          return mayTear ? new ScanResult(pos, size, null, true, records, metas)
              : damaged(file, pos, size, "frame of " + len + " bytes runs past the end of the file (truncated)");
        }
        if (payload.length < len) {
          payload = new byte[Math.max(len, payload.length * 2)];
        }
        ByteBuffer pb = ByteBuffer.wrap(payload, 0, len);
        readFully(ch, pb, pos + FRAME_HEADER);
        crc.reset();
        crc.update(payload, 0, len);
        if (fh.getInt(8) != (int) crc.getValue()) {
          // The final batch of the newest segment may have been garbled by a power loss before it was acknowledged.
          return mayTear && pos + FRAME_HEADER + len == size ? new ScanResult(pos, size, null, true, records, metas)
              : damaged(file, pos, size, "checksum mismatch in a frame of " + len + " bytes");
        }
        List<Decoded> ops;
        try {
          ops = decode(ByteBuffer.wrap(payload, 0, len));
        } catch (RuntimeException e) {
          return damaged(file, pos, size, "undecodable frame: " + e.getMessage());
        }
        boolean apply = pos >= applyFrom;
        for (Decoded d : ops) {
          switch (d.type) {
            case PUT -> {
              records++;
              if (apply) {
                sink.put(d.key, d.record);
              }
            }
            case REMOVE -> {
              if (apply) {
                sink.remove(d.key, d.version);
              }
            }
            case META_SET -> {
              metas++;
              if (apply) {
                sink.metaSet(d.name, d.value);
              }
            }
            case META_REMOVE -> {
              if (apply) {
                sink.metaRemove(d.name);
              }
            }
            default -> {
              if (!snapshot) {
                return damaged(file, pos, size, "end frame in a log segment");
              }
              if (d.record != null || records != d.version.timestamp() || metas != d.version.writer()) {
                return damaged(file, pos, size, "snapshot end frame counts " + d.version.timestamp() + " records and "
                    + d.version.writer() + " meta entries, the file holds " + records + " and " + metas);
              }
              ended = true;
            }
          }
        }
        pos += FRAME_HEADER + len;
      }
      if (snapshot && !ended) {
        return damaged(file, size, size, "snapshot has no end frame (truncated)");
      }
      return new ScanResult(pos, size, null, false, records, metas);
    }
  }

  private static ScanResult damaged(Path file, long offset, long size, String reason) {
    return new ScanResult(offset, size, new Damage(file, offset, reason), false, 0, 0);
  }

  private static List<Decoded> decode(ByteBuffer in) {
    List<Decoded> out = new ArrayList<>();
    while (in.hasRemaining()) {
      byte type = in.get();
      switch (type) {
        case PUT -> {
          byte[] key = key(in);
          out.add(new Decoded(type, key, Codec.getBody(in, key), null, null, null));
        }
        case REMOVE -> {
          byte[] key = key(in);
          out.add(new Decoded(type, key, null, new Version(in.getLong(), in.getLong()), null, null));
        }
        case META_SET -> out.add(new Decoded(type, null, null, null, Codec.getString(in), Codec.getString(in)));
        case META_REMOVE -> out.add(new Decoded(type, null, null, null, Codec.getString(in), null));
        case END -> out.add(new Decoded(type, null, null, new Version(in.getLong(), in.getLong()), null, null));
        default -> throw new IllegalArgumentException("unknown op " + type);
      }
    }
    return out;
  }

  private static byte[] key(ByteBuffer in) {
    int len = in.getInt();
    if (len < 1 || len > in.remaining()) {
      throw new IllegalArgumentException("key length " + len + " exceeds the frame");
    }
    byte[] k = new byte[len];
    in.get(k);
    Codec.namespaceOf(k);
    return k;
  }

  static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int n = ch.read(b, p);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + p);
      }
      p += n;
    }
  }

  private static boolean allZero(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
    long p = from;
    while (p < to) {
      b.clear();
      b.limit((int) Math.min(b.capacity(), to - p));
      readFully(ch, b, p);
      for (int i = 0; i < b.limit(); i++) {
        if (b.get(i) != 0) {
          return false;
        }
      }
      p += b.limit();
    }
    return true;
  }
}
