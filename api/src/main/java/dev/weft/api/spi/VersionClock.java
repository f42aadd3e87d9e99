package dev.weft.api.spi;

import dev.weft.api.Version;
import java.util.function.LongSupplier;

/**
 * The node's hybrid logical clock, shared by its storage and its plugins, so every write a node makes is ordered after
 * everything it has seen. Thread-safe; never blocks.
 *
 * @since 0.1.0
 */
public interface VersionClock {
  /** How far ahead of the wall clock a version may be and still be followed ({@link #plausible}). */
  long MAX_DRIFT_MILLIS = 60_000;

  /**
   * The hybrid logical clock a node uses: versions follow {@code wallMillis} (shifted left 16 bits, the low bits
   * counting within a millisecond) but never go backwards, stamped with {@code writer}. Engines and test doubles use
   * this one so that all order writes alike.
   *
   * @since 0.1.0
   */
  static VersionClock hybrid(LongSupplier wallMillis, long writer) {
    return new HybridClock(wallMillis, writer);
  }

  /** A version newer than every version this node issued or observed, stamped with this node as writer. */
  Version next();

  /**
   * Moves the clock past {@code seen} (a version that arrived from elsewhere), so this node's next write orders after
   * it. Versions more than a minute ahead of this node's wall clock are not followed.
   */
  void observe(Version seen);

  /**
   * Whether {@code v} lies within the tolerated drift of this node's wall clock; versions stamped far in the future
   * would win every last-writer-wins comparison until the world caught up with them.
   */
  boolean plausible(Version v);
}
