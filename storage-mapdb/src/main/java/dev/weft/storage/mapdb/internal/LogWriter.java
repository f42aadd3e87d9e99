package dev.weft.storage.mapdb.internal;

import dev.weft.storage.mapdb.internal.Codec.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The segment the writer thread appends to. Used by that thread only. */
final class LogWriter implements AutoCloseable {
  final long number;
  final Path file;
  private final Appender out;
  private long position;
  private boolean broken;

  private LogWriter(long number, Path file, Appender out, long position) {
    this.number = number;
    this.file = file;
    this.out = out;
    this.position = position;
  }

  /** Creates segment {@code number} in {@code dir} with its header, durable (file and directory entry). */
  static LogWriter create(Path dir, long number, Appender.Factory factory) throws IOException {
    Path file = dir.resolve(LogFormat.name(number, LogFormat.LOG_SUFFIX));
    Appender a = factory.open(file);
    try {
      a.append(LogFormat.header(LogFormat.LOG_MAGIC, number));
      a.force();
      Files2.fsyncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      try {
        a.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new LogWriter(number, file, a, LogFormat.HEADER);
  }

  long position() {
    return position;
  }

  /**
   * Appends one frame holding {@code payload} and makes it durable. On failure the file is cut back to where it was,
   * so a later append does not follow a half-written frame (which would read as damage in the middle of the log).
   *
   * @throws IOException when writing or syncing failed; {@link #broken()} tells whether the file could be restored
   */
  void append(Buf payload) throws IOException {
    if (broken) {
      throw new IOException("log segment " + file + " is unusable after an earlier failure");
    }
    ByteBuffer header = LogFormat.frameHeader(payload.array(), 0, payload.size());
    try {
      out.append(header, payload.view());
      out.force();
      position += LogFormat.FRAME_HEADER + payload.size();
    } catch (IOException e) {
      try {
        out.truncate(position);
        out.force();
      } catch (IOException | RuntimeException again) {
        broken = true;
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /** True when a failed append could not be undone: nothing more may be written to this segment. */
  boolean broken() {
    return broken;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
