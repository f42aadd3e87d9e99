package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Record;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import dev.weft.storage.mapdb.internal.LiveIndex.Effect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rebuild on a log and index built by hand; the test plays the writer thread (steps run at once). */
class IndexRebuildTest {
  @TempDir
  Path dir;

  private StoreParts parts;
  private final List<String> events = new ArrayList<>();
  private int compactionsStopped;
  private IndexRebuild rebuild;

  @BeforeEach
  void setUp() throws Exception {
    parts = new StoreParts(dir);
    rebuild = new IndexRebuild(parts.directory, parts.index, parts.log, MapDbStoreTest.options(dir, Map.of()),
        events::add, () -> compactionsStopped++, Runnable::run);
  }

  @AfterEach
  void tearDown() throws Exception {
    parts.close();
  }

  /** Logs a put (as the writer does) and applies it. */
  private void put(Record r) throws Exception {
    byte[] k = Codec.key(r.namespace(), r.key());
    Buf frame = new Buf(256);
    LogFormat.putOp(frame, k, r);
    parts.log.active().append(frame);
    parts.index.apply(List.of(new Effect(k, r, parts.index.get(k), null, null)));
  }

  @Test
  void theRebuiltIndexHoldsWhatTheLogHoldsAcrossSegments() throws Exception {
    Record a = rec("ns", "a", "1", 1, Long.MAX_VALUE);
    Record b = rec("ns", "b", "2", 1, Long.MAX_VALUE);
    put(a);
    parts.log.rotate();
    put(b);
    Buf meta = new Buf(64);
    LogFormat.metaSetOp(meta, "node.id", "abc");
    parts.log.active().append(meta);
    // An entry the log never held, as a damaged index might show; and a meta entry only in memory.
    byte[] ghost = Codec.key("ns", "ghost");
    parts.index.apply(List.of(new Effect(ghost, rec("ns", "ghost", "0", 1, Long.MAX_VALUE), null, null, null),
        new Effect(null, null, null, "stale", "x")));
    long live = parts.index.liveBytes();

    rebuild.request();

    assertThat(events).containsExactly("rebuilt");
    assertThat(compactionsStopped).isEqualTo(1);
    assertThat(rebuild.pending()).isFalse();
    assertThat(parts.index.failure()).isNull();
    assertThat(parts.index.get(Codec.key("ns", "a"))).isEqualTo(a);
    assertThat(parts.index.get(Codec.key("ns", "b"))).isEqualTo(b);
    assertThat(parts.index.get(ghost)).isNull();
    assertThat(parts.index.count()).isEqualTo(2);
    assertThat(parts.index.liveBytes()).isLessThan(live);
    assertThat(parts.index.metaWithPrefix("")).containsOnlyKeys("node.id");
  }

  @Test
  void aDamagedLogLeavesTheIndexFailedNotHalfRebuilt() throws Exception {
    put(rec("ns", "a", "1", 1, Long.MAX_VALUE));
    Path first = parts.log.active().file;
    parts.log.rotate();
    put(rec("ns", "b", "1", 1, Long.MAX_VALUE));
    TestFiles.flip(first, LogFormat.HEADER + LogFormat.FRAME_HEADER + 2);

    rebuild.request();

    assertThat(events).isEmpty();
    assertThat(parts.index.failure()).hasMessageContaining("rebuilding the index failed")
        .hasMessageContaining("damaged");
    assertThat(parts.index.read(view -> view.get(Codec.key("ns", "b")))).isCompletedExceptionally();
  }
}
