package dev.weft.storage.mapdb;

import dev.weft.api.Setting;
import java.util.List;

/**
 * The settings of the {@code mapdb} store ({@code weft.storage=mapdb}), each declared once with its default and range.
 * Set them in {@code conf/weft.properties}, as environment variables of {@code weft node}, or with {@code
 * NodeBuilder.set}. The
 * store also needs {@link dev.weft.api.CoreSettings#DATA_DIR}: it keeps everything under that directory and refuses to
 * open without it.
 *
 * <p>Read once, when the store opens; see {@code docs/storage-mapdb.md} for what each setting trades.
 */
public final class MapDbSettings {
  private MapDbSettings() {}

  /**
   * What opening does when the operation log is damaged somewhere other than its torn tail: {@code fail}
   * refuses to open and names the file and offset; {@code truncate} opens with everything before the damage, logs a
   * loud warning, keeps a copy of each damaged file as {@code <name>.damaged} and writes a fresh snapshot.
   */
  public static final Setting<String> ON_CORRUPTION = Setting.choice("weft.mapdb.on-corruption", "fail",
      List.of("fail", "truncate"),
      "fail or truncate when the log is damaged other than at its tail");

  /** The log moves to a new segment file once the current one reaches this size. */
  public static final Setting<Long> SEGMENT_SIZE = Setting.size("weft.mapdb.segment-size", "64MiB", 4096, 1L << 40,
      "size at which the log moves to a new segment file");

  /**
   * The log is compacted (a snapshot of the live records written, older files deleted) once it is larger than both
   * this and {@link #COMPACT_FACTOR} times the live data.
   */
  public static final Setting<Long> COMPACT_MIN_SIZE = Setting.size("weft.mapdb.compact-min-size", "64MiB", 4096,
      Long.MAX_VALUE / 4,
      "the log is compacted once larger than this");

  /** See {@link #COMPACT_FACTOR}: the log may grow to this many times the live data before it is compacted. */
  public static final Setting<Integer> COMPACT_FACTOR = Setting.integer("weft.mapdb.compact-factor", 2, 1, 1000,
      "... and than this many times the live data");

  /** Expired records removed per writer step during a sweep, so puts are never held up for long. */
  public static final Setting<Integer> SWEEP_CHUNK = Setting.integer("weft.mapdb.sweep-chunk", 1000, 1, 1_000_000,
      "expired records removed per writer step");

  /** Map the index file into memory ({@code true}, where the platform supports it) or use file channels. */
  public static final Setting<Boolean> MMAP = Setting.bool("weft.mapdb.mmap", true, "map the index file into memory");

  /** Largest record (key, value and fields, encoded) the store accepts. */
  public static final Setting<Long> MAX_RECORD_SIZE = Setting.size("weft.mapdb.max-record-size", "16MiB", 1024,
      256L << 20, "largest encoded record");

  /**
   * Heap a rebuild of the index (after a crash or a damaged index) may use to merge the log in memory before loading
   * MapDB in key order, several times faster than one insert per op. Past it (or past a quarter of the JVM's maximum
   * heap, whichever is smaller) the rest of the log is replayed op by op. {@code 0} always replays op by op. A record
   * costs about its encoded size plus 180 bytes.
   */
  public static final Setting<Long> REBUILD_MEMORY = Setting.size("weft.mapdb.rebuild-memory", "1GiB", 0,
      Long.MAX_VALUE / 4,
      "heap an index rebuild may use to merge the log in memory");
}
