package dev.weft.sim;

import dev.weft.api.spi.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one event queue of a simulation: virtual time that moves only inside {@link #run} and {@link #runUntil}, which
 * run due tasks on the calling thread in (due time, submission) order, so a run repeats exactly for a seed.
 *
 * <p>Unlike {@link dev.weft.sim.ManualScheduler} it is built for hundreds of thousands of nodes sharing it: a
 * cancelled task is only marked (a node cancels an RPC timer per answer, and removing it from a heap of a million
 * tasks is linear), and the queue is confined to one thread. Every method must be called from the thread that runs
 * the simulation; the node code only calls it from the tasks it runs.
 */
public final class SimScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private long executed;

  /** A scheduler whose clock starts at {@code startMillis} since the epoch (wall-clock readings; versions, expiry). */
  public SimScheduler(long startMillis) {
    this.now = TimeUnit.MILLISECONDS.toNanos(startMillis);
  }

  @Override
  public long currentTimeMillis() {
    return now / 1_000_000;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Task t = new Task(now + Math.max(0, unit.toNanos(delay)), sequence++, Objects.requireNonNull(task, "task"));
    queue.add(t);
    return t;
  }

  /** Tasks queued, cancelled ones included until their time comes. */
  public int pending() {
    return queue.size();
  }

  /** Tasks run so far. */
  public long executed() {
    return executed;
  }

  /** Runs every task due within {@code span} (also those they schedule), then sets the clock to its end. */
  public void run(Duration span) {
    long target = now + span.toNanos();
    while (step(target)) {
      // one task per step
    }
    now = Math.max(now, target);
  }

  /**
   * Runs tasks in order until {@code done} holds (checked before each task) or {@code limit} of virtual time has
   * passed; returns whether {@code done} holds. The clock stays at the last task run, not at the limit.
   */
  public boolean runUntil(BooleanSupplier done, Duration limit) {
    long target = now + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (!step(target)) {
        now = Math.max(now, target);
        return done.getAsBoolean();
      }
    }
    return true;
  }

  /** Runs the next live task due by {@code target}; false if there is none. */
  private boolean step(long target) {
    while (true) {
      Task next = queue.peek();
      if (next == null || next.due > target) {
        return false;
      }
      queue.poll();
      Runnable r = next.task;
      if (r == null) {
        continue;
      }
      next.task = null;
      now = next.due;
      executed++;
      r.run();
      return true;
    }
  }

  private static final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long sequence;
    /** Null once run or cancelled: the queue then drops it when it comes up. */
    Runnable task;

    Task(long due, long sequence, Runnable task) {
      this.due = due;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public void cancel() {
      task = null;
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(sequence, o.sequence);
    }
  }
}
