package dev.weft.storage.mapdb.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The marker a clean close leaves: "the index file, {@code viewSize} bytes with CRC {@code viewCrc}, reflects the log
 * up to {@code segment}/{@code offset}". Without it (a crash) the index is rebuilt from the log.
 */
record Checkpoint(long segment, long offset, long records, long liveBytes, long viewSize, int viewCrc) {
  static final String FILE = "checkpoint";
  private static final byte[] MAGIC = "WEFTCKP1".getBytes(StandardCharsets.US_ASCII);
  private static final int SIZE = 8 + 8 * 5 + 4 + 4;

  void write(Path dir) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC).putLong(segment).putLong(offset).putLong(records).putLong(liveBytes).putLong(viewSize)
        .putInt(viewCrc);
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, SIZE - 4);
    b.putInt((int) c.getValue());
    Files2.writeAtomically(dir.resolve(FILE), b.array());
  }

  /**
   * Reads the marker and deletes it (durably) before the index is touched, so a crash from here on can never leave a
   * marker vouching for an index that was being modified.
   *
   * @return the marker, or empty when there was none or it was damaged
   */
  static Optional<Checkpoint> take(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    byte[] a;
    try {
      a = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Files.delete(f);
    Files2.fsyncDirectory(dir);
    if (a.length != SIZE || !Arrays.equals(a, 0, 8, MAGIC, 0, 8)) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(a);
    CRC32C c = new CRC32C();
    c.update(a, 0, SIZE - 4);
    if (b.getInt(SIZE - 4) != (int) c.getValue()) {
      return Optional.empty();
    }
    b.position(8);
    return Optional.of(new Checkpoint(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getInt()));
  }
}
