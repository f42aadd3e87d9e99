package dev.weft.storage.mapdb.internal;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.storage.mapdb.MapDbSettings;
import java.nio.file.Path;
import java.util.Locale;

/** The settings of one store, read and checked once at open. */
record StoreOptions(Path dir, boolean truncateOnCorruption, long segmentSize, long compactMinSize, int compactFactor,
    int sweepChunk, boolean mmap, int maxRecordSize, long rebuildMemory) {

  static StoreOptions from(WeftConfig c) {
    String dir = c.string(WeftConfig.DATA_DIR).orElseThrow(() -> new ConfigException(
        "the mapdb store needs a data directory: set " + WeftConfig.DATA_DIR + " (e.g. " + WeftConfig.DATA_DIR
            + "=/var/lib/weft)"));
    String mode = c.string(MapDbSettings.ON_CORRUPTION, "fail").toLowerCase(Locale.ROOT);
    if (!mode.equals("fail") && !mode.equals("truncate")) {
      throw new ConfigException("invalid value for " + MapDbSettings.ON_CORRUPTION + ": '"
          + c.string(MapDbSettings.ON_CORRUPTION, "") + "' (expected fail or truncate)");
    }
    Path path;
    try {
      path = Path.of(dir).toAbsolutePath();
    } catch (RuntimeException e) {
      throw new ConfigException("invalid value for " + WeftConfig.DATA_DIR + ": '" + dir + "' (" + e.getMessage() + ")",
          e);
    }
    return new StoreOptions(path, mode.equals("truncate"),
        c.bytes(MapDbSettings.SEGMENT_SIZE, 64L << 20, 4096, 1L << 40),
        c.bytes(MapDbSettings.COMPACT_MIN_SIZE, 64L << 20, 4096, Long.MAX_VALUE / 4),
        c.integer(MapDbSettings.COMPACT_FACTOR, 2, 1, 1000),
        c.integer(MapDbSettings.SWEEP_CHUNK, 1000, 1, 1_000_000),
        c.bool(MapDbSettings.MMAP, true),
        (int) c.bytes(MapDbSettings.MAX_RECORD_SIZE, 16L << 20, 1024, 256L << 20),
        c.bytes(MapDbSettings.REBUILD_MEMORY, 1L << 30, 0, Long.MAX_VALUE / 4));
  }
}
