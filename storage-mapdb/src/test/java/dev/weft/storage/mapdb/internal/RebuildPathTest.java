package dev.weft.storage.mapdb.internal;

import dev.weft.api.CoreSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Page;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.Record;
import dev.weft.storage.mapdb.MapDbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * A rebuild that merges the log in memory and bulk-loads MapDB must end in exactly the state the op-by-op replay
 * reaches: same records (tombstones included), same removes applied, same meta entries, same size, also when staging
 * hits its memory bound half-way.
 */
class RebuildPathTest {
  @Test
  void stagedBulkLoadedAndSpilledRebuildsEqualTheOpByOpRebuild() throws Exception {
    Path dir = Files.createTempDirectory("weft-mapdb-rebuild");
    List<Path> copies = new ArrayList<>();
    try {
      List<String> events = new ArrayList<>();
      // Tiny thresholds, so the log ends up as a snapshot plus a tail of several segments.
      LocalStore store = MapDbStore.open(MapDbStoreTest.options(dir, Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "16KiB",
          MapDbSettings.SEGMENT_SIZE.key(), "8KiB")), new Hooks(Appender::open, events::add));
      SortedMap<String, String> expectedMeta;
      List<Record> expected;
      try {
        write(store, new Random(17));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
            .until(() -> events.contains("compaction-done"));
        write(store, new Random(18)); // a tail after the snapshot, touching keys it holds
        expected = scanAll(store);
        expectedMeta = store.loadMetaWithPrefix("");
        // Copies taken while the store runs: what a kill -9 leaves (no checkpoint).
        for (int i = 0; i < 3; i++) {
          Path copy = Files.createTempDirectory("weft-mapdb-rebuild-copy");
          copies.add(copy);
          TestFiles.copyTree(dir, copy);
          Files.deleteIfExists(copy.resolve("lock"));
          Files.deleteIfExists(copy.resolve("index").resolve(Checkpoint.FILE));
        }
      } finally {
        store.close();
      }
      assertThat(expected).anyMatch(Record::tombstone);
      assertThat(expectedMeta).isNotEmpty();
      List<String> limits = List.of("0", "1GiB", "4KiB"); // op by op; all staged; staging spills half-way
      for (int i = 0; i < limits.size(); i++) {
        List<String> ev = new ArrayList<>();
        try (LocalStore again = MapDbStore.open(StoreOptions.from(WeftConfig.of(Map.of(
            MapDbSettings.REBUILD_MEMORY.key(), limits.get(i))).with(CoreSettings.DATA_DIR.key(), copies.get(i).toString())),
            new Hooks(Appender::open, ev::add))) {
          assertThat(ev).as(limits.get(i)).contains("open-rebuilt");
          assertThat(scanAll(again)).as(limits.get(i)).containsExactlyElementsOf(expected);
          assertThat(again.size()).as(limits.get(i)).isEqualTo(expected.size());
          assertThat(again.loadMetaWithPrefix("")).as(limits.get(i)).isEqualTo(expectedMeta);
        }
      }
    } finally {
      for (Path c : copies) {
        TestFiles.deleteTree(c);
      }
      TestFiles.deleteTree(dir);
    }
  }

  /** Puts, overwrites, stale puts, refreshed expiries, tombstones, removes that hit and miss, meta sets and removes. */
  private static void write(LocalStore store, Random r) {
    Map<String, Record> held = new HashMap<>();
    for (int i = 0; i < 6000; i++) {
      String ns = "ns" + r.nextInt(3);
      String key = "k" + r.nextInt(100) + (r.nextInt(10) == 0 ? "\u00e9\u0000" : "");
      String id = ns + "/" + key;
      long v = 1 + r.nextInt(50);
      int what = r.nextInt(10);
      Record prev = held.get(id);
      if (what < 5) {
        Record rec = MapDbStoreTest.rec(ns, key, "\"" + i + "\"", v, Long.MAX_VALUE - r.nextInt(3));
        store.put(rec).join();
        held.put(id, rec);
      } else if (what < 7) {
        Record t = Record.tombstone(ns, key, new Version(v, 9), 9_000_000_000L + r.nextInt(3), MapDbStoreTest.PUBLISHER);
        store.put(t).join();
        held.put(id, t);
      } else if (what < 9) {
        // Half the time the version held (the remove takes effect), else a random one (it does not).
        Version ver = prev != null && r.nextBoolean() ? prev.version() : new Version(v, 9);
        store.remove(ns, key, ver).join();
      } else if (r.nextBoolean()) {
        store.saveMeta("m" + r.nextInt(20), "" + i).join();
      } else {
        store.removeMeta("m" + r.nextInt(20)).join();
      }
    }
  }

  /** Every record, page by page. */
  static List<Record> scanAll(LocalStore store) {
    List<Record> out = new ArrayList<>();
    Scan s = Scan.all().limit(97);
    while (true) {
      Page<Record> p = store.scan(s).join();
      out.addAll(p.items());
      if (p.next().isEmpty()) {
        return out;
      }
      s = p.next().get();
    }
  }
}
