package dev.weft.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap measurements for "hostile input does not grow the heap" tests: what a piece of work allocates (transient
 * garbage, so an amplification shows even if it is freed at once) and what stays reachable after it (retained).
 */
public final class Memory {
  private Memory() {}

  /** A task that may throw; its failure is rethrown unchanged by {@link #allocatedBy}. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  /**
   * Bytes the current thread allocated while {@code work} ran (HotSpot's per-thread counter, exact to a few bytes).
   *
   * @throws UnsupportedOperationException on a JVM without the counter
   */
  public static long allocatedBy(Work work) throws Exception {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()) {
      throw new UnsupportedOperationException("this JVM does not count allocated bytes per thread");
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    work.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }

  /**
   * Used heap after garbage collection: collects until two readings in a row differ by less than 64 KiB (at most ten
   * times), so what remains is what is reachable give or take the collector's noise.
   */
  public static long usedAfterGc() {
    MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long used = heap.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 64 * 1024) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
