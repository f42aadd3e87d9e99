package dev.weft.api.spi;

import dev.weft.api.Version;
import java.util.function.LongSupplier;

/**
 * Hybrid logical clock: versions that follow wall-clock time but never go backwards and always exceed every version
 * this node has seen, so an update written after reading is ordered after what was read. Readings from peers that are
 * too far in the future are ignored, so a broken clock elsewhere cannot drag ours along. Made by {@link
 * VersionClock#hybrid}.
 */
final class HybridClock implements VersionClock {

  private final LongSupplier wallMillis;
  private final long writer;
  private long last;

  HybridClock(LongSupplier wallMillis, long writer) {
    this.wallMillis = wallMillis;
    this.writer = writer;
  }

  @Override
  public synchronized Version next() {
    long physical = wallMillis.getAsLong() << 16;
    last = Math.max(last + 1, physical);
    return new Version(last, writer);
  }

  @Override
  public synchronized void observe(Version seen) {
    if (plausible(seen) && seen.timestamp() > last) {
      last = seen.timestamp();
    }
  }

  @Override
  public boolean plausible(Version v) {
    long limit = (wallMillis.getAsLong() + VersionClock.MAX_DRIFT_MILLIS) << 16;
    return Long.compareUnsigned(v.timestamp(), limit) <= 0;
  }
}
