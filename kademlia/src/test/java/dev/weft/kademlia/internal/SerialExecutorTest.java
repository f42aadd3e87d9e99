package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  /**
   * Tasks run one at a time, in order, and each sees itself on the loop — also while the loop keeps going idle and
   * being restarted by another thread. (A drain that had just gone idle once cleared the loop's thread after the next
   * drainer had set it: that drainer's tasks then thought they were off the loop, and a task that waits for the loop
   * from off it blocked the loop itself.)
   */
  @Test
  void tasksRunSeriallyInOrderAndKnowTheyAreOnTheLoop() throws Exception {
    int submitterCount = 16;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    ExecutorService submitters = Executors.newFixedThreadPool(submitterCount);
    try {
      SerialExecutor loop = new SerialExecutor(pool);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      AtomicInteger offLoop = new AtomicInteger();
      int perSubmitter = 40_000;
      int[] lastSeen = new int[submitterCount];
      AtomicInteger outOfOrder = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(submitterCount * perSubmitter);
      for (int s = 0; s < submitterCount; s++) {
        int submitter = s;
        submitters.execute(() -> {
          for (int i = 1; i <= perSubmitter; i++) {
            int n = i;
            loop.execute(() -> {
              if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              if (!loop.inLoop()) {
                offLoop.incrementAndGet();
              }
              if (lastSeen[submitter] != n - 1) {
                outOfOrder.incrementAndGet();
              }
              lastSeen[submitter] = n;
              running.decrementAndGet();
              done.countDown();
            });
            if (n % 4 == 0) {
              // Let the loop run dry now and then: the idle-to-running hand-over is where drains meet.
              Thread.yield();
            }
          }
        });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(overlaps.get()).as("tasks overlapping").isZero();
      assertThat(outOfOrder.get()).as("tasks out of submission order").isZero();
      assertThat(offLoop.get()).as("tasks that did not know they were on the loop").isZero();
      assertThat(loop.inLoop()).isFalse();
    } finally {
      submitters.shutdownNow();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A task that submits to its own loop does not run the new task inside itself (loops never nest). */
  @Test
  void aTaskSubmittingToItsLoopDoesNotNest() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      SerialExecutor loop = new SerialExecutor(pool);
      List<String> order = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      loop.execute(() -> {
        order.add("outer start");
        loop.execute(() -> {
          order.add("inner");
          done.countDown();
        });
        order.add("outer end");
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(order).containsExactly("outer start", "outer end", "inner");
    } finally {
      pool.shutdownNow();
    }
  }
}
