package dev.weft.api.spi;

import dev.weft.api.Version;

/**
 * The node's hybrid logical clock, shared by its storage and its plugins, so every write a node makes is ordered after
 * everything it has seen. Thread-safe; never blocks.
 *
 * @since 0.1.0
 */
public interface VersionClock {
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
