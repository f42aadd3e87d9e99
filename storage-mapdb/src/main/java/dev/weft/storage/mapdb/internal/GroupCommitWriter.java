package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.api.spi.store.StoreResult;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import dev.weft.storage.mapdb.internal.LiveIndex.Effect;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's only writer (group commit): one thread takes queued writes in batches of up to {@value #MAX_BATCH_OPS},
 * decides each against the state left by the earlier ones, appends the effective ones to the log as one frame, fsyncs
 * once, applies them to the index and only then completes the futures. So an acknowledged write is on disk, and a
 * read after the acknowledgement sees it. Between batches it rotates full segments and runs the store's {@link
 * Upkeep} and queued {@linkplain #runBetweenBatches tasks} (a rebuild, the end of a compaction).
 *
 * <p>Callers: {@link MapDbStore} submits writes from any thread ({@link #put}, {@link #remove}, {@link #meta}); the
 * sweeper queues version-checked removes; the compactor and the rebuild request queue tasks. Futures complete on the
 * writer thread. No method returns null.
 */
final class GroupCommitWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  static final int MAX_BATCH_OPS = 1024;
  /** The {@code sweepNow} of a plain remove. */
  static final long NOT_SWEEP = Long.MIN_VALUE;

  /** Work the writer thread does besides batches. Called on the writer thread only. */
  interface Upkeep {
    /** After each batch (and each task), unless closing or writes have failed: e.g. start a compaction. */
    void afterBatch();

    /** The writer is ending (closed or failed): stop background work that would race the close. */
    void stopping();
  }

  private sealed interface Op permits PutOp, RemoveOp, MetaOp, Task, Close {}

  private record PutOp(byte[] key, Record record, CompletableFuture<StoreResult> future) implements Op {}

  /** {@code sweepNow} is {@link #NOT_SWEEP} for a plain remove; for a sweep the record must still be expired then. */
  private record RemoveOp(byte[] key, Version version, long sweepNow, CompletableFuture<Boolean> future)
      implements Op {}

  /** {@code value} null removes. */
  private record MetaOp(String name, String value, CompletableFuture<Void> future) implements Op {}

  private record Task(Runnable body, boolean evenWhenClosing) implements Op {}

  private record Close() implements Op {}

  private final Path dir;
  private final LiveIndex index;
  private final LogSegments log;
  private final long segmentSize;
  private final Upkeep upkeep;
  private final Runnable onDamage;
  private final Thread thread;

  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Object submitLock = new Object();
  private boolean closed; // guarded by submitLock
  private volatile boolean closing;
  /** Set when writes can no longer be made durable; every later write fails with it. */
  private volatile WeftException failure;
  private final Buf frame = new Buf(64 * 1024);

  /**
   * @param onDamage called on the writer thread when deciding a write met a damaged index entry
   */
  GroupCommitWriter(Path dir, LiveIndex index, LogSegments log, long segmentSize, Upkeep upkeep, Runnable onDamage) {
    this.dir = dir;
    this.index = index;
    this.log = log;
    this.segmentSize = segmentSize;
    this.upkeep = upkeep;
    this.onDamage = onDamage;
    String name = dir.getFileName() == null ? "" : "-" + dir.getFileName();
    this.thread = new Thread(this::run, "weft-mapdb-writer" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  CompletableFuture<StoreResult> put(byte[] key, Record record) {
    CompletableFuture<StoreResult> f = new CompletableFuture<>();
    return submit(new PutOp(key, record, f), f);
  }

  /** Removes the record under {@code key} if it is {@code version} (and, unless {@link #NOT_SWEEP}, still expired). */
  CompletableFuture<Boolean> remove(byte[] key, Version version, long sweepNow) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    return submit(new RemoveOp(key, version, sweepNow, f), f);
  }

  /** Sets meta entry {@code name}, or removes it when {@code value} is null. */
  CompletableFuture<Void> meta(String name, String value) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    return submit(new MetaOp(name, value, f), f);
  }

  /**
   * Runs {@code task} on the writer thread between two batches. Once the store is closing, only tasks with {@code
   * evenWhenClosing} still run (the end of a compaction must be recorded); others are dropped.
   */
  void runBetweenBatches(Runnable task, boolean evenWhenClosing) {
    queue.add(new Task(task, evenWhenClosing));
  }

  /** True once {@link #beginClose} was called: the store refuses further calls. */
  boolean closing() {
    return closing;
  }

  /**
   * Refuses further writes and queues the end of the writer after what is queued. Any thread.
   *
   * @return false when the writer was already closing
   */
  boolean beginClose() {
    synchronized (submitLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closing = true;
      queue.add(new Close());
    }
    return true;
  }

  /** Waits (bounded) for the writer thread to end after {@link #beginClose}; true when it has. */
  boolean awaitEnd(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  /** Why writes are refused (the log could not be written or restored, or the index failed), or null. */
  WeftException failure() {
    WeftException f = failure;
    return f != null ? f : index.failure();
  }

  private <T> CompletableFuture<T> submit(Op op, CompletableFuture<T> f) {
    WeftException failed = failure();
    if (failed != null) {
      if (closing) {
        throw new IllegalStateException("store is closed");
      }
      return CompletableFuture.failedFuture(failed);
    }
    synchronized (submitLock) {
      if (closed) {
        throw new IllegalStateException("store is closed");
      }
      queue.add(op);
    }
    return f;
  }

  private void run() {
    List<Op> batch = new ArrayList<>(MAX_BATCH_OPS);
    List<Op> data = new ArrayList<>(MAX_BATCH_OPS);
    boolean stop = false;
    try {
      while (!stop) {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCH_OPS - 1);
        for (Op op : batch) {
          if (op instanceof Task || op instanceof Close) {
            commit(data);
            data.clear();
            if (op instanceof Close) {
              stop = true;
            } else if (!stop || ((Task) op).evenWhenClosing()) {
              ((Task) op).body().run();
            }
          } else {
            data.add(op);
          }
        }
        commit(data);
        data.clear();
        batch.clear();
        if (!stop && failure() == null) {
          log.rotateIfFull(segmentSize);
          upkeep.afterBatch();
        }
      }
    } catch (Throwable t) {
      LOG.error("mapdb store {}: the writer thread failed; the store refuses further writes", dir, t);
      failure = new WeftException("mapdb store " + dir + ": the writer failed (" + t + ")", t);
      for (Op op : batch) {
        fail(op, failure);
      }
      for (Op op : data) {
        fail(op, failure);
      }
    } finally {
      upkeep.stopping();
      Op op;
      while ((op = queue.poll()) != null) {
        if (op instanceof Task task) {
          if (task.evenWhenClosing()) {
            task.body().run();
          }
        } else if (!(op instanceof Close)) {
          fail(op, new WeftException("mapdb store " + dir + " closed before this write was made"));
        }
      }
    }
  }

  private static void fail(Op op, Throwable t) {
    if (op instanceof PutOp p) {
      p.future.completeExceptionally(t);
    } else if (op instanceof RemoveOp r) {
      r.future.completeExceptionally(t);
    } else if (op instanceof MetaOp m) {
      m.future.completeExceptionally(t);
    }
  }

  /** Decides, logs (one fsync), applies and acknowledges a batch of writes. */
  private void commit(List<Op> ops) {
    if (ops.isEmpty()) {
      return;
    }
    WeftException refused = failure();
    if (refused != null) {
      ops.forEach(op -> fail(op, refused));
      return;
    }
    int n = ops.size();
    Object[] results = new Object[n];
    Throwable[] failures = new Throwable[n];
    List<Effect> effects = new ArrayList<>(n);
    Map<ByteKey, Optional<Record>> overlay = new HashMap<>();
    frame.truncate(0);
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      try {
        if (op instanceof PutOp p) {
          Record held = held(overlay, p.key);
          Record merged = held == null ? p.record : held.merge(p.record);
          if (merged == held) {
            results[i] = new StoreResult(StoreResult.Outcome.STALE, held);
            continue;
          }
          StoreResult.Outcome outcome = held != null && merged.version().equals(held.version())
              ? StoreResult.Outcome.REFRESHED : StoreResult.Outcome.STORED;
          LogFormat.putOp(frame, p.key, merged);
          overlay.put(new ByteKey(p.key), Optional.of(merged));
          effects.add(new Effect(p.key, merged, held, null, null));
          results[i] = new StoreResult(outcome, merged);
        } else if (op instanceof RemoveOp r) {
          Record held = held(overlay, r.key);
          boolean remove = held != null && held.version().equals(r.version)
              && (r.sweepNow == NOT_SWEEP || held.isExpired(r.sweepNow));
          if (remove) {
            LogFormat.removeOp(frame, r.key, r.version);
            overlay.put(new ByteKey(r.key), Optional.empty());
            effects.add(new Effect(r.key, null, held, null, null));
          }
          results[i] = remove;
        } else if (op instanceof MetaOp m) {
          if (m.value == null) {
            LogFormat.metaRemoveOp(frame, m.name);
          } else {
            LogFormat.metaSetOp(frame, m.name, m.value);
          }
          effects.add(new Effect(null, null, null, m.name, m.value));
        }
      } catch (CorruptIndexException e) {
        failures[i] = e;
        onDamage.run();
      } catch (RuntimeException e) {
        failures[i] = new WeftException("mapdb store " + dir + ": this write failed (" + e + ")", e);
      }
    }
    if (frame.size() > 0 && !append(ops)) {
      return;
    }
    try {
      index.apply(effects);
    } catch (RuntimeException | Error e) {
      // The batch is durable in the log but the index could not take it: the index is now behind the log.
      WeftException f = new WeftException("mapdb store " + dir + ": the index failed (" + e + "); reopen the "
          + "store to rebuild it from the log (acknowledged writes are safe in the log)", e);
      index.fail(f);
      failure = f;
      LOG.error("{}", f.getMessage(), e);
      ops.forEach(op -> fail(op, new WeftException("mapdb store " + dir + ": this write is in the log but "
          + "the index failed; it will be visible after the store is reopened", e)));
      return;
    }
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      if (failures[i] != null) {
        fail(op, failures[i]);
      } else if (op instanceof PutOp p) {
        p.future.complete((StoreResult) results[i]);
      } else if (op instanceof RemoveOp r) {
        r.future.complete((Boolean) results[i]);
      } else if (op instanceof MetaOp m) {
        m.future.complete(null);
      }
    }
  }

  /** Appends the batch's frame (one fsync); on failure fails every op of the batch and returns false. */
  private boolean append(List<Op> ops) {
    LogWriter active = log.active();
    try {
      active.append(frame);
      return true;
    } catch (IOException e) {
      WeftException w = new WeftException("mapdb store " + dir + ": writing the log " + active.file
          + " failed (" + StoreDirectory.reason(e) + "); the write was not acknowledged", e);
      if (active.broken()) {
        failure = new WeftException("mapdb store " + dir + ": the log " + active.file + " could not be"
            + " restored after a failed write (" + StoreDirectory.reason(e) + "); the store refuses further writes "
            + "(reads still work); reopen it once the disk is fixed", e);
        LOG.error("{}", failure.getMessage());
      } else {
        LOG.warn("{}", w.getMessage());
      }
      ops.forEach(op -> fail(op, w));
      return false;
    }
  }

  private Record held(Map<ByteKey, Optional<Record>> overlay, byte[] key) {
    Optional<Record> o = overlay.get(new ByteKey(key));
    if (o != null) {
      return o.orElse(null);
    }
    return index.get(key);
  }

  /** A byte-array key with value equality, for a batch's overlay of decided but not yet applied changes. */
  private static final class ByteKey {
    final byte[] a;
    final int hash;

    ByteKey(byte[] a) {
      this.a = a;
      this.hash = Arrays.hashCode(a);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && Arrays.equals(a, k.a);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
