package dev.weft.storage.mapdb.internal;

import dev.weft.api.WeftException;
import dev.weft.storage.mapdb.internal.LogFormat.ScanResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a running store's index from the log after a damaged entry was met: stops a compaction, takes the index
 * lock exclusively (reads fail fast with "being rebuilt" meanwhile), replays the snapshot, the closed segments and the
 * active one into a fresh index through {@link Replayer}, and swaps it in. At open the same replay is done by {@link
 * Recovery}.
 *
 * <p>{@link #request} is called from any thread; the rebuild itself ({@link #run}) on the writer thread, between two
 * batches, so no write is decided against a half-built index.
 */
final class IndexRebuild {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRebuild.class);

  private final StoreDirectory directory;
  private final LiveIndex index;
  private final LogSegments log;
  private final boolean mmap;
  private final long stagingLimit;
  private final Hooks.Events events;
  private final Runnable stopCompaction;
  private final Consumer<Runnable> toWriter;
  private final AtomicBoolean requested = new AtomicBoolean();

  /**
   * @param stopCompaction stops a running compaction (it reads the index being replaced)
   * @param toWriter runs a step on the writer thread between batches (dropped once the store closes)
   */
  IndexRebuild(StoreDirectory directory, LiveIndex index, LogSegments log, StoreOptions options, Hooks.Events events,
      Runnable stopCompaction, Consumer<Runnable> toWriter) {
    this.directory = directory;
    this.index = index;
    this.log = log;
    this.mmap = options.mmap();
    this.stagingLimit = Replayer.stagingLimit(options);
    this.events = events;
    this.stopCompaction = stopCompaction;
    this.toWriter = toWriter;
  }

  /** Queues a rebuild unless one is already queued. Any thread (a read or a write that met a damaged entry). */
  void request() {
    if (requested.compareAndSet(false, true)) {
      LOG.error("mapdb store {}: the index holds a damaged entry; rebuilding it from the log", directory);
      toWriter.accept(this::run);
    }
  }

  /** True while a requested rebuild has not started: the index is known to be damaged. */
  boolean pending() {
    return requested.get();
  }

  /**
   * Replaces the index with one rebuilt from the log; on failure the index fails every later read and write. Writer
   * thread, between batches.
   */
  void run() {
    requested.set(false);
    stopCompaction.run();
    long started = System.nanoTime();
    try {
      index.exclusive(() -> {
        index.view().close();
        Replayer rp = Replayer.fresh(directory.indexFile(), mmap, stagingLimit);
        List<String> damage = new ArrayList<>();
        long snapshot = log.snapshotNumber();
        if (snapshot > 0) {
          ScanResult r = LogFormat.scan(directory.snapshot(snapshot), true, snapshot, false, 0, -1, rp);
          if (r.damage() != null) {
            damage.add(r.damage().describe());
          }
        }
        for (long n : log.closedSegments()) {
          if (n >= snapshot) {
            ScanResult r = LogFormat.scan(directory.segment(n), false, n, false, 0, -1, rp);
            if (r.damage() != null) {
              damage.add(r.damage().describe());
            }
          }
        }
        LogWriter active = log.active();
        ScanResult r = LogFormat.scan(active.file, false, active.number, false, 0, active.position(), rp);
        if (r.damage() != null) {
          damage.add(r.damage().describe());
        }
        try {
          index.install(rp.finish());
        } catch (IOException | RuntimeException | Error e) {
          rp.abandon();
          throw e;
        }
        if (!damage.isEmpty()) {
          throw new IOException("the log itself is damaged: " + String.join("; ", damage));
        }
        index.reset(rp.count, rp.live, rp.meta);
        events.on("rebuilt");
        LOG.warn("mapdb store {}: index rebuilt from the log in {} ms ({} records)", directory,
            (System.nanoTime() - started) / 1_000_000, rp.count);
      });
    } catch (IOException | RuntimeException e) {
      WeftException f = new WeftException("mapdb store " + directory + ": rebuilding the index failed (" + e
          + "); reopen the store", e);
      index.fail(f);
      LOG.error("{}", f.getMessage(), e);
    }
  }
}
