package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.open;
import static dev.weft.storage.mapdb.internal.MapDbStoreTest.options;
import static dev.weft.storage.mapdb.internal.MapDbStoreTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Record;
import dev.weft.api.WeftException;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.storage.mapdb.MapDbSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files are detected and never served as valid data; {@code truncate} mode opens with the intact prefix. */
class CorruptionTest {
  private static final Map<String, String> TRUNCATE = Map.of(MapDbSettings.ON_CORRUPTION.key(), "truncate");

  @TempDir
  Path dir;

  /** Writes {@code n} records, one batch each, and closes cleanly. */
  private Map<String, Record> fill(int n, Map<String, String> settings) {
    Map<String, Record> written = new LinkedHashMap<>();
    try (LocalStore s = open(dir, settings)) {
      for (int i = 0; i < n; i++) {
        Record r = rec("ns", String.format("k%05d", i), "\"value-" + i + "-UNIQUE\"", i + 1, Long.MAX_VALUE);
        s.put(r).join();
        written.put(r.key(), r);
      }
    }
    return written;
  }

  private static Optional<Record> get(LocalStore s, String key) {
    try {
      return s.get("ns", key).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Every record the store serves must be exactly one that was written. */
  private static int checkServed(LocalStore s, Map<String, Record> written) {
    int present = 0;
    for (Record r : written.values()) {
      Optional<Record> got = get(s, r.key());
      if (got.isPresent()) {
        assertThat(got.get()).isEqualTo(r);
        present++;
      }
    }
    return present;
  }

  private Path firstSegment() throws IOException {
    return TestFiles.files(dir.resolve("log"), ".log").get(0);
  }

  @Test
  void aFlippedByteInTheMiddleOfTheLogIsReportedWithFileAndOffset() throws Exception {
    Map<String, Record> written = fill(200, Map.of());
    Path seg = firstSegment();
    long at = Files.size(seg) / 3;
    TestFiles.flip(seg, at);
    assertThatThrownBy(() -> open(dir, Map.of()))
        .isInstanceOf(WeftException.class)
        .hasMessageContaining(seg.toString())
        .hasMessageContaining("at offset")
        .hasMessageContaining(MapDbSettings.ON_CORRUPTION.key() + "=truncate");

    try (LocalStore s = open(dir, TRUNCATE)) {
      int present = checkServed(s, written);
      assertThat(present).isBetween(40, 80);
      assertThat(s.size()).isEqualTo(present);
    }
    assertThat(Files.exists(seg.resolveSibling(seg.getFileName() + ".damaged"))).isTrue();
    // Truncate mode wrote a fresh snapshot: the next open, even in fail mode, finds an intact log.
    try (LocalStore s = open(dir, Map.of())) {
      assertThat(s.size()).isBetween(40L, 80L);
    }
  }

  @Test
  void aSegmentCutShortBeforeTheLastIsDamageNotATornTail() throws Exception {
    fill(50, Map.of());
    fill(0, Map.of()); // one more clean open and close: the data segment is no longer the newest
    Path seg = firstSegment();
    TestFiles.truncate(seg, Files.size(seg) - 10);
    assertThatThrownBy(() -> open(dir, Map.of())).isInstanceOf(WeftException.class)
        .hasMessageContaining(seg.getFileName().toString()).hasMessageContaining("truncated");
  }

  @Test
  void aTornTailAfterACrashIsDiscardedSilently() throws Exception {
    Map<String, Record> written = new LinkedHashMap<>();
    Path crashed = Files.createTempDirectory("weft-mapdb-torn");
    try {
      try (LocalStore s = open(dir, Map.of())) {
        for (int i = 0; i < 20; i++) {
          Record r = rec("ns", "k" + i, "\"" + i + "\"", 1, Long.MAX_VALUE);
          s.put(r).join();
          written.put(r.key(), r);
        }
        TestFiles.copyTree(dir, crashed); // what a kill -9 leaves: no checkpoint
      }
      Files.deleteIfExists(crashed.resolve("lock"));
      List<Path> segs = TestFiles.files(crashed.resolve("log"), ".log");
      Path last = segs.get(segs.size() - 1);
      TestFiles.truncate(last, Files.size(last) - 3); // the last batch was being written
      try (LocalStore s = open(crashed, Map.of())) {
        assertThat(checkServed(s, written)).isEqualTo(19);
        assertThat(get(s, "k19")).isEmpty();
      }
    } finally {
      TestFiles.deleteTree(crashed);
    }
  }

  @Test
  void aDamagedSnapshotIsReported() throws Exception {
    Map<String, Record> written = new LinkedHashMap<>();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LocalStore s = MapDbStore.open(options(dir, Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "8KiB",
        MapDbSettings.SEGMENT_SIZE.key(), "4KiB")), new Hooks(Appender::open, events::add))) {
      for (int i = 0; i < 1000; i++) {
        Record r = rec("ns", "k" + (i % 40), "\"value-" + i + "\"", i + 1, Long.MAX_VALUE);
        s.put(r).join();
        written.put(r.key(), r);
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("compaction-done"));
    }
    List<Path> snaps = TestFiles.files(dir.resolve("log"), ".snap");
    assertThat(snaps).hasSize(1);
    TestFiles.flip(snaps.get(0), Files.size(snaps.get(0)) / 2);
    assertThatThrownBy(() -> open(dir, Map.of())).isInstanceOf(WeftException.class)
        .hasMessageContaining(snaps.get(0).toString());
    try (LocalStore s = open(dir, TRUNCATE)) {
      checkServed(s, written);
    }
  }

  @Test
  void aFlippedByteInTheIndexFileIsCaughtAtOpenAndTheIndexRebuilt() throws Exception {
    Map<String, Record> written = fill(300, Map.of());
    Path index = dir.resolve("index").resolve(View.FILE);
    long at = TestFiles.find(index, "value-150-UNIQUE".getBytes(StandardCharsets.UTF_8));
    assertThat(at).isPositive();
    TestFiles.flip(index, at + 3);
    List<String> events = new ArrayList<>();
    try (LocalStore s = MapDbStore.open(options(dir, Map.of()), new Hooks(Appender::open, events::add))) {
      assertThat(events).contains("open-rebuilt");
      assertThat(checkServed(s, written)).isEqualTo(300);
    }
  }

  @Test
  void aDamagedCheckpointMeansARebuild() throws Exception {
    Map<String, Record> written = fill(100, Map.of());
    TestFiles.flip(dir.resolve("index").resolve(Checkpoint.FILE), 20);
    List<String> events = new ArrayList<>();
    try (LocalStore s = MapDbStore.open(options(dir, Map.of()), new Hooks(Appender::open, events::add))) {
      assertThat(events).contains("open-rebuilt");
      assertThat(checkServed(s, written)).isEqualTo(100);
    }
  }

  @Test
  void indexDamageWhileRunningFailsTheReadAndRebuilds() throws Exception {
    Map<String, Record> written = new LinkedHashMap<>();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (boolean mmap : new boolean[] {true, false}) {
      TestFiles.deleteTree(dir.resolve("index"));
      TestFiles.deleteTree(dir.resolve("log"));
      events.clear();
      try (LocalStore s = MapDbStore.open(options(dir, Map.of(MapDbSettings.MMAP.key(), "" + mmap)),
          new Hooks(Appender::open, events::add))) {
        for (int i = 0; i < 100; i++) {
          Record r = rec("ns", "k" + i, "\"value-" + i + "-UNIQUE\"", 1, Long.MAX_VALUE);
          s.put(r).join();
          written.put(r.key(), r);
        }
        Path index = dir.resolve("index").resolve(View.FILE);
        long at = TestFiles.find(index, "value-42-UNIQUE".getBytes(StandardCharsets.UTF_8));
        assertThat(at).as("record bytes in the index file (mmap=%s)", mmap).isPositive();
        TestFiles.flip(index, at + 2);
        assertThatThrownBy(() -> s.get("ns", "k42").join()).hasMessageContaining("corrupt")
            .hasMessageContaining("ns/k42");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("rebuilt"));
        assertThat(checkServed(s, written)).isEqualTo(100);
      }
    }
  }

  @Test
  void randomFlipsInTheLogAreNeverServed() throws Exception {
    Random random = new Random(2026);
    for (int round = 0; round < 12; round++) {
      TestFiles.deleteTree(dir.resolve("log"));
      TestFiles.deleteTree(dir.resolve("index"));
      Map<String, Record> written = fill(60, Map.of());
      Path seg = firstSegment();
      TestFiles.flip(seg, random.nextInt((int) Files.size(seg)));
      try (LocalStore s = open(dir, Map.of())) {
        checkServed(s, written); // only possible when the flip hit what reads as a torn tail
      } catch (WeftException e) {
        assertThat(e).hasMessageContaining("damaged");
      }
      try (LocalStore s = open(dir, TRUNCATE)) {
        checkServed(s, written);
      }
    }
  }

  @Test
  void aFullDiskFailsTheBatchAndLosesNothingAcknowledged() throws Exception {
    AtomicBoolean full = new AtomicBoolean();
    Appender.Factory failing = file -> {
      Appender real = Appender.open(file);
      return new Appender() {
        @Override
        public void append(ByteBuffer... buffers) throws IOException {
          if (full.get()) {
            real.append(ByteBuffer.wrap(new byte[7])); // a partial write before the error, as a full disk does
            throw new IOException("No space left on device");
          }
          real.append(buffers);
        }

        @Override
        public void force() throws IOException {
          real.force();
        }

        @Override
        public void truncate(long size) throws IOException {
          real.truncate(size);
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
    };
    Map<String, Record> written = new LinkedHashMap<>();
    try (LocalStore s = MapDbStore.open(options(dir, Map.of()), new Hooks(failing, e -> {}))) {
      for (int i = 0; i < 10; i++) {
        Record r = rec("ns", "k" + i, "1", 1, Long.MAX_VALUE);
        s.put(r).join();
        written.put(r.key(), r);
      }
      full.set(true);
      assertThatThrownBy(() -> s.put(rec("ns", "lost", "1", 1, Long.MAX_VALUE)).join())
          .hasRootCauseMessage("No space left on device")
          .hasMessageContaining("not acknowledged");
      assertThat(get(s, "lost")).isEmpty();
      full.set(false);
      Record after = rec("ns", "after", "1", 1, Long.MAX_VALUE);
      s.put(after).join();
      written.put(after.key(), after);
    }
    try (LocalStore s = open(dir, Map.of())) {
      assertThat(checkServed(s, written)).isEqualTo(11);
      assertThat(get(s, "lost")).isEmpty();
    }
  }
}
