package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import dev.weft.api.WeftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The index of a running store as every thread sees it: the MapDB {@link View}, the lock that lets a rebuild swap it,
 * the meta entries (kept in memory), the record count and the live-data estimate, and the failure that makes it
 * unusable.
 *
 * <p>Threads: callers and the sweeper and compactor threads read it ({@link #read}, {@link #readLocked}, the meta and
 * counter getters); only the writer thread changes it ({@link #get} for its decisions, {@link #apply}, {@link
 * #exclusive} for a rebuild), and the closing thread once the writer has ended. Nothing returned is null except
 * where said.
 */
final class LiveIndex {
  /** A change decided in a batch, applied once the batch is durable: a record ({@code now} null removes) or meta. */
  record Effect(byte[] key, Record now, Record before, String metaName, String metaValue) {}

  /** A step that reads the index under its read lock; may do I/O (the compactor writes as it reads). */
  @FunctionalInterface
  interface LockedRead<T> {
    T read(View view) throws IOException;
  }

  /** A step run with the index locked exclusively. */
  @FunctionalInterface
  interface ExclusiveStep {
    void run() throws IOException;
  }

  private final Path dir;
  /** Called (on the reading thread) when a read meets a damaged entry: the store then rebuilds the index. */
  private final Runnable onDamage;
  /** Readers hold it shared for one bounded step; the writer holds it exclusively to swap in a rebuilt index. */
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile View view;
  private final ConcurrentSkipListMap<String, String> meta;
  private final AtomicLong count;
  private final AtomicLong liveBytes;
  /** Set when the index is unusable; every later read fails with it. */
  private volatile WeftException failure;

  LiveIndex(Path dir, View view, NavigableMap<String, String> meta, long count, long liveBytes, Runnable onDamage) {
    this.dir = dir;
    this.view = view;
    this.meta = new ConcurrentSkipListMap<>(meta);
    this.count = new AtomicLong(count);
    this.liveBytes = new AtomicLong(liveBytes);
    this.onDamage = onDamage;
  }

  /**
   * Runs a caller's read under the read lock: fails fast while a rebuild holds the lock, and turns a record whose CRC
   * does not match into a failed read plus a rebuild, never into data.
   */
  <T> CompletableFuture<T> read(java.util.function.Function<View, T> body) {
    Lock l = lock.readLock();
    if (!l.tryLock()) {
      return CompletableFuture.failedFuture(rebuilding());
    }
    try {
      checkUsable();
      return CompletableFuture.completedFuture(body.apply(view));
    } catch (CorruptIndexException e) {
      onDamage.run();
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(readFailed(e));
    } finally {
      l.unlock();
    }
  }

  /** Runs one bounded step of a background walk under the read lock, waiting for a rebuild; failures propagate. */
  <T> T readLocked(LockedRead<T> step) throws IOException {
    Lock l = lock.readLock();
    l.lock();
    try {
      checkUsable();
      return step.read(view);
    } finally {
      l.unlock();
    }
  }

  /** Runs {@code step} with the index locked exclusively (readers fail fast meanwhile). Writer or closing thread. */
  void exclusive(ExclusiveStep step) throws IOException {
    Lock l = lock.writeLock();
    l.lock();
    try {
      step.run();
    } finally {
      l.unlock();
    }
  }

  /** The record under {@code key} or null, read without the lock: writer thread only (the one that swaps). */
  Record get(byte[] key) {
    return view.get(key);
  }

  /** Applies a durable batch's effects. Writer thread only; a MapDB failure propagates. */
  void apply(List<Effect> effects) {
    for (Effect e : effects) {
      if (e.key() == null) {
        if (e.metaValue() == null) {
          view.removeMeta(e.metaName());
          meta.remove(e.metaName());
        } else {
          view.putMeta(e.metaName(), e.metaValue());
          meta.put(e.metaName(), e.metaValue());
        }
      } else if (e.now() == null) {
        view.remove(e.key());
        count.decrementAndGet();
        liveBytes.addAndGet(-Codec.liveSize(e.key(), e.before()));
      } else {
        view.put(e.key(), e.now());
        if (e.before() == null) {
          count.incrementAndGet();
        }
        liveBytes.addAndGet(Codec.liveSize(e.key(), e.now())
            - (e.before() == null ? 0 : Codec.liveSize(e.key(), e.before())));
      }
    }
  }

  /** The current MapDB index; for a rebuild under {@link #exclusive} (to close it) and for close. */
  View view() {
    return view;
  }

  /** Installs a rebuilt MapDB index; under {@link #exclusive} only. */
  void install(View rebuilt) {
    view = rebuilt;
  }

  /** Sets the counters and meta entries a rebuild found; under {@link #exclusive} only. */
  void reset(long records, long live, Map<String, String> rebuiltMeta) {
    count.set(records);
    liveBytes.set(live);
    meta.keySet().retainAll(rebuiltMeta.keySet());
    meta.putAll(rebuiltMeta);
  }

  /**
   * Closes the index: with {@code checkpoint} true, syncs it and writes the checkpoint vouching that it reflects the
   * log up to {@code segment}/{@code offset}; else just closes it (it is rebuilt at the next open). Closing thread,
   * after the writer ended.
   */
  void close(boolean checkpoint, long segment, long offset) throws IOException {
    if (!checkpoint) {
      view.close();
      return;
    }
    view.closeAndSync();
    Path file = view.file;
    new Checkpoint(segment, offset, count.get(), liveBytes.get(), Files.size(file), Files2.crc(file))
        .write(file.getParent());
  }

  Optional<String> meta(String name) {
    return Optional.ofNullable(meta.get(name));
  }

  SortedMap<String, String> metaWithPrefix(String prefix) {
    return new TreeMap<>(meta.subMap(prefix, true, prefix + Character.MAX_VALUE, true));
  }

  /** Every meta entry, live (a concurrent map's view: iteration sees some consistent progression). */
  Map<String, String> allMeta() {
    return meta;
  }

  long count() {
    return count.get();
  }

  long liveBytes() {
    return liveBytes.get();
  }

  /** The failure that made the index unusable, or null. */
  WeftException failure() {
    return failure;
  }

  /** Makes every later read fail with {@code f}. */
  void fail(WeftException f) {
    failure = f;
  }

  private void checkUsable() {
    WeftException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private WeftException rebuilding() {
    return new WeftException("mapdb store " + dir + ": the index is being rebuilt from the log after "
        + "damage was found; retry shortly");
  }

  private WeftException readFailed(RuntimeException e) {
    return e instanceof WeftException w ? w
        : new WeftException("mapdb store " + dir + ": reading the index failed (" + e + ")", e);
  }
}
