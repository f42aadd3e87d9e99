package dev.weft.storage.mapdb.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The few file operations the log writer needs. A seam so tests can make the disk fail (full, broken) on cue; the
 * store uses {@link #open(Path)}.
 */
interface Appender extends AutoCloseable {
  /** Writes all of {@code buffers} at the end of the file. */
  void append(ByteBuffer... buffers) throws IOException;

  /** Makes everything appended durable ({@code fdatasync}). */
  void force() throws IOException;

  /** Cuts the file back to {@code size} bytes (undoing a failed append). */
  void truncate(long size) throws IOException;

  @Override
  void close() throws IOException;

  /** Opens how segments are opened: created new, written at the end. */
  @FunctionalInterface
  interface Factory {
    Appender open(Path file) throws IOException;
  }

  static Appender open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new Appender() {
      @Override
      public void append(ByteBuffer... buffers) throws IOException {
        long want = 0;
        for (ByteBuffer b : buffers) {
          want += b.remaining();
        }
        long done = 0;
        while (done < want) {
          done += ch.write(buffers);
        }
      }

      @Override
      public void force() throws IOException {
        ch.force(false);
      }

      @Override
      public void truncate(long size) throws IOException {
        ch.truncate(size);
        ch.position(size);
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
