package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes replaced continuously — one stopped without warning and a fresh one (new id, empty store) started every
 * {@link #CHURN_EVERY} at most — while a client writes new versions of a set of keys through one node and reads them
 * through random others. Holders and writers republish every {@link #REPUBLISH}, so at most three of a record's eight
 * holders are replaced between republishes: no acknowledged write may be lost.
 *
 * <p>One minute in {@code mvn verify}; longer with {@code -Dweft.soak.minutes=30} (see docs/reliability.md).
 */
class ChurnSoakTest {
  private static final int NODES = 12;
  private static final int KEYS = 64;
  /** A replacement is due this often; one that takes longer (a join waits out timeouts to departed nodes) delays it. */
  private static final Duration CHURN_EVERY = Duration.ofSeconds(2);
  /** Replacements per minute the soak must at least reach for its figures to mean anything. */
  private static final int MIN_REPLACED_PER_MINUTE = 10;
  private static final String REPUBLISH = "5s";
  private static final double MIN_GET_SUCCESS = 0.97;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS) // the real bound is the soak's own duration, checked below
  void nodesReplacedContinuouslyLoseNoAcknowledgedWrite() throws Exception {
    double minutes = Double.parseDouble(System.getProperty("weft.soak.minutes", "1"));
    long end = System.nanoTime() + (long) (minutes * 60e9);
    try (TestCluster c = TestCluster.builder().nodes(NODES).seed(11).listen("udp://127.0.0.1:0")
        .set(KademliaSettings.RPC_TIMEOUT.key(), "300ms")
        .set(KademliaSettings.REPUBLISH_INTERVAL.key(), REPUBLISH).start()) {
      Node client = c.node(0);
      List<Node> live = new CopyOnWriteArrayList<>(c.nodes());
      AtomicBoolean churning = new AtomicBoolean(true);
      AtomicInteger replaced = new AtomicInteger();
      Thread churn = new Thread(() -> {
        Random r = new Random(3);
        long due = System.nanoTime();
        while (churning.get()) {
          try {
            due += CHURN_EVERY.toNanos();
            TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
            List<Integer> candidates = new ArrayList<>();
            for (int i = 1; i < c.size(); i++) {
              if (c.isRunning(i)) {
                candidates.add(i);
              }
            }
            int victim = candidates.get(r.nextInt(candidates.size()));
            live.remove(c.node(victim));
            c.stop(victim);
            live.add(c.addNode());
            replaced.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "churn");
      churn.start();

      Random r = new Random(5);
      int[] acked = new int[KEYS];
      int seq = 0;
      int gets = 0;
      int good = 0;
      int puts = 0;
      int putsFailed = 0;
      List<Long> latencies = new ArrayList<>();
      try {
        while (System.nanoTime() < end) {
          int k = r.nextInt(KEYS);
          if (acked[k] == 0 || r.nextInt(3) == 0) {
            seq++;
            puts++;
            try {
              PutResult p = client.storage().put("soak", "k" + k, JSON.numberNode(seq)).get(30, TimeUnit.SECONDS);
              if (p.acknowledged() > 0) {
                acked[k] = seq;
              } else {
                putsFailed++;
              }
            } catch (Exception e) {
              putsFailed++;
            }
            continue;
          }
          Node reader = live.get(r.nextInt(live.size()));
          long t0 = System.nanoTime();
          Optional<StoredObject> o;
          try {
            o = reader.storage().get("soak", "k" + k).get(30, TimeUnit.SECONDS);
          } catch (Exception e) {
            if (!live.contains(reader)) {
              continue; // replaced while we asked it: not the system's failure
            }
            o = null;
          }
          latencies.add(System.nanoTime() - t0);
          gets++;
          if (o != null && o.isPresent() && o.get().value().asInt() >= acked[k]) {
            good++;
          }
        }
      } finally {
        churning.set(false); // the churn thread ends after the replacement under way: a join is never cut short
        churn.join(120_000);
      }

      // After the churn: every acknowledged newest value must still be found by at least one of three readers.
      int lost = 0;
      List<String> lostKeys = new ArrayList<>();
      for (int k = 0; k < KEYS; k++) {
        if (acked[k] == 0) {
          continue;
        }
        boolean found = false;
        for (int attempt = 0; attempt < 3 && !found; attempt++) {
          Node reader = live.get(r.nextInt(live.size()));
          try {
            Optional<StoredObject> o = reader.storage().get("soak", "k" + k).get(30, TimeUnit.SECONDS);
            found = o.isPresent() && o.get().value().asInt() >= acked[k];
          } catch (Exception e) {
            // try another reader
          }
        }
        if (!found) {
          lost++;
          lostKeys.add("k" + k);
        }
      }
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      double success = gets == 0 ? 0 : 100.0 * good / gets;
      System.out.printf("ChurnSoakTest: %.1f min, %d nodes, %d replaced (due every %d s), republish %s: "
              + "gets %d, success %.2f%%, p50 %.1f ms, p99 %.1f ms; puts %d (%d unacknowledged); "
              + "acknowledged writes lost %d %s%n",
          minutes, NODES, replaced.get(), CHURN_EVERY.toSeconds(), REPUBLISH, gets, success,
          percentile(sorted, 0.50), percentile(sorted, 0.99), puts, putsFailed, lost, lostKeys);
      assertThat(replaced.get()).as("nodes replaced").isGreaterThanOrEqualTo((int) (minutes * MIN_REPLACED_PER_MINUTE));
      assertThat(lost).as("acknowledged writes lost: " + lostKeys).isZero();
      assertThat(success).as("get success %").isGreaterThanOrEqualTo(MIN_GET_SUCCESS * 100);
    }
  }

  private static double percentile(long[] sortedNanos, double q) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, i)] / 1e6;
  }
}
