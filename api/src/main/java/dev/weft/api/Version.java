package dev.weft.api;

import java.util.HexFormat;

/**
 * The version of a record: a hybrid logical clock reading plus the writer's id, totally ordered. Replicas keep the
 * newest version they see, so concurrent writes resolve to the same winner everywhere (last writer wins).
 *
 * @param timestamp hybrid logical clock: milliseconds since the epoch in the high 48 bits, a logical counter in the low 16
 * @param writer the first 64 bits of the writing node's id, which breaks ties between equal timestamps
 */
public record Version(long timestamp, long writer) implements Comparable<Version> {
  /** Older than every real version. */
  public static final Version ZERO = new Version(0, 0);

  /** Milliseconds since the epoch of the physical part. */
  public long millis() {
    return timestamp >>> 16;
  }

  @Override
  public int compareTo(Version o) {
    int c = Long.compareUnsigned(timestamp, o.timestamp);
    return c != 0 ? c : Long.compareUnsigned(writer, o.writer);
  }

  /** True when this version is strictly newer than {@code other}. */
  public boolean isNewerThan(Version other) {
    return compareTo(other) > 0;
  }

  /** {@code timestamp-writer}, both in hex; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return Long.toHexString(timestamp) + "-" + HexFormat.of().toHexDigits(writer);
  }

  /** Reads the form written by {@link #toString()}. */
  public static Version parse(String text) {
    int dash = text.indexOf('-');
    if (dash <= 0 || dash == text.length() - 1) {
      throw new IllegalArgumentException("not a version: '" + text + "' (expected <hex timestamp>-<hex writer>)");
    }
    try {
      return new Version(Long.parseUnsignedLong(text.substring(0, dash), 16),
          Long.parseUnsignedLong(text.substring(dash + 1), 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a version: '" + text + "'", e);
    }
  }
}
