package dev.weft.storage.mapdb.internal;

import static dev.weft.storage.mapdb.internal.MapDbStoreTest.options;
import static dev.weft.storage.mapdb.internal.MapDbStoreTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Record;
import dev.weft.api.WeftException;
import dev.weft.storage.mapdb.MapDbSettings;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Recovery} on hand-written logs, without a running store. */
class RecoveryTest {
  @TempDir
  Path dir;

  private StoreDirectory directory;
  private Recovery.Recovered recovered;

  @AfterEach
  void close() throws Exception {
    if (recovered != null) {
      recovered.view().close();
      recovered.active().close();
    }
    if (directory != null) {
      directory.close();
    }
  }

  /** Segment {@code number} holding one frame per record, as the writer leaves it (one frame per batch). */
  private Path segment(long number, Record... records) throws Exception {
    try (LogWriter w = LogWriter.create(directory.logDir, number, Appender::open)) {
      for (Record r : records) {
        Buf frame = new Buf(256);
        LogFormat.putOp(frame, Codec.key(r.namespace(), r.key()), r);
        w.append(frame);
      }
      return w.file;
    }
  }

  private Recovery.Recovered recover(Map<String, String> settings) throws Exception {
    recovered = Recovery.run(options(dir, settings), Hooks.NONE, directory);
    return recovered;
  }

  @Test
  void aTornTailIsCutBackToTheLastWholeFrameAndTheRestIsReplayed() throws Exception {
    directory = StoreDirectory.open(dir);
    Path seg = segment(1, rec("ns", "a", "1", 1, Long.MAX_VALUE), rec("ns", "b", "2", 1, Long.MAX_VALUE),
        rec("ns", "c", "3", 1, Long.MAX_VALUE));
    long whole = Files.size(seg);
    TestFiles.truncate(seg, whole - 5); // the third batch was being written when the process died

    Recovery.Recovered r = recover(Map.of());

    assertThat(r.damaged()).isFalse();
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.view().get(Codec.key("ns", "a"))).isEqualTo(rec("ns", "a", "1", 1, Long.MAX_VALUE));
    assertThat(r.view().get(Codec.key("ns", "c"))).isNull();
    assertThat(Files.size(seg)).as("cut back to the end of the second frame").isLessThan(whole - 5)
        .isEqualTo(r.segments().get(1L));
    assertThat(r.active().number).as("a new segment follows").isEqualTo(2);
  }

  @Test
  void aSegmentTornInsideItsHeaderIsDroppedAndItsNumberReused() throws Exception {
    directory = StoreDirectory.open(dir);
    segment(1, rec("ns", "a", "1", 1, Long.MAX_VALUE));
    Path torn = segment(2);
    TestFiles.truncate(torn, 7);

    Recovery.Recovered r = recover(Map.of());

    assertThat(r.count()).isEqualTo(1);
    assertThat(r.segments()).containsOnlyKeys(1L);
    assertThat(r.active().number).isEqualTo(2);
    assertThat(Files.size(torn)).as("recreated with a header").isEqualTo(LogFormat.HEADER);
  }

  @Test
  void damageBeforeTheNewestSegmentFailsOrIsTruncatedWithACopyKept() throws Exception {
    directory = StoreDirectory.open(dir);
    Path first = segment(1, rec("ns", "a", "1", 1, Long.MAX_VALUE), rec("ns", "b", "2", 1, Long.MAX_VALUE));
    segment(2, rec("ns", "c", "3", 1, Long.MAX_VALUE));
    TestFiles.truncate(first, Files.size(first) - 3);

    assertThatThrownBy(() -> recover(Map.of())).isInstanceOf(WeftException.class)
        .hasMessageContaining(first.toString()).hasMessageContaining(MapDbSettings.ON_CORRUPTION.key());
    recovered = null;

    Recovery.Recovered r = recover(Map.of(MapDbSettings.ON_CORRUPTION.key(), "truncate"));
    assertThat(r.damaged()).isTrue();
    assertThat(r.count()).as("a from the damaged segment, c from the next").isEqualTo(2);
    assertThat(r.view().get(Codec.key("ns", "c"))).isNotNull();
    assertThat(first.resolveSibling(first.getFileName() + ".damaged")).exists();
  }

  @Test
  void aMissingSegmentIsDamage() throws Exception {
    directory = StoreDirectory.open(dir);
    segment(1, rec("ns", "a", "1", 1, Long.MAX_VALUE));
    segment(3, rec("ns", "b", "1", 1, Long.MAX_VALUE));
    assertThatThrownBy(() -> recover(Map.of())).isInstanceOf(WeftException.class).hasMessageContaining("missing");
  }
}
