package dev.weft.kademlia.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order: the node's event loop. All node state is touched only from here, so
 * it needs no locks, and many nodes can share a small pool.
 *
 * <p>When the loop is idle, the submitting thread runs it itself (a transport's receive thread usually does), which
 * saves a thread hand-off on every message; a thread already running some loop hands over to the pool instead, so loops
 * never nest. Busy loops drain in bounded batches, then yield their pool thread.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Object lock = new Object();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;
  private volatile Thread current;
  private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    if (DRAINING.get()) {
      delegate.execute(this::drain);
    } else {
      drain();
    }
  }

  /** True when called from a task of this executor. */
  boolean inLoop() {
    return current == Thread.currentThread();
  }

  private void drain() {
    current = Thread.currentThread();
    DRAINING.set(true);
    try {
      // Bounded batch so one busy node cannot starve the others sharing the pool.
      for (int i = 0; i < 256; i++) {
        Runnable next;
        synchronized (lock) {
          next = queue.poll();
          if (next == null) {
            // Cleared before the loop is free, never after: the next drainer may start (and set its own thread)
            // the moment the lock is released, and its tasks must see themselves on the loop.
            current = null;
            running = false;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          LOG.error("task failed on the node event loop", e);
        }
      }
      // Still running: nobody else drains until the hand-over below does.
      current = null;
    } finally {
      DRAINING.set(false);
    }
    delegate.execute(this::drain);
  }
}
