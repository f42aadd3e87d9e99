package dev.weft.storage.mapdb.internal;

import dev.weft.api.Page;
import dev.weft.api.Record;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreResult;
import dev.weft.api.util.ScanPages;
import dev.weft.storage.mapdb.MapDbSettings;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import dev.weft.storage.mapdb.internal.LogFormat.Damage;
import dev.weft.storage.mapdb.internal.LogFormat.ScanResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent {@link LocalStore}: an append-only, fsynced operation log is the source of truth; a MapDB B-tree is an
 * index rebuilt from the log whenever it cannot be trusted. See {@code docs/storage-mapdb.md} for the design and the
 * argument for each step.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Callers (any thread) read the index directly and queue writes.
 *   <li>One writer thread takes queued writes in batches, decides each against the current state, appends the batch
 *       to the log, fsyncs once, applies it to the index and then completes the futures (group commit).
 *   <li>A compactor thread writes snapshots; a sweeper thread finds expired records and queues their removal.
 * </ul>
 */
final class MapDbStore implements LocalStore {
  private static final Logger LOG = LoggerFactory.getLogger(MapDbStore.class);
  private static final int MAX_BATCH_OPS = 1024;
  private static final int SNAPSHOT_FRAME_BYTES = 1 << 20;
  private static final int SNAPSHOT_CHUNK = 4096;
  private static final long NOT_SWEEP = Long.MIN_VALUE;

  private sealed interface Op permits PutOp, RemoveOp, MetaOp, Control {}

  private record PutOp(byte[] key, Record record, CompletableFuture<StoreResult> future) implements Op {}

  /** {@code sweepNow} is {@link #NOT_SWEEP} for a plain remove; for a sweep the record must still be expired then. */
  private record RemoveOp(byte[] key, Version version, long sweepNow, CompletableFuture<Boolean> future)
      implements Op {}

  /** {@code value} null removes. */
  private record MetaOp(String name, String value, CompletableFuture<Void> future) implements Op {}

  private record Control(Kind kind, long number, boolean ok) implements Op {
    enum Kind { CLOSE, REBUILD, COMPACTED, COMPACT_NOW }
  }

  /** A change decided in a batch, applied to the index once the batch is durable. */
  private record Effect(byte[] key, Record now, Record before, String metaName, String metaValue) {}

  private final StoreOptions options;
  private final Hooks hooks;
  private final StoreDirectory directory;

  /** Readers hold it shared for one bounded step; the writer holds it exclusively to swap in a rebuilt index. */
  private final ReentrantReadWriteLock viewLock = new ReentrantReadWriteLock();
  private volatile View view;
  private final ConcurrentSkipListMap<String, String> meta;
  private final AtomicLong count;
  private final AtomicLong liveBytes;

  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Object submitLock = new Object();
  private boolean closed; // guarded by submitLock
  private volatile boolean closing;
  private final AtomicBoolean rebuildRequested = new AtomicBoolean();
  /** Set when writes can no longer be made durable; every later write fails with it. */
  private volatile WeftException writeFailure;
  /** Set when the index is unusable; every later read fails with it. */
  private volatile WeftException viewFailure;

  private final Thread writer;
  private final ExecutorService compactor;
  private final ExecutorService sweeper;

  // Owned by the writer thread (and by open/close before it starts and after it ends).
  private LogWriter active;
  private final TreeMap<Long, Long> closedSegments;
  private long snapshotNumber;
  private long snapshotBytes;
  private Future<?> compaction;
  private volatile boolean abortCompaction;
  private long nextCompactionAt;
  private final Buf frame = new Buf(64 * 1024);

  private MapDbStore(StoreOptions options, Hooks hooks, StoreDirectory directory, Recovery.Recovered r) {
    this.options = options;
    this.hooks = hooks;
    this.directory = directory;
    this.view = r.view();
    this.meta = new ConcurrentSkipListMap<>(r.meta());
    this.count = new AtomicLong(r.count());
    this.liveBytes = new AtomicLong(r.liveBytes());
    this.closedSegments = r.segments();
    this.snapshotNumber = r.snapshotNumber();
    this.snapshotBytes = r.snapshotBytes();
    this.active = r.active();
    String name = options.dir().getFileName() == null ? "" : "-" + options.dir().getFileName();
    this.writer = new Thread(this::runWriter, "weft-mapdb-writer" + name);
    this.writer.setDaemon(true);
    this.compactor = Executors.newSingleThreadExecutor(daemon("weft-mapdb-compactor" + name));
    this.sweeper = Executors.newSingleThreadExecutor(daemon("weft-mapdb-sweeper" + name));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Opens the store in {@code options.dir()}: takes the directory lock, recovers the log, trusts or rebuilds the index.
   *
   * @throws WeftException naming the directory or file when it cannot
   */
  static MapDbStore open(StoreOptions options, Hooks hooks) {
    StoreDirectory directory = StoreDirectory.open(options.dir());
    MapDbStore store;
    try {
      Recovery.Recovered r = Recovery.run(options, hooks, directory);
      store = new MapDbStore(options, hooks, directory, r);
      if (r.damaged()) {
        // Supersede the damaged files now, so the next open (perhaps in fail mode) finds an intact log.
        store.startCompaction();
        store.awaitCompaction();
      }
    } catch (RuntimeException | IOException | Error e) {
      directory.close();
      if (e instanceof WeftException w) {
        throw w;
      }
      throw new WeftException("mapdb store: cannot open " + options.dir() + " (" + StoreDirectory.reason(e) + ")", e);
    }
    store.writer.start();
    return store;
  }



  // ---------------------------------------------------------------------------------------------------- the API

  @Override
  public CompletableFuture<StoreResult> put(Record record) {
    byte[] key = Codec.key(record.namespace(), record.key());
    long size = key.length + (long) Codec.bodySize(record);
    if (size > options.maxRecordSize()) {
      checkOpen();
      return CompletableFuture.failedFuture(new WeftException("mapdb store: record " + record.namespace() + "/"
          + record.key() + " is " + size + " bytes encoded, more than " + MapDbSettings.MAX_RECORD_SIZE + " ("
          + options.maxRecordSize() + ")"));
    }
    CompletableFuture<StoreResult> f = new CompletableFuture<>();
    return submit(new PutOp(key, record, f), f);
  }

  @Override
  public CompletableFuture<Optional<Record>> get(String namespace, String key) {
    checkOpen();
    byte[] k = Codec.key(namespace, key);
    return read(() -> Optional.ofNullable(view.get(k)));
  }

  @Override
  public CompletableFuture<Boolean> remove(String namespace, String key, Version version) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    return submit(new RemoveOp(Codec.key(namespace, key), version, NOT_SWEEP, f), f);
  }

  @Override
  public CompletableFuture<Page<Record>> scan(Scan scan) {
    checkOpen();
    byte[] from = null;
    boolean inclusive = false;
    if (scan.afterNamespace().isPresent()) {
      from = Codec.key(scan.afterNamespace().get(), scan.afterKey().orElse(""));
    } else if (scan.namespace().isPresent()) {
      from = Codec.key(scan.namespace().get(), "");
      inclusive = true;
    }
    byte[] start = from;
    boolean startInclusive = inclusive;
    return read(() -> {
      Iterator<Map.Entry<byte[], byte[]>> entries = view.entries(start, startInclusive);
      return ScanPages.page(scan, new Iterator<Record>() {
        @Override
        public boolean hasNext() {
          return entries.hasNext();
        }

        @Override
        public Record next() {
          Map.Entry<byte[], byte[]> e = entries.next();
          return Codec.fromIndex(e.getKey(), e.getValue());
        }
      });
    });
  }

  /**
   * Runs a read against the index under its read lock: fails fast while a rebuild holds the lock, and turns a record
   * whose CRC does not match into a failed read plus a rebuild, never into data.
   */
  private <T> CompletableFuture<T> read(java.util.function.Supplier<T> body) {
    Lock l = viewLock.readLock();
    if (!l.tryLock()) {
      return CompletableFuture.failedFuture(rebuilding());
    }
    try {
      checkView();
      return CompletableFuture.completedFuture(body.get());
    } catch (CorruptIndexException e) {
      requestRebuild();
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(readFailed(e));
    } finally {
      l.unlock();
    }
  }

  /**
   * Finds expired records on the sweeper thread, a bounded chunk at a time, and queues their removal (each checked
   * again by the writer: same version, still expired), waiting for a chunk before finding the next.
   */
  @Override
  public CompletableFuture<Long> sweepExpired(long nowMillis) {
    checkOpen();
    CompletableFuture<Long> result = new CompletableFuture<>();
    sweeper.execute(() -> {
      try {
        long removed = 0;
        byte[] from = null;
        boolean more = true;
        while (more) {
          List<RemoveOp> chunk = new ArrayList<>();
          Lock l = viewLock.readLock();
          l.lock();
          try {
            checkView();
            Iterator<Map.Entry<byte[], byte[]>> it = view.entries(from, false);
            int scanned = 0;
            while (it.hasNext() && chunk.size() < options.sweepChunk() && scanned < 16 * options.sweepChunk()) {
              Map.Entry<byte[], byte[]> e = it.next();
              from = e.getKey();
              scanned++;
              ByteBuffer v = ByteBuffer.wrap(e.getValue());
              if (v.capacity() >= 4 + Codec.BODY_FIXED && v.getLong(Codec.VALUE_EXPIRY_OFFSET) <= nowMillis) {
                Version ver = new Version(v.getLong(Codec.VALUE_VERSION_OFFSET),
                    v.getLong(Codec.VALUE_VERSION_OFFSET + 8));
                chunk.add(new RemoveOp(e.getKey(), ver, nowMillis, new CompletableFuture<>()));
              }
            }
            more = it.hasNext();
          } finally {
            l.unlock();
          }
          for (RemoveOp op : chunk) {
            submit(op, op.future);
          }
          for (RemoveOp op : chunk) {
            if (op.future.get(10, TimeUnit.MINUTES)) {
              removed++;
            }
          }
        }
        result.complete(removed);
      } catch (Throwable t) {
        result.completeExceptionally(t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t);
      }
    });
    return result;
  }

  @Override
  public long size() {
    return count.get();
  }

  @Override
  public Optional<String> loadMeta(String name) {
    return Optional.ofNullable(meta.get(name));
  }

  @Override
  public CompletableFuture<Void> saveMeta(String name, String value) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    return submit(new MetaOp(name, java.util.Objects.requireNonNull(value, "value"), f), f);
  }

  @Override
  public CompletableFuture<Void> removeMeta(String name) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    return submit(new MetaOp(java.util.Objects.requireNonNull(name, "name"), null, f), f);
  }

  @Override
  public SortedMap<String, String> loadMetaWithPrefix(String prefix) {
    return new TreeMap<>(meta.subMap(prefix, true, prefix + Character.MAX_VALUE, true));
  }

  private <T> CompletableFuture<T> submit(Op op, CompletableFuture<T> f) {
    WeftException failed = writeFailure;
    if (failed != null) {
      checkOpen();
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

  private void control(Control c) {
    queue.add(c);
  }

  private void checkOpen() {
    if (closing) {
      throw new IllegalStateException("store is closed");
    }
  }

  private void checkView() {
    WeftException f = viewFailure;
    if (f != null) {
      throw f;
    }
  }

  private WeftException rebuilding() {
    return new WeftException("mapdb store " + options.dir() + ": the index is being rebuilt from the log after "
        + "damage was found; retry shortly");
  }

  private WeftException readFailed(RuntimeException e) {
    return e instanceof WeftException w ? w
        : new WeftException("mapdb store " + options.dir() + ": reading the index failed (" + e + ")", e);
  }

  void requestRebuild() {
    if (rebuildRequested.compareAndSet(false, true)) {
      LOG.error("mapdb store {}: the index holds a damaged entry; rebuilding it from the log", options.dir());
      control(new Control(Control.Kind.REBUILD, 0, true));
    }
  }

  // ---------------------------------------------------------------------------------------------------- the writer

  private void runWriter() {
    List<Op> batch = new ArrayList<>(MAX_BATCH_OPS);
    List<Op> data = new ArrayList<>(MAX_BATCH_OPS);
    boolean stop = false;
    try {
      while (!stop) {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCH_OPS - 1);
        for (Op op : batch) {
          if (op instanceof Control c) {
            commit(data);
            data.clear();
            if (!stop || c.kind == Control.Kind.COMPACTED) {
              stop |= handle(c);
            }
          } else {
            data.add(op);
          }
        }
        commit(data);
        data.clear();
        batch.clear();
        if (!stop) {
          afterBatch();
        }
      }
    } catch (Throwable t) {
      LOG.error("mapdb store {}: the writer thread failed; the store refuses further writes", options.dir(), t);
      writeFailure = new WeftException("mapdb store " + options.dir() + ": the writer failed (" + t + ")", t);
      for (Op op : batch) {
        fail(op, writeFailure);
      }
      for (Op op : data) {
        fail(op, writeFailure);
      }
    } finally {
      stopCompaction();
      Op op;
      while ((op = queue.poll()) != null) {
        if (op instanceof Control c) {
          if (c.kind == Control.Kind.COMPACTED) {
            handle(c);
          }
        } else {
          fail(op, new WeftException("mapdb store " + options.dir() + " closed before this write was made"));
        }
      }
    }
  }

  /** Handles a control op; true when the writer must stop. */
  private boolean handle(Control c) {
    switch (c.kind) {
      case CLOSE -> {
        return true;
      }
      case REBUILD -> rebuildNow();
      case COMPACTED -> compacted(c.number, c.ok);
      case COMPACT_NOW -> startCompaction();
      default -> throw new IllegalStateException("unknown control " + c.kind);
    }
    return false;
  }

  private void fail(Op op, Throwable t) {
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
    if (writeFailure != null) {
      ops.forEach(op -> fail(op, writeFailure));
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
        requestRebuild();
      } catch (RuntimeException e) {
        failures[i] = new WeftException("mapdb store " + options.dir() + ": this write failed (" + e + ")", e);
      }
    }
    if (frame.size() > 0) {
      try {
        active.append(frame);
      } catch (IOException e) {
        WeftException w = new WeftException("mapdb store " + options.dir() + ": writing the log " + active.file
            + " failed (" + StoreDirectory.reason(e) + "); the write was not acknowledged", e);
        if (active.broken()) {
          writeFailure = new WeftException("mapdb store " + options.dir() + ": the log " + active.file + " could not be"
              + " restored after a failed write (" + StoreDirectory.reason(e) + "); the store refuses further writes (reads still "
              + "work); reopen it once the disk is fixed", e);
          LOG.error("{}", writeFailure.getMessage());
        } else {
          LOG.warn("{}", w.getMessage());
        }
        ops.forEach(op -> fail(op, w));
        return;
      }
    }
    try {
      for (Effect e : effects) {
        if (e.key == null) {
          if (e.metaValue == null) {
            view.removeMeta(e.metaName);
            meta.remove(e.metaName);
          } else {
            view.putMeta(e.metaName, e.metaValue);
            meta.put(e.metaName, e.metaValue);
          }
        } else if (e.now == null) {
          view.remove(e.key);
          count.decrementAndGet();
          liveBytes.addAndGet(-Codec.liveSize(e.key, e.before));
        } else {
          view.put(e.key, e.now);
          if (e.before == null) {
            count.incrementAndGet();
          }
          liveBytes.addAndGet(Codec.liveSize(e.key, e.now) - (e.before == null ? 0 : Codec.liveSize(e.key, e.before)));
        }
      }
    } catch (RuntimeException | Error e) {
      // The batch is durable in the log but the index could not take it: the index is now behind the log.
      viewFailure = new WeftException("mapdb store " + options.dir() + ": the index failed (" + e + "); reopen the "
          + "store to rebuild it from the log (acknowledged writes are safe in the log)", e);
      writeFailure = viewFailure;
      LOG.error("{}", viewFailure.getMessage(), e);
      ops.forEach(op -> fail(op, new WeftException("mapdb store " + options.dir() + ": this write is in the log but "
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

  private Record held(Map<ByteKey, Optional<Record>> overlay, byte[] key) {
    Optional<Record> o = overlay.get(new ByteKey(key));
    if (o != null) {
      return o.orElse(null);
    }
    return view.get(key);
  }

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

  private void afterBatch() {
    if (writeFailure != null) {
      return;
    }
    if (active.position() >= options.segmentSize()) {
      rotate();
    }
    long total = logBytes();
    if (compaction == null && total >= nextCompactionAt
        && total > Math.max(options.compactMinSize(), options.compactFactor() * liveBytes.get())) {
      startCompaction();
    }
  }

  private long logBytes() {
    long sum = snapshotBytes + active.position();
    for (long s : closedSegments.values()) {
      sum += s;
    }
    return sum;
  }

  private boolean rotate() {
    try {
      LogWriter next = LogWriter.create(directory.logDir, active.number + 1, hooks.appenders());
      LogWriter old = active;
      closedSegments.put(old.number, old.position());
      active = next;
      try {
        old.close();
      } catch (IOException e) {
        LOG.warn("mapdb store {}: closing {} failed: {}", options.dir(), old.file, e.toString());
      }
      return true;
    } catch (IOException e) {
      LOG.warn("mapdb store {}: cannot start a new log segment ({}); staying on {}", options.dir(), StoreDirectory.reason(e),
          active.file);
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------------- compaction

  private void startCompaction() {
    if (compaction != null || !rotate()) {
      return;
    }
    long number = active.number;
    abortCompaction = false;
    hooks.events().on("compaction-start");
    compaction = compactor.submit(() -> {
      try {
        writeSnapshot(number);
        control(new Control(Control.Kind.COMPACTED, number, true));
      } catch (Throwable t) {
        if (!abortCompaction) {
          LOG.warn("mapdb store {}: compaction failed ({}); will retry later", options.dir(), t.toString());
        }
        if (t instanceof CorruptIndexException) {
          requestRebuild();
        }
        control(new Control(Control.Kind.COMPACTED, number, false));
      }
    });
  }

  /** Used at open (before the writer runs) to finish a compaction synchronously. */
  private void awaitCompaction() throws IOException {
    Future<?> f = compaction;
    if (f == null) {
      throw new IOException("could not start the compaction that supersedes the damaged log files");
    }
    try {
      f.get(1, TimeUnit.HOURS);
    } catch (Exception e) {
      throw new IOException("compaction after damage failed", e);
    }
    Control c = (Control) queue.poll();
    if (c == null || !c.ok) {
      throw new IOException("compaction after damage failed; see the log");
    }
    compacted(c.number, true);
  }

  private void stopCompaction() {
    Future<?> f = compaction;
    if (f == null) {
      return;
    }
    abortCompaction = true;
    try {
      f.get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn("mapdb store {}: waiting for the compaction to stop: {}", options.dir(), e.toString());
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
      long records = 0;
      byte[] from = null;
      boolean more = true;
      while (more) {
        if (abortCompaction) {
          throw new IOException("compaction aborted");
        }
        Lock l = viewLock.readLock();
        l.lock();
        try {
          checkView();
          Iterator<Map.Entry<byte[], byte[]>> it = view.entries(from, false);
          for (int i = 0; i < SNAPSHOT_CHUNK && it.hasNext(); i++) {
            Map.Entry<byte[], byte[]> e = it.next();
            from = e.getKey();
            Codec.fromIndex(e.getKey(), e.getValue()); // never copy a damaged entry into the new log
            LogFormat.putOpRaw(buf, e.getKey(), e.getValue());
            records++;
            if (buf.size() >= SNAPSHOT_FRAME_BYTES) {
              writeFrame(ch, buf);
            }
          }
          more = it.hasNext();
        } finally {
          l.unlock();
        }
      }
      long metas = 0;
      for (Map.Entry<String, String> e : meta.entrySet()) {
        LogFormat.metaSetOp(buf, e.getKey(), e.getValue());
        metas++;
        if (buf.size() >= SNAPSHOT_FRAME_BYTES) {
          writeFrame(ch, buf);
        }
      }
      writeFrame(ch, buf);
      LogFormat.endOp(buf, records, metas);
      writeFrame(ch, buf);
      ch.force(true);
      hooks.events().on("snapshot-written");
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
    hooks.events().on("snapshot-published");
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
      nextCompactionAt = logBytes() + options.segmentSize();
      return;
    }
    try {
      Path snap = directory.snapshot(number);
      long size = Files.size(snap);
      if (snapshotNumber > 0 && snapshotNumber < number) {
        Files.deleteIfExists(directory.snapshot(snapshotNumber));
      }
      for (Iterator<Long> it = closedSegments.headMap(number).keySet().iterator(); it.hasNext(); ) {
        Files.deleteIfExists(directory.segment(it.next()));
        it.remove();
      }
      Files2.fsyncDirectory(directory.logDir);
      snapshotNumber = number;
      snapshotBytes = size;
      nextCompactionAt = 0;
      hooks.events().on("compaction-done");
    } catch (IOException e) {
      LOG.warn("mapdb store {}: removing log files superseded by snapshot {} failed ({}); the next open does it",
          options.dir(), number, e.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------------- rebuild

  /** Replaces the index with one rebuilt from the log (on the writer thread, between batches). */
  private void rebuildNow() {
    rebuildRequested.set(false);
    stopCompaction();
    long started = System.nanoTime();
    Lock l = viewLock.writeLock();
    l.lock();
    try {
      view.close();
      Path file = directory.indexFile();
      Replayer rp = Replayer.fresh(file, options.mmap(), Replayer.stagingLimit(options));
      NavigableMap<String, String> m = rp.meta;
      List<String> damage = new ArrayList<>();
      if (snapshotNumber > 0) {
        ScanResult r = LogFormat.scan(directory.snapshot(snapshotNumber), true,
            snapshotNumber, false, 0, -1, rp);
        if (r.damage() != null) {
          damage.add(r.damage().describe());
        }
      }
      for (long n : closedSegments.keySet()) {
        if (n >= snapshotNumber) {
          ScanResult r = LogFormat.scan(directory.segment(n), false, n, false, 0,
              -1, rp);
          if (r.damage() != null) {
            damage.add(r.damage().describe());
          }
        }
      }
      ScanResult r = LogFormat.scan(active.file, false, active.number, false, 0, active.position(), rp);
      if (r.damage() != null) {
        damage.add(r.damage().describe());
      }
      try {
        view = rp.finish();
      } catch (IOException | RuntimeException | Error e) {
        rp.abandon();
        throw e;
      }
      if (!damage.isEmpty()) {
        throw new IOException("the log itself is damaged: " + String.join("; ", damage));
      }
      count.set(rp.count);
      liveBytes.set(rp.live);
      meta.keySet().retainAll(m.keySet());
      meta.putAll(m);
      hooks.events().on("rebuilt");
      LOG.warn("mapdb store {}: index rebuilt from the log in {} ms ({} records)", options.dir(),
          (System.nanoTime() - started) / 1_000_000, rp.count);
    } catch (IOException | RuntimeException e) {
      viewFailure = new WeftException("mapdb store " + options.dir() + ": rebuilding the index failed (" + e
          + "); reopen the store", e);
      writeFailure = viewFailure;
      LOG.error("{}", viewFailure.getMessage(), e);
    } finally {
      l.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------------- close

  @Override
  public void close() {
    synchronized (submitLock) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      queue.add(new Control(Control.Kind.CLOSE, 0, true));
    }
    hooks.events().on("close-start");
    try {
      writer.join(TimeUnit.MINUTES.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sweeper.shutdownNow();
    compactor.shutdownNow();
    try {
      sweeper.awaitTermination(1, TimeUnit.MINUTES);
      compactor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Lock l = viewLock.writeLock();
    l.lock();
    try {
      boolean clean = !writer.isAlive() && viewFailure == null && writeFailure == null && !rebuildRequested.get();
      if (clean) {
        try {
          hooks.events().on("checkpoint-start");
          view.closeAndSync();
          Path file = directory.indexFile();
          new Checkpoint(active.number, active.position(), count.get(), liveBytes.get(), Files.size(file),
              Files2.crc(file)).write(directory.indexDir);
          hooks.events().on("checkpoint-done");
        } catch (IOException | RuntimeException e) {
          LOG.warn("mapdb store {}: writing the clean-close checkpoint failed ({}); the index is rebuilt at the next "
              + "open", options.dir(), e.toString());
        }
      } else {
        view.close();
      }
      try {
        active.close();
      } catch (IOException e) {
        LOG.warn("mapdb store {}: closing the log failed: {}", options.dir(), e.toString());
      }
    } finally {
      l.unlock();
      directory.close();
    }
  }

  @Override
  public String toString() {
    return "MapDbStore[" + options.dir() + ", " + count.get() + " records]";
  }
}
