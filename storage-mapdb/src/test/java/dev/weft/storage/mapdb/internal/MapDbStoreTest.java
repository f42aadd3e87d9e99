package dev.weft.storage.mapdb.internal;

import dev.weft.api.CoreSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.ConfigException;
import dev.weft.api.NodeId;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.WeftException;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.Record;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.storage.mapdb.MapDbSettings;
import dev.weft.testkit.LocalStoreContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The store contract, plus what only a persistent store promises: reopening, unclean stops, locking, bad config. */
class MapDbStoreTest extends LocalStoreContract {
  static final NodeId PUBLISHER = NodeId.random(new Random(3));
  static final dev.weft.api.RecordSigner OWNER = dev.weft.testkit.TestSigners.seeded(4);

  @Override
  protected StoreProvider provider() {
    return new MapDbStoreProvider();
  }

  static LocalStore open(Path dir, Map<String, String> settings) {
    WeftConfig cfg = WeftConfig.of(settings).with(CoreSettings.DATA_DIR.key(), dir.toString());
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

  static Record rec(String ns, String key, String json, long version, long expires) {
    return Record.value(ns, key, json.getBytes(StandardCharsets.UTF_8), new Version(version, 9), expires, PUBLISHER);
  }

  /** Records of every shape, including keys a lossy string encoding would break. */
  static List<Record> varied(int n) {
    List<Record> out = new ArrayList<>();
    Random r = new Random(11);
    for (int i = 0; i < n; i++) {
      String ns = List.of("a", "ab", "\u00e9t\u00e9", "x\u0000y", "\ud800lone").get(i % 5);
      String key = "k" + i + (i % 7 == 0 ? "\uffff\u0000" : "");
      // Every sixth record is its owner's, signed, in an owned namespace.
      boolean owned = i % 6 == 1;
      if (owned) {
        ns = OWNER.namespace(ns);
      }
      Record made = i % 4 == 0
          ? Record.tombstone(ns, key, new Version(100 + i, r.nextLong()), 5_000_000L + i, PUBLISHER)
          : rec(ns, key, "{\"i\":" + i + ",\"s\":\"" + "v".repeat(r.nextInt(300)) + "\"}", 100 + i, Long.MAX_VALUE - i);
      out.add(owned ? made.signedBy(OWNER) : made);
    }
    return out;
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertThat(ServiceLoader.load(StoreProvider.class).stream().map(p -> p.get().name())).contains("mapdb");
  }

  @Test
  void everythingIsBackAfterACleanReopen() {
    List<Record> all = varied(500);
    for (Record r : all) {
      await(store.put(r));
    }
    await(store.remove("a", "k5", new Version(105, 9)));
    await(store.saveMeta("node.id", "abc"));
    await(store.saveMeta("pub/\u00e9", "1"));
    await(store.saveMeta("gone", "x"));
    await(store.removeMeta("gone"));
    store.close();
    store = open(dataDir, Map.of());
    assertThat(store.size()).isEqualTo(499);
    for (Record r : all) {
      if (r.namespace().equals("a") && r.key().equals("k5")) {
        assertThat(await(store.get("a", "k5"))).isEmpty();
      } else {
        assertThat(await(store.get(r.namespace(), r.key()))).contains(r);
      }
    }
    // Signed records come back with their signatures, which still verify.
    assertThat(all.stream().filter(Record::signed)).hasSizeGreaterThan(50)
        .allSatisfy(r -> assertThat(await(store.get(r.namespace(), r.key())).orElseThrow().signatureValid()).isTrue());
    assertThat(store.loadMeta("node.id")).contains("abc");
    assertThat(store.loadMetaWithPrefix("")).containsOnlyKeys("node.id", "pub/\u00e9");
    assertThat(collect(Scan.all().limit(33))).hasSize(499).isSorted();
  }

  @Test
  void anUncleanStopRebuildsTheIndexFromTheLog() throws Exception {
    List<Record> all = varied(300);
    for (Record r : all) {
      await(store.put(r));
    }
    await(store.saveMeta("node.id", "abc"));
    // Copy the directory while the store runs: what a kill -9 leaves behind (no checkpoint, index mid-flight).
    Path copy = Files.createTempDirectory("weft-mapdb-copy");
    try {
      TestFiles.copyTree(dataDir, copy);
      Files.deleteIfExists(copy.resolve("lock"));
      List<String> events = new ArrayList<>();
      try (LocalStore again = MapDbStore.open(StoreOptions.from(WeftConfig.empty().with(CoreSettings.DATA_DIR.key(),
          copy.toString())), new Hooks(Appender::open, events::add))) {
        assertThat(events).contains("open-rebuilt");
        assertThat(again.size()).isEqualTo(300);
        for (Record r : all) {
          assertThat(await(again.get(r.namespace(), r.key()))).contains(r);
        }
        assertThat(again.loadMeta("node.id")).contains("abc");
      }
    } finally {
      TestFiles.deleteTree(copy);
    }
  }

  @Test
  void aCleanReopenReusesTheIndex() {
    await(store.put(rec("ns", "k", "1", 1, Long.MAX_VALUE)));
    store.close();
    List<String> events = new ArrayList<>();
    store = MapDbStore.open(options(dataDir, Map.of()), new Hooks(Appender::open, events::add));
    assertThat(events).containsExactly("open-reused");
    assertThat(await(store.get("ns", "k"))).isPresent();
  }

  @Test
  void compactionKeepsEveryRecordAndDropsOldSegments() throws Exception {
    store.close();
    List<String> events = new ArrayList<>();
    store = MapDbStore.open(options(dataDir, Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "16KiB",
        MapDbSettings.SEGMENT_SIZE.key(), "8KiB")), new Hooks(Appender::open, events::add));
    Random r = new Random(5);
    Map<String, Record> expected = new java.util.TreeMap<>();
    for (int i = 0; i < 3000; i++) {
      String key = "k" + r.nextInt(200);
      Record rec = rec("ns", key, "\"" + i + "\"", i + 1, Long.MAX_VALUE);
      await(store.put(rec));
      expected.put(key, rec);
      if (i % 10 == 0) {
        await(store.saveMeta("m" + (i % 30), "" + i));
      }
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> events.stream().filter("compaction-done"::equals).count() >= 3);
    try (var files = Files.list(dataDir.resolve("log"))) {
      assertThat(files.count()).as("old segments are deleted").isLessThan(20);
    }
    for (int pass = 0; pass < 2; pass++) {
      assertThat(store.size()).isEqualTo(expected.size());
      for (Record e : expected.values()) {
        assertThat(await(store.get("ns", e.key()))).contains(e);
      }
      assertThat(store.loadMeta("m0")).contains("2970");
      store.close();
      // Second pass: rebuild from snapshot + segments, as after a crash.
      Files.deleteIfExists(dataDir.resolve("index").resolve(Checkpoint.FILE));
      store = open(dataDir, Map.of());
    }
  }

  @Test
  void sweepRemovesExpiredRecordsInChunks() {
    store.close();
    store = open(dataDir, Map.of(MapDbSettings.SWEEP_CHUNK.key(), "7"));
    for (int i = 0; i < 100; i++) {
      await(store.put(rec("ns", "k" + i, "1", 1, i < 60 ? 1000 : 3000)));
    }
    assertThat(await(store.sweepExpired(2000))).isEqualTo(60);
    assertThat(store.size()).isEqualTo(40);
    store.close();
    store = open(dataDir, Map.of());
    assertThat(store.size()).isEqualTo(40);
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> open(dataDir, Map.of()))
        .isInstanceOf(WeftException.class)
        .hasMessageContaining(dataDir.toString())
        .hasMessageContaining("already used by another store");
    await(store.put(rec("ns", "k", "1", 1, Long.MAX_VALUE)));
  }

  @Test
  void theDataDirectoryIsRequiredAndSettingsAreChecked() {
    assertThatThrownBy(() -> new MapDbStoreProvider().open(new StoreContext() {
      @Override
      public WeftConfig config() {
        return WeftConfig.empty();
      }

      @Override
      public Scheduler scheduler() {
        return Scheduler.system();
      }
    })).isInstanceOf(ConfigException.class).hasMessageContaining(CoreSettings.DATA_DIR.key());
    assertThatThrownBy(() -> options(dataDir, Map.of(MapDbSettings.ON_CORRUPTION.key(), "ignore")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(MapDbSettings.ON_CORRUPTION.key()).hasMessageContaining("ignore");
    assertThatThrownBy(() -> options(dataDir, Map.of(MapDbSettings.SEGMENT_SIZE.key(), "tiny")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(MapDbSettings.SEGMENT_SIZE.key());
  }

  @Test
  void tooLargeRecordsAreRefusedClearly() {
    store.close();
    store = open(dataDir, Map.of(MapDbSettings.MAX_RECORD_SIZE.key(), "2KiB"));
    CompletableFuture<?> f = store.put(rec("ns", "k", "\"" + "x".repeat(4000) + "\"", 1, 1));
    assertThatThrownBy(f::join).hasMessageContaining(MapDbSettings.MAX_RECORD_SIZE.key());
  }

  static StoreOptions options(Path dir, Map<String, String> settings) {
    return StoreOptions.from(WeftConfig.of(settings).with(CoreSettings.DATA_DIR.key(), dir.toString()));
  }
}
