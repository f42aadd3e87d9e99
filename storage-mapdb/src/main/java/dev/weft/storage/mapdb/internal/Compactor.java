package dev.weft.storage.mapdb.internal;

import dev.weft.storage.mapdb.internal.Codec.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction by fuzzy snapshots: when the log outgrows both {@code weft.mapdb.compact-min-size} and {@code
 * compact-factor} times the live data, rotates to segment N, writes every live record and meta entry into {@code
 * N.snap} on its own thread while the writer goes on, publishes it by an atomic rename, and then (on the writer
 * thread again) deletes the snapshot and segments it supersedes. Why a fuzzy snapshot replays correctly is argued in
 * docs/storage-mapdb.md.
 *
 * <p>Called on the writer thread: {@link #afterBatch} and {@link #stopping} by the {@link GroupCommitWriter}, {@link
 * #stop} by the index rebuild; {@link #compactNow} at open, before the writer runs. The snapshot itself is written
 * on the compactor thread, which hands the outcome back to the writer thread through {@code toWriter}.
 */
final class Compactor implements GroupCommitWriter.Upkeep {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
  private static final int SNAPSHOT_FRAME_BYTES = 1 << 20;
  private static final int SNAPSHOT_CHUNK = 4096;

  private final StoreDirectory directory;
  private final LiveIndex index;
  private final LogSegments log;
  private final Hooks.Events events;
  private final long compactMinSize;
  private final int compactFactor;
  private final long segmentSize;
  private final ExecutorService thread;
  private final Consumer<Runnable> toWriter;
  private final Runnable onDamage;

  // Owned by the writer thread (and by open/close before it starts and after it ends).
  private Future<?> compaction;
  private volatile boolean abortCompaction;
  private long nextCompactionAt;

  /**
   * @param thread the compactor thread, on which snapshots are written
   * @param toWriter runs a step on the writer thread, even while the store closes
   * @param onDamage called when the snapshot met a damaged index entry
   */
  Compactor(StoreDirectory directory, LiveIndex index, LogSegments log, StoreOptions options, Hooks.Events events,
      ExecutorService thread, Consumer<Runnable> toWriter, Runnable onDamage) {
    this.directory = directory;
    this.index = index;
    this.log = log;
    this.events = events;
    this.compactMinSize = options.compactMinSize();
    this.compactFactor = options.compactFactor();
    this.segmentSize = options.segmentSize();
    this.thread = thread;
    this.toWriter = toWriter;
    this.onDamage = onDamage;
  }

  @Override
  public void stopping() {
    stop();
  }

  /** After a batch: starts a compaction when the log is larger than both the minimum and the factor times the live data. */
  @Override
  public void afterBatch() {
    long total = log.bytes();
    if (compaction == null && total >= nextCompactionAt
        && total > Math.max(compactMinSize, compactFactor * index.liveBytes())) {
      start();
    }
  }

  private void start() {
    if (compaction != null || !log.rotate()) {
      return;
    }
    long number = log.active().number;
    abortCompaction = false;
    events.on("compaction-start");
    compaction = thread.submit(() -> {
      try {
        writeSnapshot(number);
        toWriter.accept(() -> compacted(number, true));
      } catch (Throwable t) {
        if (!abortCompaction) {
          LOG.warn("mapdb store {}: compaction failed ({}); will retry later", directory, t.toString());
        }
        if (t instanceof CorruptIndexException) {
          onDamage.run();
        }
        toWriter.accept(() -> compacted(number, false));
      }
    });
  }

  /** At open, before the writer runs: a whole compaction on this thread, superseding damaged files. */
  void compactNow() throws IOException {
    if (!log.rotate()) {
      throw new IOException("could not start the compaction that supersedes the damaged log files");
    }
    long number = log.active().number;
    events.on("compaction-start");
    try {
      writeSnapshot(number);
    } catch (IOException | RuntimeException e) {
      throw new IOException("compaction after damage failed", e);
    }
    compacted(number, true);
  }

  /** Aborts a running compaction and waits (bounded) until it has stopped. Writer thread. */
  void stop() {
    Future<?> f = compaction;
    if (f == null) {
      return;
    }
    abortCompaction = true;
    try {
      f.get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn("mapdb store {}: waiting for the compaction to stop: {}", directory, e.toString());
    }
    compaction = null;
  }

  /**
   * Writes snapshot {@code number}: every live record and meta entry, read from the index while the writer goes on.
   * The snapshot is fuzzy (each record is read at some moment after the rotation), which replay tolerates: see
   * docs/storage-mapdb.md. Published by an atomic rename once complete and synced.
   */
  private void writeSnapshot(long number) throws IOException {
    Path tmp = directory.unpublishedSnapshot(number);
    Path target = directory.snapshot(number);
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      write(ch, LogFormat.header(LogFormat.SNAPSHOT_MAGIC, number));
      Buf buf = new Buf(SNAPSHOT_FRAME_BYTES + 64 * 1024);
      long[] records = {0};
      byte[][] from = {null};
      boolean more = true;
      while (more) {
        if (abortCompaction) {
          throw new IOException("compaction aborted");
        }
        more = index.readLocked(view -> {
          Iterator<Map.Entry<byte[], byte[]>> it = view.entries(from[0], false);
          for (int i = 0; i < SNAPSHOT_CHUNK && it.hasNext(); i++) {
            Map.Entry<byte[], byte[]> e = it.next();
            from[0] = e.getKey();
            Codec.fromIndex(e.getKey(), e.getValue()); // never copy a damaged entry into the new log
            LogFormat.putOpRaw(buf, e.getKey(), e.getValue());
            records[0]++;
            if (buf.size() >= SNAPSHOT_FRAME_BYTES) {
              writeFrame(ch, buf);
            }
          }
          return it.hasNext();
        });
      }
      long metas = 0;
      for (Map.Entry<String, String> e : index.allMeta().entrySet()) {
        LogFormat.metaSetOp(buf, e.getKey(), e.getValue());
        metas++;
        if (buf.size() >= SNAPSHOT_FRAME_BYTES) {
          writeFrame(ch, buf);
        }
      }
      writeFrame(ch, buf);
      LogFormat.endOp(buf, records[0], metas);
      writeFrame(ch, buf);
      ch.force(true);
      events.on("snapshot-written");
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    if (abortCompaction) {
      Files.deleteIfExists(tmp);
      throw new IOException("compaction aborted");
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    Files2.fsyncDirectory(directory.logDir);
    events.on("snapshot-published");
  }

  private static void writeFrame(FileChannel ch, Buf buf) throws IOException {
    if (buf.size() == 0) {
      return;
    }
    write(ch, LogFormat.frameHeader(buf.array(), 0, buf.size()));
    write(ch, buf.view());
    buf.truncate(0);
  }

  private static void write(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** A snapshot was published (or failed): drop the files it supersedes. */
  private void compacted(long number, boolean ok) {
    compaction = null;
    if (!ok) {
      nextCompactionAt = log.bytes() + segmentSize;
      return;
    }
    try {
      log.supersededBy(number);
      nextCompactionAt = 0;
      events.on("compaction-done");
    } catch (IOException e) {
      LOG.warn("mapdb store {}: removing log files superseded by snapshot {} failed ({}); the next open does it",
          directory, number, e.toString());
    }
  }
}
