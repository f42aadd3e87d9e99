package dev.weft.schema;

import dev.weft.api.Setting;
import java.time.Duration;

/** Configuration keys of the schema plugin. Every node of a network should use the same limits. */
public final class SchemaSettings {
  private SchemaSettings() {}

  /** Largest value of a global, as UTF-8 JSON. */
  public static final Setting<Long> MAX_VALUE_BYTES = Setting.size("weft.schema.max-value-bytes", "16KiB", 16,
      48 * 1024,
      "largest value of a global");
  /** Most names (tombstones included) a node keeps. */
  public static final Setting<Integer> MAX_GLOBALS = Setting.integer("weft.schema.max-globals", 10_000, 1, 20_000,
      "most names a node keeps, removals included");
  /**
   * Most bytes of names and values (as UTF-8 JSON) a node keeps; every node holds every global in memory. A write that
   * does not grow what is held always passes.
   */
  public static final Setting<Long> MAX_TOTAL_BYTES = Setting.size("weft.schema.max-total-bytes", "16MiB", 1024,
      1L << 30,
      "most bytes of names and values a node keeps");
  /**
   * Writes ({@code setGlobal}, {@code removeGlobal}) per second one node may make, and accepts by broadcast from one
   * writer; bursts of twice as many pass. Broadcasts over the limit are dropped and arrive by sync later.
   */
  public static final Setting<Integer> MAX_WRITES_PER_SECOND = Setting.integer("weft.schema.max-writes-per-second",
      20, 1, 100_000,
      "writes of globals per second one node may make");
  /** How often a node compares digests with a random neighbour. */
  public static final Setting<Duration> SYNC_INTERVAL = Setting.duration("weft.schema.sync-interval", "60s",
      "how often a node compares digests with a neighbour");
  /** How long a removal is remembered, so that it wins over stale copies. */
  public static final Setting<Duration> TOMBSTONE_TTL = Setting.duration("weft.schema.tombstone-ttl", "30d",
      "how long a removal is remembered");
}
