package dev.weft.storage.mapdb.internal;

import dev.weft.api.Version;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes expired records: on its own thread, reads at most {@code 16 × chunk} index entries per step, queues
 * version-checked removes for the expired ones (the writer checks again that the record is still that version and
 * still expired, so a refresh that races the sweep wins), waits for them, then goes on. Puts are never held behind
 * more than one chunk.
 *
 * <p>Called by {@link MapDbStore#sweepExpired} on any thread; the result completes on the sweeper thread.
 */
final class Sweeper {
  private final LiveIndex index;
  private final GroupCommitWriter writer;
  private final int chunk;
  private final ExecutorService thread;

  Sweeper(LiveIndex index, GroupCommitWriter writer, int chunk, ExecutorService thread) {
    this.index = index;
    this.writer = writer;
    this.chunk = chunk;
    this.thread = thread;
  }

  /** Removes the records expired at {@code nowMillis}; completes with how many were removed. */
  CompletableFuture<Long> sweep(long nowMillis) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        long removed = 0;
        byte[][] from = {null};
        boolean more = true;
        while (more) {
          List<CompletableFuture<Boolean>> removes = new ArrayList<>();
          List<byte[]> keys = new ArrayList<>();
          List<Version> versions = new ArrayList<>();
          more = index.readLocked(view -> {
            Iterator<Map.Entry<byte[], byte[]>> it = view.entries(from[0], false);
            int scanned = 0;
            while (it.hasNext() && keys.size() < chunk && scanned < 16 * chunk) {
              Map.Entry<byte[], byte[]> e = it.next();
              from[0] = e.getKey();
              scanned++;
              ByteBuffer v = ByteBuffer.wrap(e.getValue());
              if (v.capacity() >= 4 + Codec.BODY_FIXED && v.getLong(Codec.VALUE_EXPIRY_OFFSET) <= nowMillis) {
                keys.add(e.getKey());
                versions.add(new Version(v.getLong(Codec.VALUE_VERSION_OFFSET),
                    v.getLong(Codec.VALUE_VERSION_OFFSET + 8)));
              }
            }
            return it.hasNext();
          });
          for (int i = 0; i < keys.size(); i++) {
            removes.add(writer.remove(keys.get(i), versions.get(i), nowMillis));
          }
          for (CompletableFuture<Boolean> f : removes) {
            if (f.get(10, TimeUnit.MINUTES)) {
              removed++;
            }
          }
        }
        result.complete(removed);
      } catch (Throwable t) {
        result.completeExceptionally(t instanceof ExecutionException ? t.getCause() : t);
      }
    });
    return result;
  }
}
