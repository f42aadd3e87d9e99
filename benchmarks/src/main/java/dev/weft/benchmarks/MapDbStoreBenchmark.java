package dev.weft.benchmarks;

import dev.weft.api.CoreSettings;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.storage.mapdb.internal.MapDbStoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the {@code mapdb} store on this machine: durable puts/s (200-byte values, 32 writers each waiting for its
 * acknowledgement), gets/s, disk bytes per record, and the time to reopen with the index reused (clean close) and
 * rebuilt from the log (as after a crash: the clean-close checkpoint removed, which is exactly what a kill -9 leaves).
 *
 * <pre>benchmarks/run.sh MapDbStoreBenchmark [--records 1000000] [--writers 32] [--gets 1000000] [--dir /tmp/x]</pre>
 */
public final class MapDbStoreBenchmark {
  private MapDbStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = arg(args, "--records", 1_000_000);
    int writers = arg(args, "--writers", 32);
    int gets = arg(args, "--gets", 1_000_000);
    Path dir = Files.createTempDirectory(Path.of(argString(args, "--dir", System.getProperty("java.io.tmpdir"))),
        "weft-mapdb-bench");
    try {
      NodeId publisher = NodeId.random(new Random(1));
      System.out.printf("mapdb store benchmark: %,d records of 200-byte values, %d writers, dir %s%n", records, writers,
          dir);
      LocalStore store = open(dir);
      AtomicLong next = new AtomicLong();
      long t0 = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Thread t = new Thread(() -> {
          for (long i; (i = next.getAndIncrement()) < records; ) {
            store.put(record(i, publisher)).join();
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      double putSecs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("durable puts: %,d in %.1f s = %,.0f puts/s%n", records, putSecs, records / putSecs);

      for (int threadsN : new int[] {1, 2}) {
        AtomicLong done = new AtomicLong();
        long g0 = System.nanoTime();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < threadsN; r++) {
          int seed = r;
          Thread t = new Thread(() -> {
            Random random = new Random(seed);
            for (int i = 0; i < gets / threadsN; i++) {
              if (store.get("bench", key(random.nextInt(records))).join().isEmpty()) {
                throw new AssertionError("missing record");
              }
              done.incrementAndGet();
            }
          });
          t.start();
          readers.add(t);
        }
        for (Thread t : readers) {
          t.join();
        }
        double s = (System.nanoTime() - g0) / 1e9;
        System.out.printf("gets, %d thread(s): %,d in %.1f s = %,.0f gets/s%n", threadsN, done.get(), s, done.get() / s);
      }
      long c0 = System.nanoTime();
      store.close();
      System.out.printf("clean close (index synced, checksummed, checkpoint written): %.2f s%n",
          (System.nanoTime() - c0) / 1e9);
      long logBytes = size(dir.resolve("log"));
      long indexBytes = size(dir.resolve("index"));
      System.out.printf("disk: log %,d B + index %,d B = %.0f B per record (value 200 B)%n", logBytes, indexBytes,
          (logBytes + indexBytes) / (double) records);

      long o0 = System.nanoTime();
      LocalStore reopened = open(dir);
      System.out.printf("reopen after a clean close: %.2f s (%,d records)%n", (System.nanoTime() - o0) / 1e9,
          reopened.size());
      reopened.close();
      Files.delete(dir.resolve("index").resolve("checkpoint"));
      long r0 = System.nanoTime();
      LocalStore rebuilt = open(dir);
      System.out.printf("reopen after a crash (index rebuilt from the log): %.2f s (%,d records)%n",
          (System.nanoTime() - r0) / 1e9, rebuilt.size());
      rebuilt.close();
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String key(long i) {
    return "key-" + Long.toHexString(i * 0x9E3779B97F4A7C15L);
  }

  private static Record record(long i, NodeId publisher) {
    byte[] value = new byte[200];
    value[0] = '"';
    for (int k = 1; k < 199; k++) {
      value[k] = (byte) ('a' + (i + k) % 26);
    }
    value[199] = '"';
    return Record.value("bench", key(i), value, new Version(i + 1, 1), Long.MAX_VALUE, publisher);
  }

  private static LocalStore open(Path dir) {
    WeftConfig cfg = WeftConfig.empty().with(CoreSettings.DATA_DIR, dir.toString());
    return new MapDbStoreProvider().open(new StoreContext() {
      @Override
      public WeftConfig config() {
        return cfg;
      }

      @Override
      public Scheduler scheduler() {
        return Scheduler.system();
      }
    });
  }

  private static long size(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int arg(String[] args, String name, int def) {
    return Integer.parseInt(argString(args, name, Integer.toString(def)));
  }

  private static String argString(String[] args, String name, String def) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return def;
  }
}
