package dev.weft.storage.mapdb.internal;

import dev.weft.api.CoreSettings;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.storage.mapdb.MapDbSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The process {@link CrashTest} kills: 32 writers put records (values, overwrites, tombstones) and meta entries and
 * print every acknowledged one; every few thousand writes the store is closed and reopened, so kills also land in
 * the clean close. Events of the store are printed too, so the parent can aim.
 *
 * <p>Output lines: {@code A <key> <version>} (a put was acknowledged), {@code M <thread> <n>} (a meta entry), {@code
 * E <event>}.
 */
final class CrashChild {
  static final int WRITERS = 32;
  static final NodeId PUBLISHER = NodeId.random(new Random(77));

  private CrashChild() {}

  static Map<String, String> settings(String mode) {
    return mode.equals("compaction")
        ? Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "16KiB", MapDbSettings.COMPACT_FACTOR.key(), "1",
            MapDbSettings.SEGMENT_SIZE.key(), "8KiB")
        : Map.of(MapDbSettings.SEGMENT_SIZE.key(), "256KiB");
  }

  /** The record written for {@code key} at {@code version}: derived from both, so the parent can check every byte. */
  static Record expected(String key, long version) {
    Version v = new Version(version, 5);
    if (version % 7 == 0) {
      return Record.tombstone("crash", key, v, Long.MAX_VALUE, PUBLISHER);
    }
    Random r = new Random(key.hashCode() * 31L + version);
    StringBuilder sb = new StringBuilder("\"").append(key).append('@').append(version).append(':');
    while (sb.length() < 199) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    sb.append('"');
    return Record.value("crash", key, sb.toString().getBytes(StandardCharsets.UTF_8), v, Long.MAX_VALUE, PUBLISHER);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    String mode = args[2];
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    Object printLock = new Object();
    StoreOptions options = StoreOptions.from(WeftConfig.of(settings(mode)).with(CoreSettings.DATA_DIR.key(), dir.toString()));
    Hooks hooks = new Hooks(Appender::open, e -> {
      synchronized (printLock) {
        out.println("E " + e);
        out.flush();
      }
    });
    AtomicLongArray counters = new AtomicLongArray(WRITERS);
    int opsPerPhase = 3000;
    for (int phase = 0; ; phase++) {
      MapDbStore store = MapDbStore.open(options, hooks);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < WRITERS; t++) {
        int thread = t;
        Random random = new Random(seed * 1000 + phase * 100 + t);
        Thread th = new Thread(() -> {
          for (int i = 0; i < opsPerPhase / WRITERS; i++) {
            long n = counters.incrementAndGet(thread);
            if (n % 50 == 0) {
              store.saveMeta("m/" + thread, Long.toString(n)).join();
              synchronized (printLock) {
                out.println("M " + thread + " " + n);
                out.flush();
              }
              continue;
            }
            // New keys at first, then a mix of new keys and overwrites of this thread's own keys.
            long k = n < 20 || random.nextBoolean() ? n : 1 + random.nextInt((int) n);
            String key = "t" + thread + "-" + k;
            store.put(expected(key, n)).join();
            synchronized (printLock) {
              out.println("A " + key + " " + n);
              out.flush();
            }
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread th : threads) {
        th.join();
      }
      store.close();
    }
  }
}
