package dev.weft.distribution.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;

/**
 * Reads a request body without blocking, up to a limit: Jetty calls {@link #run()} whenever content is available
 * ({@link Content.Source#demand}), so no thread waits for a slow client.
 */
final class BodyReader implements Runnable {
  private final Content.Source source;
  private final int maxBytes;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();

  private BodyReader(Content.Source source, int maxBytes) {
    this.source = source;
    this.maxBytes = maxBytes;
  }

  /**
   * Reads all of {@code source}.
   *
   * @return completes with the bytes; exceptionally with {@link TooLargeException} as soon as more than {@code
   *     maxBytes} arrived (the rest is not read), or with the failure of the source
   */
  static CompletableFuture<byte[]> read(Content.Source source, int maxBytes) {
    BodyReader reader = new BodyReader(source, maxBytes);
    reader.run();
    return reader.result;
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = source.read();
      if (chunk == null) {
        source.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        result.completeExceptionally(chunk.getFailure());
        return;
      }
      boolean last = chunk.isLast();
      try {
        ByteBuffer buffer = chunk.getByteBuffer();
        if (bytes.size() + (long) buffer.remaining() > maxBytes) {
          result.completeExceptionally(new TooLargeException(maxBytes));
          return;
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        bytes.write(copy, 0, copy.length);
      } finally {
        chunk.release();
      }
      if (last) {
        result.complete(bytes.toByteArray());
        return;
      }
    }
  }

  /** The body is over the limit; answered with 413. */
  static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(int maxBytes) {
      super("request body is larger than the limit of " + maxBytes + " bytes");
    }
  }
}
