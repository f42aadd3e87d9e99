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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent {@link LocalStore}: an append-only, fsynced operation log is the source of truth; a MapDB B-tree is an
 * index rebuilt from the log whenever it cannot be trusted. See {@code docs/storage-mapdb.md} for the design and the
 * argument for each step.
 *
 * <p>This class wires the parts and implements the SPI on top of them: {@link StoreDirectory} (layout and lock),
 * {@link Recovery} (opening), {@link LiveIndex} (the index every thread reads), {@link GroupCommitWriter} (the only
 * writer), {@link LogSegments} (the log's files), {@link Compactor} (snapshots), {@link IndexRebuild} (a damaged
 * index replaced while running), {@link Sweeper} (expiry).
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

  private final StoreOptions options;
  private final Hooks hooks;
  private final StoreDirectory directory;
  private final LiveIndex index;
  private final LogSegments log;
  private final GroupCommitWriter writer;
  private final Sweeper sweeper;
  private final ExecutorService sweeperThread;
  private final ExecutorService compactorThread;
  private final Compactor compactor;
  private final IndexRebuild rebuild;

  private MapDbStore(StoreOptions options, Hooks hooks, StoreDirectory directory, Recovery.Recovered r) {
    this.options = options;
    this.hooks = hooks;
    this.directory = directory;
    this.index = new LiveIndex(options.dir(), r.view(), r.meta(), r.count(), r.liveBytes(), this::requestRebuild);
    this.log = new LogSegments(directory, hooks.appenders(), r.active(), r.segments(), r.snapshotNumber(),
        r.snapshotBytes());
    String name = options.dir().getFileName() == null ? "" : "-" + options.dir().getFileName();
    this.compactorThread = Executors.newSingleThreadExecutor(daemon("weft-mapdb-compactor" + name));
    this.compactor = new Compactor(directory, index, log, options, hooks.events(), compactorThread,
        this::afterCompaction, this::requestRebuild);
    this.rebuild = new IndexRebuild(directory, index, log, options, hooks.events(), compactor::stop,
        this::beforeNextBatch);
    this.writer = new GroupCommitWriter(options.dir(), index, log, options.segmentSize(), compactor,
        this::requestRebuild);
    this.sweeperThread = Executors.newSingleThreadExecutor(daemon("weft-mapdb-sweeper" + name));
    this.sweeper = new Sweeper(index, writer, options.sweepChunk(), sweeperThread);
  }

  private static ThreadFactory daemon(String name) {
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
        store.compactor.compactNow();
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
    return writer.put(key, record);
  }

  @Override
  public CompletableFuture<Optional<Record>> get(String namespace, String key) {
    checkOpen();
    byte[] k = Codec.key(namespace, key);
    return index.read(view -> Optional.ofNullable(view.get(k)));
  }

  @Override
  public CompletableFuture<Boolean> remove(String namespace, String key, Version version) {
    return writer.remove(Codec.key(namespace, key), version, GroupCommitWriter.NOT_SWEEP);
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
    return index.read(view -> {
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

  /** Runs on the sweeper thread: see {@link Sweeper}. */
  @Override
  public CompletableFuture<Long> sweepExpired(long nowMillis) {
    checkOpen();
    return sweeper.sweep(nowMillis);
  }

  @Override
  public long size() {
    return index.count();
  }

  @Override
  public Optional<String> loadMeta(String name) {
    return index.meta(name);
  }

  @Override
  public CompletableFuture<Void> saveMeta(String name, String value) {
    return writer.meta(name, Objects.requireNonNull(value, "value"));
  }

  @Override
  public CompletableFuture<Void> removeMeta(String name) {
    return writer.meta(Objects.requireNonNull(name, "name"), null);
  }

  @Override
  public SortedMap<String, String> loadMetaWithPrefix(String prefix) {
    return index.metaWithPrefix(prefix);
  }

  private void checkOpen() {
    if (writer.closing()) {
      throw new IllegalStateException("store is closed");
    }
  }

  /** The compactor's outcome is recorded on the writer thread, also while the store closes. */
  private void afterCompaction(Runnable step) {
    writer.runBetweenBatches(step, true);
  }

  void requestRebuild() {
    rebuild.request();
  }

  /** Runs a rebuild on the writer thread between batches (not once the store closes). */
  private void beforeNextBatch(Runnable step) {
    writer.runBetweenBatches(step, false);
  }

  // ---------------------------------------------------------------------------------------------------- close

  @Override
  public void close() {
    if (!writer.beginClose()) {
      return;
    }
    hooks.events().on("close-start");
    boolean ended = writer.awaitEnd(TimeUnit.MINUTES.toMillis(10));
    sweeperThread.shutdownNow();
    compactorThread.shutdownNow();
    try {
      sweeperThread.awaitTermination(1, TimeUnit.MINUTES);
      compactorThread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      index.exclusive(() -> {
        boolean clean = ended && writer.failure() == null && !rebuild.pending();
        if (clean) {
          try {
            hooks.events().on("checkpoint-start");
            index.close(true, log.active().number, log.active().position());
            hooks.events().on("checkpoint-done");
          } catch (IOException | RuntimeException e) {
            LOG.warn("mapdb store {}: writing the clean-close checkpoint failed ({}); the index is rebuilt at the "
                + "next open", options.dir(), e.toString());
          }
        } else {
          index.close(false, 0, 0);
        }
        log.close();
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not thrown: the step handles its own failures
    } finally {
      directory.close();
    }
  }

  @Override
  public String toString() {
    return "MapDbStore[" + options.dir() + ", " + index.count() + " records]";
  }
}
