package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.options;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.storage.mapdb.MapDbSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the on-disk format: a fixed sequence of writes (one batch each, so the batching is fixed too) must leave
 * exactly the layout and the log bytes checked in under {@code format-v1/}, and that checked-in log must open to the
 * records the sequence wrote. The index file is MapDB's and not pinned byte for byte; the checkpoint's fields are.
 *
 * <p>The fixture was written by this test with {@code -Dweft.mapdb.fixture.write=<folder>}; rewrite it only for a
 * deliberate format change (then old stores must still open: bump the magic and keep a reader).
 */
class FormatPinTest {
  private static final String FIXTURE = "format-v1/log/";
  /** The files the sequence leaves in {@code log/}: a snapshot, the segment it starts, and the last open's segment. */
  private static final List<String> LOG_FILES = List.of("00000000000000000008.log", "00000000000000000008.snap",
      "00000000000000000009.log");
  /** The checkpoint the last clean close leaves: segment, offset, records, live bytes. */
  private static final long[] CHECKPOINT = {9, 2175, 21, 3574};

  @TempDir
  Path dir;

  @Test
  void theCurrentCodeWritesTheCheckedInLogByteForByte() throws Exception {
    writeSequence(dir);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly("index", "lock", "log");
    }
    try (var s = Files.list(dir.resolve("index"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly(Checkpoint.FILE, View.FILE);
    }
    List<String> names;
    try (var s = Files.list(dir.resolve("log"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    String out = System.getProperty("weft.mapdb.fixture.write", "");
    if (!out.isBlank()) {
      Path target = Path.of(out).resolve(FIXTURE);
      Files.createDirectories(target);
      for (String n : names) {
        Files.copy(dir.resolve("log").resolve(n), target.resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    assertThat(names).containsExactlyElementsOf(LOG_FILES);
    for (String n : LOG_FILES) {
      assertThat(Files.readAllBytes(dir.resolve("log").resolve(n))).as(n).isEqualTo(fixture(n));
    }
    Path index = dir.resolve("index").resolve(View.FILE);
    byte[] ckp = Files.readAllBytes(dir.resolve("index").resolve(Checkpoint.FILE));
    assertThat(ckp).hasSize(56);
    assertThat(new String(ckp, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("WEFTCKP1");
    ByteBuffer b = ByteBuffer.wrap(ckp);
    assertThat(new long[] {b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32)}).isEqualTo(CHECKPOINT);
    assertThat(b.getLong(40)).isEqualTo(Files.size(index));
    assertThat(b.getInt(48)).isEqualTo(Files2.crc(index));
  }

  @Test
  void theCheckedInLogOpensToWhatTheSequenceWrote() throws Exception {
    Path written = dir.resolve("written");
    writeSequence(written);
    List<Record> expected;
    SortedMap<String, String> expectedMeta;
    try (LocalStore s = MapDbStore.open(options(written, Map.of()), Hooks.NONE)) {
      expected = RebuildPathTest.scanAll(s);
      expectedMeta = s.loadMetaWithPrefix("");
    }
    assertThat(expected).hasSize(21).anyMatch(Record::tombstone).anyMatch(Record::signed);
    assertThat(expectedMeta).containsOnlyKeys("node.id", "pub/\u00e9");

    Path fromFixture = dir.resolve("fixture");
    Files.createDirectories(fromFixture.resolve("log"));
    for (String n : LOG_FILES) {
      Files.write(fromFixture.resolve("log").resolve(n), fixture(n));
    }
    List<String> events = new ArrayList<>();
    try (LocalStore s = MapDbStore.open(options(fromFixture, Map.of()), new Hooks(Appender::open, events::add))) {
      assertThat(events).contains("open-rebuilt");
      assertThat(RebuildPathTest.scanAll(s)).containsExactlyElementsOf(expected);
      assertThat(s.size()).isEqualTo(expected.size());
      assertThat(s.loadMetaWithPrefix("")).isEqualTo(expectedMeta);
    }
  }

  /**
   * Three opens: many small segments; a compaction with nothing written while it runs (so the snapshot is exact);
   * then puts, removes, tombstones, signed records and meta entries after the snapshot.
   */
  static void writeSequence(Path dir) {
    try (LocalStore s = MapDbStore.open(options(dir, Map.of(MapDbSettings.SEGMENT_SIZE.key(), "4KiB")), Hooks.NONE)) {
      for (int i = 0; i < 160; i++) {
        s.put(MapDbStoreTest.rec("ns", "k" + (i % 12), "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(i % 90) + "\"}",
            i + 1, Long.MAX_VALUE)).join();
      }
      s.saveMeta("node.id", "abc").join();
    }
    List<String> events = new CopyOnWriteArrayList<>();
    try (LocalStore s = MapDbStore.open(options(dir, Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "16KiB")),
        new Hooks(Appender::open, events::add))) {
      s.put(MapDbStoreTest.rec("ns", "k0", "\"last before the snapshot\"", 1000, Long.MAX_VALUE)).join();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("compaction-done"));
    }
    try (LocalStore s = open(dir)) {
      List<Record> varied = MapDbStoreTest.varied(10);
      for (Record r : varied) {
        s.put(r).join();
      }
      s.put(Record.tombstone("ns", "k3", new Version(2000, 9), 5_000_000L, MapDbStoreTest.PUBLISHER)).join();
      s.remove("ns", "k4", new Version(149, 9)).join(); // the version held: removed
      s.remove("ns", "k5", new Version(1, 9)).join(); // not the version held: nothing logged
      s.put(MapDbStoreTest.rec("ns", "k6", "\"stale\"", 1, Long.MAX_VALUE)).join(); // stale: nothing logged
      s.saveMeta("pub/\u00e9", "1").join();
      s.saveMeta("gone", "x").join();
      s.removeMeta("gone").join();
    }
  }

  private static LocalStore open(Path dir) {
    return MapDbStore.open(options(dir, Map.of()), Hooks.NONE);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = FormatPinTest.class.getResourceAsStream(FIXTURE + name)) {
      assertThat(in).as("fixture " + FIXTURE + name).isNotNull();
      return in.readAllBytes();
    }
  }
}
