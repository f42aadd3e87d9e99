package dev.weft.storage.mapdb.internal;

import dev.weft.api.ConfigException;
import dev.weft.api.CoreSettings;
import dev.weft.api.WeftConfig;
import dev.weft.storage.mapdb.MapDbSettings;
import java.nio.file.Path;

/** The settings of one store, read and checked once at open. */
record StoreOptions(Path dir, boolean truncateOnCorruption, long segmentSize, long compactMinSize, int compactFactor,
    int sweepChunk, boolean mmap, int maxRecordSize, long rebuildMemory) {

  static StoreOptions from(WeftConfig c) {
    String dir = c.find(CoreSettings.DATA_DIR).orElseThrow(() -> new ConfigException(
        "the mapdb store needs a data directory: set " + CoreSettings.DATA_DIR + " (e.g. " + CoreSettings.DATA_DIR
            + "=/var/lib/weft)"));
    String mode = c.get(MapDbSettings.ON_CORRUPTION);
    Path path;
    try {
      path = Path.of(dir).toAbsolutePath();
    } catch (RuntimeException e) {
      throw new ConfigException("invalid value for " + CoreSettings.DATA_DIR + ": '" + dir + "' (" + e.getMessage() + ")",
          e);
    }
    return new StoreOptions(path, mode.equals("truncate"),
        c.get(MapDbSettings.SEGMENT_SIZE),
        c.get(MapDbSettings.COMPACT_MIN_SIZE),
        c.get(MapDbSettings.COMPACT_FACTOR),
        c.get(MapDbSettings.SWEEP_CHUNK),
        c.get(MapDbSettings.MMAP),
        (int) (long) c.get(MapDbSettings.MAX_RECORD_SIZE),
        c.get(MapDbSettings.REBUILD_MEMORY));
  }
}
