package dev.weft.sim;

import dev.weft.api.spi.Scheduler.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Churn at a constant population: the adopted nodes each run a session; when one ends (its length drawn from
 * {@link Sessions}) its node is stopped and a fresh one started in its place at once, with a new identity. What
 * "start" and "stop" mean is the caller's: typically build and join a node with a fresh id, then close it.
 *
 * <p>Draws come from one {@link Random} seeded at construction, in event order; confined to the simulation thread.
 */
public final class Churn {
  private final SimScheduler scheduler;
  private final Sessions sessions;
  private final Random random;
  /** Starts a node for the given session number and returns what stops it. */
  private final IntFunction<Runnable> starter;
  private final List<Cancellable> ends = new ArrayList<>();
  private int started;
  private int ended;
  private boolean stopped;

  public Churn(SimScheduler scheduler, Sessions sessions, long seed, IntFunction<Runnable> starter) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.random = new Random(seed);
    this.starter = Objects.requireNonNull(starter, "starter");
  }

  /**
   * Ends, after a drawn session length, each of the {@code stops} of nodes already running (by memorylessness of
   * exponential sessions their remaining time has the same law), replacing each in turn.
   */
  public void adopt(List<Runnable> stops) {
    for (Runnable stop : stops) {
      ends.add(schedule(ends.size(), stop));
    }
  }

  private Cancellable schedule(int slot, Runnable stop) {
    Duration life = sessions.draw(random);
    return scheduler.schedule(() -> end(slot, stop), life.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void end(int slot, Runnable stop) {
    if (stopped) {
      return;
    }
    ended++;
    stop.run();
    Runnable next = starter.apply(started++);
    ends.set(slot, schedule(slot, next));
  }

  /** Sessions started by this churn (replacements) so far. */
  public int started() {
    return started;
  }

  /** Sessions ended so far. */
  public int ended() {
    return ended;
  }

  /** Stops churning: no session ends or starts from now on; running nodes stay up. */
  public void stop() {
    stopped = true;
    ends.forEach(c -> {
      if (c != null) {
        c.cancel();
      }
    });
  }
}
