package dev.weft.storage.mapdb.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's files as the running store knows them: the segment being appended to, the sizes of the closed ones, and
 * the newest snapshot.
 *
 * <p>Owned by the writer thread: the {@link GroupCommitWriter} appends and rotates, the {@link Compactor} rotates and
 * drops what a snapshot supersedes, the index rebuild reads the list; before the writer starts and after it ends, the
 * thread opening or closing the store. Not thread-safe.
 */
final class LogSegments {
  private static final Logger LOG = LoggerFactory.getLogger(LogSegments.class);

  private final StoreDirectory directory;
  private final Appender.Factory appenders;
  private LogWriter active;
  private final TreeMap<Long, Long> closed;
  private long snapshotNumber;
  private long snapshotBytes;

  /**
   * @param closed sizes of the closed segments at or after the snapshot, by number (taken over, not copied)
   * @param snapshotNumber the newest snapshot's number, 0 when there is none
   */
  LogSegments(StoreDirectory directory, Appender.Factory appenders, LogWriter active, TreeMap<Long, Long> closed,
      long snapshotNumber, long snapshotBytes) {
    this.directory = directory;
    this.appenders = appenders;
    this.active = active;
    this.closed = closed;
    this.snapshotNumber = snapshotNumber;
    this.snapshotBytes = snapshotBytes;
  }

  /** The segment batches are appended to. */
  LogWriter active() {
    return active;
  }

  /** The newest snapshot's number, 0 when there is none. */
  long snapshotNumber() {
    return snapshotNumber;
  }

  /** Numbers of the closed segments, ascending (a read-only view). */
  NavigableSet<Long> closedSegments() {
    return Collections.unmodifiableNavigableSet(closed.navigableKeySet());
  }

  /** Bytes the log takes on disk: the snapshot and every segment. */
  long bytes() {
    long sum = snapshotBytes + active.position();
    for (long s : closed.values()) {
      sum += s;
    }
    return sum;
  }

  /** Starts the next segment once the active one holds {@code segmentSize} bytes. */
  void rotateIfFull(long segmentSize) {
    if (active.position() >= segmentSize) {
      rotate();
    }
  }

  /**
   * Closes the active segment and starts the next one (durably created before it is used).
   *
   * @return false when the new segment could not be created (logged; appends go on to the old one)
   */
  boolean rotate() {
    try {
      LogWriter next = LogWriter.create(directory.logDir, active.number + 1, appenders);
      LogWriter old = active;
      closed.put(old.number, old.position());
      active = next;
      try {
        old.close();
      } catch (IOException e) {
        LOG.warn("mapdb store {}: closing {} failed: {}", directory, old.file, e.toString());
      }
      return true;
    } catch (IOException e) {
      LOG.warn("mapdb store {}: cannot start a new log segment ({}); staying on {}", directory,
          StoreDirectory.reason(e), active.file);
      return false;
    }
  }

  /**
   * Snapshot {@code number} is published: deletes the older snapshot and the segments below {@code number}, durably,
   * and counts the new snapshot instead. A failure part-way leaves the files not yet deleted listed (the next open
   * deletes them).
   */
  void supersededBy(long number) throws IOException {
    Path snap = directory.snapshot(number);
    long size = Files.size(snap);
    if (snapshotNumber > 0 && snapshotNumber < number) {
      Files.deleteIfExists(directory.snapshot(snapshotNumber));
    }
    for (Iterator<Long> it = closed.headMap(number).keySet().iterator(); it.hasNext(); ) {
      Files.deleteIfExists(directory.segment(it.next()));
      it.remove();
    }
    Files2.fsyncDirectory(directory.logDir);
    snapshotNumber = number;
    snapshotBytes = size;
  }

  /** Closes the active segment's file; logs a failure (everything appended is already durable). */
  void close() {
    try {
      active.close();
    } catch (IOException e) {
      LOG.warn("mapdb store {}: closing the log failed: {}", directory, e.toString());
    }
  }
}
