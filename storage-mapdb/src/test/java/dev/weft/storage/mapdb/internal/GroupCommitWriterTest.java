package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.spi.store.StoreResult;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer without a store around it: writes queued before its thread starts are taken as one batch, so the frames
 * it writes show the batching.
 */
class GroupCommitWriterTest {
  @TempDir
  Path dir;

  private StoreParts parts;
  private LiveIndex index;
  private LogSegments log;
  private GroupCommitWriter writer;
  private final List<String> upkeep = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    parts = new StoreParts(dir);
    index = parts.index;
    log = parts.log;
    writer = new GroupCommitWriter(dir, index, log, 1L << 30, new GroupCommitWriter.Upkeep() {
      @Override
      public void afterBatch() {
        upkeep.add("after");
      }

      @Override
      public void stopping() {
        upkeep.add("stopping");
      }
    }, () -> {});
  }

  @AfterEach
  void tearDown() throws Exception {
    writer.beginClose();
    writer.awaitEnd(60_000);
    parts.close();
  }

  /** Payload sizes of the frames in the active segment. */
  private List<Integer> frames() throws Exception {
    List<Integer> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(log.active().file, StandardOpenOption.READ)) {
      long pos = LogFormat.HEADER;
      while (pos < ch.size()) {
        ByteBuffer h = ByteBuffer.allocate(LogFormat.FRAME_HEADER);
        LogFormat.readFully(ch, h, pos);
        out.add(h.getInt(0));
        pos += LogFormat.FRAME_HEADER + h.getInt(0);
      }
    }
    return out;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void writesQueuedTogetherAreDecidedInOrderAndLoggedAsOneFrame() throws Exception {
    byte[] k = Codec.key("ns", "k");
    Record v1 = rec("ns", "k", "1", 1, Long.MAX_VALUE);
    Record v2 = rec("ns", "k", "2", 2, Long.MAX_VALUE);
    CompletableFuture<StoreResult> first = writer.put(k, v1);
    CompletableFuture<StoreResult> second = writer.put(k, v2);
    CompletableFuture<StoreResult> stale = writer.put(k, v1);
    CompletableFuture<Boolean> missed = writer.remove(k, new Version(1, 9), GroupCommitWriter.NOT_SWEEP);
    CompletableFuture<Void> meta = writer.meta("m", "x");
    assertThat(first).isNotDone();

    writer.start();

    assertThat(await(first).outcome()).isEqualTo(StoreResult.Outcome.STORED);
    assertThat(await(second).outcome()).isEqualTo(StoreResult.Outcome.STORED);
    assertThat(await(stale).outcome()).as("decided against the put before it in the batch")
        .isEqualTo(StoreResult.Outcome.STALE);
    assertThat(await(missed)).isFalse();
    await(meta);
    assertThat(frames()).as("one frame, one fsync").hasSize(1);
    assertThat(index.get(k)).isEqualTo(v2);
    assertThat(index.count()).isEqualTo(1);
    assertThat(index.meta("m")).contains("x");
  }

  @Test
  void aBatchHoldsAtMostMaxBatchOps() throws Exception {
    List<CompletableFuture<StoreResult>> puts = new ArrayList<>();
    int n = GroupCommitWriter.MAX_BATCH_OPS + 10;
    for (int i = 0; i < n; i++) {
      puts.add(writer.put(Codec.key("ns", "k" + i), rec("ns", "k" + i, "1", 1, Long.MAX_VALUE)));
    }
    writer.start();
    for (CompletableFuture<StoreResult> f : puts) {
      await(f);
    }
    assertThat(frames()).hasSize(2);
    assertThat(index.count()).isEqualTo(n);
  }

  @Test
  void aTaskRunsBetweenTheWritesBeforeItAndAfterIt() throws Exception {
    byte[] a = Codec.key("ns", "a");
    byte[] b = Codec.key("ns", "b");
    List<Boolean> seen = new ArrayList<>();
    writer.put(a, rec("ns", "a", "1", 1, Long.MAX_VALUE));
    writer.runBetweenBatches(() -> {
      seen.add(index.get(a) != null);
      seen.add(index.get(b) != null);
    }, false);
    CompletableFuture<StoreResult> last = writer.put(b, rec("ns", "b", "1", 1, Long.MAX_VALUE));
    writer.start();
    await(last);
    assertThat(seen).containsExactly(true, false);
    assertThat(frames()).hasSize(2);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upkeep.contains("after"));
  }

  @Test
  void afterCloseWritesAreRefusedAndOnlyClosingTasksRun() throws Exception {
    List<String> ran = new ArrayList<>();
    assertThat(writer.beginClose()).isTrue();
    writer.runBetweenBatches(() -> ran.add("dropped"), false);
    writer.runBetweenBatches(() -> ran.add("kept"), true);
    writer.start();
    assertThat(writer.awaitEnd(30_000)).isTrue();
    assertThat(ran).containsExactly("kept");
    assertThat(upkeep).contains("stopping");
    assertThatThrownBy(() -> writer.put(Codec.key("ns", "a"), rec("ns", "a", "1", 1, Long.MAX_VALUE)))
        .isInstanceOf(IllegalStateException.class);
  }
}
