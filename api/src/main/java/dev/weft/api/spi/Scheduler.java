package dev.weft.api.spi;

import java.util.concurrent.TimeUnit;

/**
 * Time and task execution for a node. A node reads every clock and runs every task through its scheduler, so a
 * simulation can substitute virtual time and run thousands of nodes on one thread.
 *
 * <p>Implementations are thread-safe. Tasks may run on any thread the scheduler owns, possibly concurrently with one
 * another; a node serialises its own tasks on top. {@link #system()} is the default.
 *
 * @since 0.1.0
 */
public interface Scheduler {
  /** Wall-clock milliseconds since the epoch: versions and record expiry. */
  long currentTimeMillis();

  /** A monotonic clock in nanoseconds: timeouts and round-trip times. */
  long nanoTime();

  /** Runs {@code task} soon, never on the calling thread's stack. */
  void execute(Runnable task);

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, long delay, TimeUnit unit);

  /**
   * A new executor that runs its tasks one at a time, in submission order, on this scheduler's threads (never on the
   * caller's): for callbacks that users expect in order, such as change listeners.
   */
  default java.util.concurrent.Executor sequential() {
    return new SequentialExecutor(this::execute);
  }

  /** The shared scheduler backed by the system clock and a small pool of daemon threads. */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started yet; harmless otherwise. */
    void cancel();
  }
}
