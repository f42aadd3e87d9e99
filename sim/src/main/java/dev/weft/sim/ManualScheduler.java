package dev.weft.sim;

import dev.weft.api.spi.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for tests and simulations: the clock moves only when the caller calls {@link #advance}, which runs the
 * tasks due by then on the calling thread, in due-time order. The clock may be read from any thread (a transport's receive thread does).
 */
public final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  @Override
  public synchronized long currentTimeMillis() {
    return now / 1_000_000;
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    Task t = new Task(now + unit.toNanos(delay), sequence++, task);
    queue.add(t);
    return () -> {
      synchronized (this) {
        queue.remove(t);
      }
    };
  }

  /** Tasks waiting to run. */
  public synchronized int pending() {
    return queue.size();
  }

  /** Moves time forward by {@code step}, running every task due by then (also ones they schedule). */
  public void advance(Duration step) {
    long target;
    synchronized (this) {
      target = now + step.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        queue.poll();
        now = next.due;
      }
      next.task.run();
    }
  }

  private record Task(long due, long sequence, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(sequence, o.sequence);
    }
  }
}
