package dev.weft.schema;

/** Configuration keys of the schema plugin. Every node of a network should use the same limits. */
public final class SchemaSettings {
  private SchemaSettings() {}

  /** Largest value of a global, as UTF-8 JSON. Default 16KiB; at most 48KiB. */
  public static final String MAX_VALUE_BYTES = "weft.schema.max-value-bytes";
  /** Most names (tombstones included) a node keeps. Default 10000. */
  public static final String MAX_GLOBALS = "weft.schema.max-globals";
  /**
   * Most bytes of names and values (as UTF-8 JSON) a node keeps; every node holds every global in memory. Default
   * 16MiB; at most 1GiB. A write that does not grow what is held always passes.
   */
  public static final String MAX_TOTAL_BYTES = "weft.schema.max-total-bytes";
  /**
   * Writes ({@code setGlobal}, {@code removeGlobal}) per second one node may make, and accepts by broadcast from one
   * writer; bursts of twice as many pass. Default 20. Broadcasts over the limit are dropped and arrive by sync later.
   */
  public static final String MAX_WRITES_PER_SECOND = "weft.schema.max-writes-per-second";
  /** How often a node compares digests with a random neighbour. Default 60s. */
  public static final String SYNC_INTERVAL = "weft.schema.sync-interval";
  /** How long a removal is remembered, so that it wins over stale copies. Default 30d. */
  public static final String TOMBSTONE_TTL = "weft.schema.tombstone-ttl";
}
