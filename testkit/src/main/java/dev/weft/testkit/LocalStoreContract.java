package dev.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.CoreSettings;
import dev.weft.api.NodeId;
import dev.weft.api.Page;
import dev.weft.api.Record;
import dev.weft.api.Scan;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.api.spi.store.StoreResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link LocalStore} keeps. A store's test extends this and names its provider:
 *
 * <pre>
 * class MyStoreTest extends LocalStoreContract {
 *   protected StoreProvider provider() { return new MyStoreProvider(); }
 * }
 * </pre>
 *
 * Override {@link #config(Path)} to pass settings (a data directory is provided).
 */
public abstract class LocalStoreContract {
  private static final long FAR = Long.MAX_VALUE;
  private final NodeId writer = NodeId.random(new Random(1));

  @TempDir
  protected Path dataDir;

  protected LocalStore store;

  /** The provider under test. */
  protected abstract StoreProvider provider();

  /** Settings the store is opened with; by default only the data directory. */
  protected WeftConfig config(Path dir) {
    return WeftConfig.empty().with(CoreSettings.DATA_DIR, dir.toString());
  }

  /** Opens a store on {@link #dataDir}. */
  protected LocalStore open() {
    WeftConfig cfg = config(dataDir);
    return provider().open(new StoreContext() {
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

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected Record value(String ns, String key, String json, long version, long expires) {
    return Record.value(ns, key, json.getBytes(StandardCharsets.UTF_8), new Version(version, 7), expires, writer);
  }

  protected static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("store operation failed or hung", e);
    }
  }

  @Test
  void storesAndReturnsRecordsByteForByte() {
    Record r = value("ns", "k", "{\"a\":[1,2,{\"b\":\"\u00e9\u4e2d\"}]}", 10, FAR);
    StoreResult res = await(store.put(r));
    assertThat(res.outcome()).isEqualTo(StoreResult.Outcome.STORED);
    assertThat(await(store.get("ns", "k"))).contains(r);
    assertThat(await(store.get("ns", "other"))).isEmpty();
    assertThat(await(store.get("other", "k"))).isEmpty();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void keepsTheNewestVersion() {
    Record v2 = value("ns", "k", "2", 20, FAR);
    await(store.put(v2));
    StoreResult older = await(store.put(value("ns", "k", "1", 10, FAR)));
    assertThat(older.outcome()).isEqualTo(StoreResult.Outcome.STALE);
    assertThat(older.current()).isEqualTo(v2);
    assertThat(await(store.get("ns", "k"))).contains(v2);

    Record v3 = value("ns", "k", "3", 30, FAR);
    assertThat(await(store.put(v3)).outcome()).isEqualTo(StoreResult.Outcome.STORED);
    assertThat(await(store.get("ns", "k"))).contains(v3);
  }

  @Test
  void sameVersionOnlyExtendsExpiry() {
    await(store.put(value("ns", "k", "1", 10, 1000)));
    StoreResult same = await(store.put(value("ns", "k", "1", 10, 1000)));
    assertThat(same.outcome()).isEqualTo(StoreResult.Outcome.STALE);
    StoreResult later = await(store.put(value("ns", "k", "1", 10, 5000)));
    assertThat(later.outcome()).isEqualTo(StoreResult.Outcome.REFRESHED);
    assertThat(await(store.get("ns", "k")).orElseThrow().expiresAtMillis()).isEqualTo(5000);
  }

  @Test
  void keepsSignaturesAndTakesASignedRefreshWhole() {
    dev.weft.api.RecordSigner owner = TestSigners.seeded(3);
    String ns = owner.namespace("n");
    Record signed = value(ns, "k", "{\"a\":1}", 10, 1000).signedBy(owner);
    await(store.put(signed));
    Record held = await(store.get(ns, "k")).orElseThrow();
    assertThat(held).isEqualTo(signed);
    assertThat(held.signatureValid()).isTrue();
    // The same version re-signed with a later expiry: the store holds the new signature with the new expiry.
    Record refreshed = signed.withExpiry(5000).signedBy(owner);
    assertThat(await(store.put(refreshed)).outcome()).isEqualTo(StoreResult.Outcome.REFRESHED);
    assertThat(await(store.get(ns, "k")).orElseThrow().signatureValid()).isTrue();
    Record tomb = Record.tombstone(ns, "k", new Version(11, 7), FAR, writer).signedBy(owner);
    await(store.put(tomb));
    assertThat(await(store.get(ns, "k"))).contains(tomb);
    assertThat(await(store.scan(dev.weft.api.Scan.namespace(ns))).items()).containsExactly(tomb);
  }

  @Test
  void tombstonesReplaceOlderValues() {
    await(store.put(value("ns", "k", "1", 10, FAR)));
    Record tomb = Record.tombstone("ns", "k", new Version(11, 7), FAR, writer);
    assertThat(await(store.put(tomb)).outcome()).isEqualTo(StoreResult.Outcome.STORED);
    Record held = await(store.get("ns", "k")).orElseThrow();
    assertThat(held.tombstone()).isTrue();
    assertThat(await(store.put(value("ns", "k", "old", 9, FAR))).accepted()).isFalse();
  }

  @Test
  void removeOnlyTakesTheNamedVersion() {
    await(store.put(value("ns", "k", "1", 10, FAR)));
    assertThat(await(store.remove("ns", "k", new Version(9, 7)))).isFalse();
    assertThat(await(store.get("ns", "k"))).isPresent();
    assertThat(await(store.remove("ns", "k", new Version(10, 7)))).isTrue();
    assertThat(await(store.get("ns", "k"))).isEmpty();
    assertThat(await(store.remove("ns", "k", new Version(10, 7)))).isFalse();
  }

  @Test
  void scansInOrderPageByPage() {
    List<String> expected = new ArrayList<>();
    for (String ns : List.of("a", "ab", "b", "\u00e9t\u00e9")) {
      for (int i = 0; i < 25; i++) {
        String key = String.format("k%03d", i);
        await(store.put(value(ns, key, "" + i, 1, FAR)));
        expected.add(ns + "/" + key);
      }
    }
    expected.sort(null);
    assertThat(collect(Scan.all().limit(7))).isEqualTo(expected);
    assertThat(collect(Scan.all().limit(1000))).isEqualTo(expected);
    assertThat(collect(Scan.namespace("a").limit(4)))
        .isEqualTo(expected.stream().filter(s -> s.startsWith("a/")).toList());
    assertThat(collect(Scan.namespace("ab").limit(25))).hasSize(25).allMatch(s -> s.startsWith("ab/"));
    assertThat(collect(Scan.namespace("missing"))).isEmpty();
  }

  @Test
  void aPageNeverExceedsItsLimit() {
    for (int i = 0; i < 10; i++) {
      await(store.put(value("ns", "k" + i, "1", 1, FAR)));
    }
    Page<Record> p = await(store.scan(Scan.all().limit(3)));
    assertThat(p.items()).hasSize(3);
    assertThat(p.next()).isPresent();
    Page<Record> rest = await(store.scan(Scan.all().limit(100)));
    assertThat(rest.next()).isEmpty();
  }

  @Test
  void sweepRemovesOnlyExpiredRecords() {
    await(store.put(value("ns", "old", "1", 1, 1000)));
    await(store.put(value("ns", "new", "1", 1, 3000)));
    await(store.put(Record.tombstone("ns", "tomb", new Version(1, 1), 1500, writer)));
    assertThat(await(store.sweepExpired(2000))).isEqualTo(2);
    assertThat(await(store.get("ns", "old"))).isEmpty();
    assertThat(await(store.get("ns", "tomb"))).isEmpty();
    assertThat(await(store.get("ns", "new"))).isPresent();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void keepsNodeMetadata() {
    assertThat(store.loadMeta("node.id")).isEmpty();
    await(store.saveMeta("node.id", writer.toHex()));
    assertThat(store.loadMeta("node.id")).contains(writer.toHex());
    await(store.saveMeta("pub/b", "2"));
    await(store.saveMeta("pub/a", "1"));
    await(store.saveMeta("pub/a", "1bis"));
    await(store.saveMeta("pubx", "not under pub/"));
    assertThat(store.loadMetaWithPrefix("pub/")).containsExactly(Map.entry("pub/a", "1bis"), Map.entry("pub/b", "2"));
    await(store.removeMeta("pub/a"));
    await(store.removeMeta("pub/missing"));
    assertThat(store.loadMetaWithPrefix("pub/")).containsOnlyKeys("pub/b");
    assertThat(store.size()).as("meta entries are not records").isZero();
  }

  @Test
  void concurrentWritersConvergeOnTheNewestVersion() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        all.add(CompletableFuture.runAsync(() -> {
          Random r = new Random(thread);
          for (int i = 0; i < 500; i++) {
            long v = r.nextInt(1_000_000) + 1;
            await(store.put(value("ns", "k" + (i % 10), "" + v, v, FAR)));
          }
        }, pool));
      }
      for (CompletableFuture<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (int k = 0; k < 10; k++) {
        Record held = await(store.get("ns", "k" + k)).orElseThrow();
        long max = maxWritten(k);
        assertThat(held.version().timestamp()).isEqualTo(max);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static long maxWritten(int k) {
    long max = 0;
    for (int t = 0; t < 4; t++) {
      Random r = new Random(t);
      for (int i = 0; i < 500; i++) {
        long v = r.nextInt(1_000_000) + 1;
        if (i % 10 == k) {
          max = Math.max(max, v);
        }
      }
    }
    return max;
  }

  @Test
  void closeIsIdempotent() {
    store.close();
    store.close();
    store = null;
  }

  /** Every record's {@code ns/key}, following pages. */
  protected List<String> collect(Scan scan) {
    List<String> out = new ArrayList<>();
    Optional<Scan> next = Optional.of(scan);
    int pages = 0;
    while (next.isPresent()) {
      Page<Record> p = await(store.scan(next.get()));
      assertThat(p.items().size()).isLessThanOrEqualTo(scan.limit());
      p.items().forEach(r -> out.add(r.namespace() + "/" + r.key()));
      next = p.next();
      assertThat(++pages).as("pages").isLessThan(10_000);
    }
    return out;
  }
}
