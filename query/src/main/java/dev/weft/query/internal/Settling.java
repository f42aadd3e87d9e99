package dev.weft.query.internal;

import dev.weft.api.spi.Scheduler;
import java.time.Duration;

/**
 * Whether this node may still lack rows it is the closest node to (docs/query.md, "A node that has just joined"): from
 * when it last joined until the store's hand-off had time to reach it, twice {@link
 * dev.weft.api.spi.plugin.Dht#handOffInterval}. A node that settles reports when it joined in its scan answers, so
 * that the asking node can tell whether rows older than that were left to it.
 *
 * <p>{@link #joined} runs on the node's event thread, the readers on workers: thread-safe.
 */
final class Settling {
  /**
   * How far apart two nodes' clocks may be (NTP keeps them within tens of milliseconds): a row whose version is less
   * than this after a node's join counts as written before it (versions are the writer's hybrid clock, the join time
   * the newcomer's wall clock). Larger is safer and sends more scans a second time after a join.
   */
  static final long SKEW_MILLIS = 250;

  private final Scheduler clock;
  private final long windowMillis;
  private volatile long joinedMillis;

  Settling(Scheduler clock, Duration handOff) {
    this.clock = clock;
    this.windowMillis = 2 * handOff.toMillis();
    this.joinedMillis = clock.currentTimeMillis();  // a node that never joins (the first) holds what it is written
  }

  /** The node (re)joined the network: rows written before now reach it by the hand-off, in up to the window. */
  void joined() {
    joinedMillis = clock.currentTimeMillis();
  }

  /**
   * Where the node stands now.
   *
   * @param since when it last joined (milliseconds of the wall clock), or 0 when it has settled since
   * @param settlesInMillis milliseconds until it settles; 0 when it has
   */
  record State(long since, long settlesInMillis) {
    static final State SETTLED = new State(0, 0);

    /** Whether a row with a version of {@code versionMillis} may have been written before the node joined. */
    boolean mayLack(long versionMillis) {
      return since > 0 && versionMillis < since + SKEW_MILLIS;
    }
  }

  State now() {
    long joined = joinedMillis;
    long left = joined + windowMillis - clock.currentTimeMillis();
    return left > 0 ? new State(joined, left) : State.SETTLED;
  }
}
