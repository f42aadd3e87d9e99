package dev.weft.kademlia.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on threads of an underlying executor: the node's event loop. All node
 * state is touched only from here, so it needs no locks, and many nodes can share a small pool.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final Object lock = new Object();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;
  private volatile Thread current;

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
    delegate.execute(this::drain);
  }

  /** True when called from a task of this executor. */
  boolean inLoop() {
    return current == Thread.currentThread();
  }

  private void drain() {
    current = Thread.currentThread();
    try {
      // Bounded batch so one busy node cannot starve the others sharing the pool.
      for (int i = 0; i < 256; i++) {
        Runnable next;
        synchronized (lock) {
          next = queue.poll();
          if (next == null) {
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
    } finally {
      current = null;
    }
    delegate.execute(this::drain);
  }
}
