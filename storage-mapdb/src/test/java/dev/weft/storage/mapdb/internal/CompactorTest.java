package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.storage.mapdb.MapDbSettings;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import dev.weft.storage.mapdb.internal.LiveIndex.Effect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compactor on an index and log built by hand, without a writer thread: the test plays the writer. */
class CompactorTest {
  @TempDir
  Path dir;

  private StoreParts parts;
  private StoreDirectory directory;
  private LiveIndex index;
  private LogSegments log;
  private ExecutorService thread;
  private final LinkedBlockingQueue<Runnable> toWriter = new LinkedBlockingQueue<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Map<String, Record> live = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    parts = new StoreParts(dir);
    directory = parts.directory;
    index = parts.index;
    log = parts.log;
    thread = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws Exception {
    thread.shutdownNow();
    thread.awaitTermination(1, TimeUnit.MINUTES);
    parts.close();
  }

  private Compactor compactor(Map<String, String> settings) {
    return new Compactor(directory, index, log, MapDbStoreTest.options(dir, settings), events::add, thread,
        toWriter::add, () -> {});
  }

  /** What the writer would do: log the records (one frame each, a new segment every 4), then apply them. */
  private void write(int n, int keys) throws Exception {
    for (int i = 0; i < n; i++) {
      String key = "k" + (i % keys);
      Record r = rec("ns", key, "\"" + "v".repeat(200) + i + "\"", i + 1, Long.MAX_VALUE);
      byte[] k = Codec.key("ns", key);
      Buf frame = new Buf(512);
      LogFormat.putOp(frame, k, r);
      log.active().append(frame);
      index.apply(List.of(new Effect(k, r, live.get(key), null, null)));
      live.put(key, r);
      if (i % 4 == 3) {
        assertThat(log.rotate()).isTrue();
      }
    }
    index.apply(List.of(new Effect(null, null, null, "node.id", "abc")));
  }

  /** The records and meta entries a snapshot holds. */
  private static Map<String, Object> read(Path snapshot, long number) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    LogFormat.ScanResult r = LogFormat.scan(snapshot, true, number, false, 0, -1, new LogFormat.OpSink() {
      @Override
      public void put(byte[] key, Record record) {
        assertThat(out.put(Codec.keyOf(key), record)).as("each key once").isNull();
      }

      @Override
      public void remove(byte[] key, Version version) {
        throw new AssertionError("a snapshot holds no removes");
      }

      @Override
      public void metaSet(String name, String value) {
        out.put("meta:" + name, value);
      }

      @Override
      public void metaRemove(String name) {
        throw new AssertionError("a snapshot holds no meta removes");
      }
    });
    assertThat(r.damage()).isNull();
    return out;
  }

  @Test
  void aSnapshotHoldsExactlyTheLiveRecordsAndMetaAndSupersedesOlderSegments() throws Exception {
    write(40, 7);
    compactor(Map.of()).compactNow();

    long number = log.active().number;
    assertThat(events).containsExactly("compaction-start", "snapshot-written", "snapshot-published",
        "compaction-done");
    Map<String, Object> expected = new TreeMap<>(live);
    expected.put("meta:node.id", "abc");
    assertThat(read(directory.snapshot(number), number)).isEqualTo(expected);
    assertThat(log.snapshotNumber()).isEqualTo(number);
    assertThat(log.closedSegments()).isEmpty();
    assertThat(TestFiles.files(directory.logDir, ".log")).containsExactly(directory.segment(number));
    assertThat(log.bytes()).isEqualTo(Files.size(directory.snapshot(number)) + LogFormat.HEADER);
  }

  @Test
  void afterABatchItCompactsOnlyALogLargerThanTheThresholds() throws Exception {
    Compactor c = compactor(Map.of(MapDbSettings.COMPACT_MIN_SIZE.key(), "8KiB"));
    write(10, 5);
    c.afterBatch();
    assertThat(events).as("the log is still small").isEmpty();
    write(40, 5);
    c.afterBatch();
    c.afterBatch(); // while one runs, no second one starts
    Runnable done = toWriter.poll(30, TimeUnit.SECONDS);
    assertThat(done).isNotNull();
    done.run();
    assertThat(events).containsExactly("compaction-start", "snapshot-written", "snapshot-published",
        "compaction-done");
    long number = log.snapshotNumber();
    assertThat(number).isPositive();
    assertThat(read(directory.snapshot(number), number)).hasSize(6);
    List<Path> left = new ArrayList<>(TestFiles.files(directory.logDir, ".log"));
    assertThat(left).containsExactly(directory.segment(number));
  }
}
