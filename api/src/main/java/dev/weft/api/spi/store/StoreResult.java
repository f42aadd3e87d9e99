package dev.weft.api.spi.store;
import dev.weft.api.Record;

import java.util.Objects;

/**
 * What {@link LocalStore#put} did.
 *
 * @param outcome whether the incoming record replaced what was held
 * @param current the record the store holds afterwards (the incoming one, or the newer one it kept)
 *
 * @since 0.1.0
 */
public record StoreResult(Outcome outcome, Record current) {
  public StoreResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(current, "current");
  }

  /** How an incoming record compared with the held one. */
  public enum Outcome {
    /** Nothing or an older version was held; the incoming record is stored. */
    STORED,
    /** The same version was held; its expiry was extended. */
    REFRESHED,
    /** The same or a newer version was held and kept; the incoming record was not stored. */
    STALE
  }

  /** True unless the incoming record was stale. */
  public boolean accepted() {
    return outcome != Outcome.STALE;
  }
}
