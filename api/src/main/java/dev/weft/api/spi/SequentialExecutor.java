package dev.weft.api.spi;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Runs tasks one at a time, in submission order, on another executor's threads; see {@link Scheduler#sequential()}. */
final class SequentialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SequentialExecutor.class.getName());

  private final Executor delegate;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  SequentialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (queue) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    delegate.execute(this::drain);
  }

  private void drain() {
    // A bounded batch, then the thread goes back to the pool, so one busy queue cannot starve the others.
    for (int i = 0; i < 64; i++) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.ERROR, "task failed on a sequential executor", e);
      }
    }
    delegate.execute(this::drain);
  }
}
