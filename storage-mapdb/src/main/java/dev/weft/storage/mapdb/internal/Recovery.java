package dev.weft.storage.mapdb.internal;

import dev.weft.api.WeftException;
import dev.weft.storage.mapdb.MapDbSettings;
import dev.weft.storage.mapdb.internal.LogFormat.Damage;
import dev.weft.storage.mapdb.internal.LogFormat.ScanResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a store's log and index: replays the newest snapshot and the segments after it, reusing the index when the
 * clean-close checkpoint vouches for it and rebuilding it otherwise; discards a torn tail (a batch a crash cut short,
 * never acknowledged); reports damage or, in {@code truncate} mode, cuts the file there and keeps a copy.
 *
 * <p>Called by {@link MapDbStore#open} on the opening thread, once, before any other thread touches the store.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {}

  /** What recovery hands to the store. */
  record Recovered(View view, NavigableMap<String, String> meta, long count, long liveBytes,
      TreeMap<Long, Long> segments, long snapshotNumber, long snapshotBytes, LogWriter active, boolean damaged) {}

  /** The checkpoint turned out not to match the log: start again, rebuilding. */
  private static final class CheckpointMismatch extends Exception {
    private static final long serialVersionUID = 1L;

    CheckpointMismatch(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Recovers the store in {@code d}: lists the log, takes the checkpoint, trusts or rebuilds the index, cuts torn
   * tails, handles damage as {@code o} says, removes superseded files and starts a new segment.
   *
   * @throws WeftException when the log is damaged and {@code o} says fail
   */
  static Recovered run(StoreOptions o, Hooks hooks, StoreDirectory d) throws IOException {
    StoreDirectory.LogFiles files = d.listLog();
    TreeMap<Long, Path> snapshots = files.snapshots();
    TreeMap<Long, Path> segments = files.segments();
    Optional<Checkpoint> ckp = Checkpoint.take(d.indexDir);
    try {
      return recover(o, hooks, d, snapshots, segments, ckp);
    } catch (CheckpointMismatch e) {
      LOG.warn("mapdb store {}: {}; rebuilding the index from the log", o.dir(), e.getMessage());
      try {
        return recover(o, hooks, d, snapshots, segments, Optional.empty());
      } catch (CheckpointMismatch impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  private static Recovered recover(StoreOptions o, Hooks hooks, StoreDirectory d, TreeMap<Long, Path> snapshots,
      TreeMap<Long, Path> segments, Optional<Checkpoint> ckp) throws IOException, CheckpointMismatch {
    long started = System.nanoTime();
    Long snap = snapshots.isEmpty() ? null : snapshots.lastKey();
    NavigableMap<Long, Path> replay = new TreeMap<>(snap == null ? segments : segments.tailMap(snap, true));
    boolean damaged = false;
    long expect = snap != null ? snap : 1;
    for (long n : replay.keySet()) {
      if (n != expect) {
        damaged |= damage(o, new Damage(d.segment(expect), 0,
            "log segment" + (n - expect > 1 ? "s " + expect + " to " + (n - 1) + " are" : " is") + " missing"), false);
      }
      expect = n + 1;
    }

    Path viewFile = d.indexFile();
    View view = null;
    NavigableMap<String, String> meta = new TreeMap<>();
    long applyFromSegment = 0;
    long applyFromOffset = 0;
    long records = 0;
    long live = 0;
    if (ckp.isPresent()) {
      Checkpoint c = ckp.get();
      String why = null;
      if (!replay.containsKey(c.segment())) {
        why = "the checkpoint names log segment " + c.segment() + ", which is not in the log";
      } else if (!Files.exists(viewFile) || Files.size(viewFile) != c.viewSize()) {
        why = "the index file is missing or has changed size since the clean close";
      } else if (Files2.crc(viewFile) != c.viewCrc()) {
        why = "the index file's checksum does not match the one recorded at the clean close";
      } else {
        try {
          view = View.open(viewFile, o.mmap());
          meta = view.loadMeta();
        } catch (RuntimeException | Error e) {
          why = "MapDB cannot open the index (" + e + ")";
          if (view != null) {
            view.close();
            view = null;
          }
        }
      }
      if (why != null) {
        LOG.warn("mapdb store {}: {}; rebuilding the index from the log", o.dir(), why);
      } else {
        applyFromSegment = c.segment();
        applyFromOffset = c.offset();
        records = c.records();
        live = c.liveBytes();
      }
    } else if (Files.exists(viewFile)) {
      LOG.info("mapdb store {}: the last stop was not clean; rebuilding the index from the log", o.dir());
    }
    boolean reuse = view != null;
    Replayer rp = reuse ? Replayer.into(view, meta, records, live)
        : Replayer.fresh(viewFile, o.mmap(), Replayer.stagingLimit(o));
    try {
      long snapshotBytes = 0;
      if (snap != null) {
        Path p = snapshots.get(snap);
        ScanResult res = LogFormat.scan(p, true, snap, false, reuse ? Long.MAX_VALUE : 0, -1, rp);
        if (res.damage() != null) {
          damaged |= damage(o, res.damage(), true);
        }
        snapshotBytes = Files.size(p);
      }
      TreeMap<Long, Long> kept = new TreeMap<>();
      long last = replay.isEmpty() ? -1 : replay.lastKey();
      for (Map.Entry<Long, Path> e : replay.entrySet()) {
        long n = e.getKey();
        long from = !reuse || n > applyFromSegment ? 0 : n < applyFromSegment ? Long.MAX_VALUE : applyFromOffset;
        ScanResult res = LogFormat.scan(e.getValue(), false, n, n == last, from, -1, rp);
        long end = res.size();
        if (res.torn()) {
          LOG.info("mapdb store {}: discarding the torn tail of {} ({} bytes from offset {}): a batch cut short by a "
              + "crash, never acknowledged", o.dir(), e.getValue(), res.size() - res.validEnd(), res.validEnd());
          end = cut(e.getValue(), res.validEnd());
        } else if (res.damage() != null) {
          damaged |= damage(o, res.damage(), true);
          end = cut(e.getValue(), res.validEnd());
        }
        if (reuse && n == applyFromSegment && end < applyFromOffset) {
          throw new CheckpointMismatch("the checkpoint points past the end of log segment " + n);
        }
        if (end >= 0) {
          kept.put(n, end);
        }
      }
      // Superseded files: older snapshots and the segments they cover (a crash came between publish and delete).
      boolean deleted = false;
      for (Path p : snapshots.values()) {
        if (snap != null && !p.equals(snapshots.get(snap))) {
          deleted |= Files.deleteIfExists(p);
        }
      }
      for (Map.Entry<Long, Path> e : segments.entrySet()) {
        if (snap != null && e.getKey() < snap) {
          deleted |= Files.deleteIfExists(e.getValue());
        }
      }
      if (deleted) {
        Files2.fsyncDirectory(d.logDir);
      }
      // Numbers of segments dropped whole (torn at creation) are reused, so the numbering stays gap-free.
      long next = kept.isEmpty() ? (snap == null ? 1 : snap) : kept.lastKey() + 1;
      view = rp.finish();
      LogWriter active = LogWriter.create(d.logDir, next, hooks.appenders());
      hooks.events().on(reuse ? "open-reused" : "open-rebuilt");
      LOG.info("mapdb store {} opened in {} ms: {} records, index {}", o.dir(),
          (System.nanoTime() - started) / 1_000_000, rp.count, reuse ? "reused" : "rebuilt from the log");
      return new Recovered(view, rp.meta, rp.count, rp.live, kept, snap == null ? 0 : snap, snapshotBytes, active,
          damaged);
    } catch (IOException | RuntimeException | Error | CheckpointMismatch e) {
      rp.abandon();
      throw e;
    }
  }

  /** Cuts a log file back to {@code end}, or deletes it when not even its header survives; returns its new size or -1. */
  private static long cut(Path file, long end) throws IOException {
    if (end < LogFormat.HEADER) {
      Files.delete(file);
      Files2.fsyncDirectory(file.getParent());
      return -1;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (ch.size() > end) {
        ch.truncate(end);
        ch.force(true);
      }
    }
    return end;
  }

  /**
   * Handles damage found at open: {@code fail} throws; {@code truncate} keeps a copy of the file and goes on.
   *
   * @return true (the log was damaged)
   */
  private static boolean damage(StoreOptions o, Damage d, boolean copy) throws IOException {
    if (!o.truncateOnCorruption()) {
      throw new WeftException("mapdb store: the log in " + o.dir() + " is damaged: " + d.describe() + ". What was "
          + "written after that point cannot be read back. Restore the directory from a backup, or set "
          + MapDbSettings.ON_CORRUPTION + "=truncate to open with everything before the damage.");
    }
    Path aside = d.file().resolveSibling(d.file().getFileName() + ".damaged");
    if (copy && Files.exists(d.file())) {
      Files.copy(d.file(), aside, StandardCopyOption.REPLACE_EXISTING);
    }
    LOG.error("mapdb store {}: THE LOG IS DAMAGED: {}. {} is set to truncate: opening with everything before the "
        + "damage; records written after it are LOST{}.", o.dir(), d.describe(), MapDbSettings.ON_CORRUPTION,
        copy ? " (a copy of the damaged file is kept as " + aside + ")" : "");
    return true;
  }
}
