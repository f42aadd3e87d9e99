package dev.weft.api.spi;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The process-wide default: one daemon pool shared by every node in the JVM. */
final class SystemScheduler implements Scheduler {
  static final SystemScheduler INSTANCE = new SystemScheduler();

  private final ScheduledThreadPoolExecutor pool;

  private SystemScheduler() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "weft-scheduler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    pool = new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), tf);
    // Cancelled timeouts (most of them: answers usually arrive) must not pile up in the queue.
    pool.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    ScheduledFuture<?> f = pool.schedule(task, delay, unit);
    return () -> f.cancel(false);
  }
}
