package dev.weft.storage.mapdb;

/**
 * The configuration keys of the {@code mapdb} store ({@code weft.storage=mapdb}), with their defaults. Set them in
 * {@code conf/weft.properties}, as {@code -D} system properties of the launcher, or with {@code NodeBuilder.set}. The
 * store also needs {@link dev.weft.api.WeftConfig#DATA_DIR}: it keeps everything under that directory and refuses to
 * open without it.
 *
 * <p>Read once, when the store opens; see {@code docs/storage-mapdb.md} for what each setting trades.
 */
public final class MapDbSettings {
  private MapDbSettings() {}

  /**
   * What opening does when the operation log is damaged somewhere other than its torn tail: {@code fail} (default)
   * refuses to open and names the file and offset; {@code truncate} opens with everything before the damage, logs a
   * loud warning, keeps a copy of each damaged file as {@code <name>.damaged} and writes a fresh snapshot.
   */
  public static final String ON_CORRUPTION = "weft.mapdb.on-corruption";

  /** The log moves to a new segment file once the current one reaches this size. Default 64MiB. */
  public static final String SEGMENT_SIZE = "weft.mapdb.segment-size";

  /**
   * The log is compacted (a snapshot of the live records written, older files deleted) once it is larger than both
   * this and {@link #COMPACT_FACTOR} times the live data. Default 64MiB.
   */
  public static final String COMPACT_MIN_SIZE = "weft.mapdb.compact-min-size";

  /** See {@link #COMPACT_FACTOR}: the log may grow to this many times the live data before it is compacted. Default 2. */
  public static final String COMPACT_FACTOR = "weft.mapdb.compact-factor";

  /** Expired records removed per writer step during a sweep, so puts are never held up for long. Default 1000. */
  public static final String SWEEP_CHUNK = "weft.mapdb.sweep-chunk";

  /** Map the index file into memory ({@code true}, default, where the platform supports it) or use file channels. */
  public static final String MMAP = "weft.mapdb.mmap";

  /** Largest record (key, value and fields, encoded) the store accepts. Default 16MiB. */
  public static final String MAX_RECORD_SIZE = "weft.mapdb.max-record-size";

  /**
   * Heap a rebuild of the index (after a crash or a damaged index) may use to merge the log in memory before loading
   * MapDB in key order, several times faster than one insert per op. Past it (or past a quarter of the JVM's maximum
   * heap, whichever is smaller) the rest of the log is replayed op by op. {@code 0} always replays op by op. Default
   * 1GiB; a record costs about its encoded size plus 180 bytes.
   */
  public static final String REBUILD_MEMORY = "weft.mapdb.rebuild-memory";
}
