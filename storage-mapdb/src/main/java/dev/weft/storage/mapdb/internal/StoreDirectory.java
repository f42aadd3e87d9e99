package dev.weft.storage.mapdb.internal;

import dev.weft.api.WeftException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;

/**
 * A store's directory, held: its layout ({@code lock}, {@code log/}, {@code index/}), the names of the files in it,
 * and the lock that keeps a second store out while this one is open.
 *
 * <p>{@link #open} and {@link #close} are called by {@link MapDbStore} on the thread opening or closing the store;
 * the path methods are pure and used from any thread. No method returns null.
 */
final class StoreDirectory implements AutoCloseable {
  static final String LOCK_FILE = "lock";
  static final String LOG_DIR = "log";
  static final String INDEX_DIR = "index";

  final Path dir;
  final Path logDir;
  final Path indexDir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StoreDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.logDir = dir.resolve(LOG_DIR);
    this.indexDir = dir.resolve(INDEX_DIR);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the layout when missing, takes the lock and checks the directory can be written.
   *
   * @throws WeftException naming the directory (and the lock file) when it cannot
   */
  static StoreDirectory open(Path dir) {
    try {
      Files.createDirectories(dir.resolve(LOG_DIR));
      Files.createDirectories(dir.resolve(INDEX_DIR));
    } catch (IOException e) {
      throw new WeftException("mapdb store: cannot create the data directory " + dir + " (" + reason(e)
          + "); check weft.data.dir and its permissions", e);
    }
    FileChannel lockChannel;
    try {
      lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new WeftException("mapdb store: the data directory " + dir + " is not writable (" + reason(e) + ")", e);
    }
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(lockChannel);
      throw new WeftException("mapdb store: the data directory " + dir + " is already used by another store (its lock "
          + "file " + dir.resolve(LOCK_FILE) + " is held); give each node its own weft.data.dir");
    }
    StoreDirectory d = new StoreDirectory(dir, lockChannel, lock);
    try {
      d.probeWritable();
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void probeWritable() {
    Path probe = dir.resolve("write-probe" + LogFormat.TMP_SUFFIX);
    try {
      Files.write(probe, new byte[1]);
      Files.delete(probe);
    } catch (IOException e) {
      throw new WeftException("mapdb store: the data directory " + dir + " is not writable (" + reason(e) + ")", e);
    }
  }

  Path segment(long number) {
    return logDir.resolve(LogFormat.name(number, LogFormat.LOG_SUFFIX));
  }

  Path snapshot(long number) {
    return logDir.resolve(LogFormat.name(number, LogFormat.SNAPSHOT_SUFFIX));
  }

  /** Where a snapshot is written before it is published under {@link #snapshot}. */
  Path unpublishedSnapshot(long number) {
    return logDir.resolve(LogFormat.name(number, LogFormat.SNAPSHOT_SUFFIX) + LogFormat.TMP_SUFFIX);
  }

  Path indexFile() {
    return indexDir.resolve(View.FILE);
  }

  /** The files of {@code log/} by number. */
  record LogFiles(TreeMap<Long, Path> snapshots, TreeMap<Long, Path> segments) {}

  /** Lists {@code log/}, deleting unpublished snapshots (a compaction cut short) on the way. Called at open only. */
  LogFiles listLog() throws IOException {
    TreeMap<Long, Path> snapshots = new TreeMap<>();
    TreeMap<Long, Path> segments = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.endsWith(LogFormat.TMP_SUFFIX)) {
          Files.delete(p);
        } else if (LogFormat.number(n, LogFormat.SNAPSHOT_SUFFIX) >= 0) {
          snapshots.put(LogFormat.number(n, LogFormat.SNAPSHOT_SUFFIX), p);
        } else if (LogFormat.number(n, LogFormat.LOG_SUFFIX) >= 0) {
          segments.put(LogFormat.number(n, LogFormat.LOG_SUFFIX), p);
        }
      }
    }
    return new LogFiles(snapshots, segments);
  }

  /** What went wrong with a file operation, in words for an error message (names the file when known). */
  static String reason(Throwable e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + ((FileSystemException) e).getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + f.getFile();
    }
    return String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage());
  }

  /** Releases the lock; never throws (closing the channel releases it in any case). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException | RuntimeException e) {
      // Closing the channel releases it too.
    }
    closeQuietly(lockChannel);
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Nothing left to do with it.
    }
  }
}
