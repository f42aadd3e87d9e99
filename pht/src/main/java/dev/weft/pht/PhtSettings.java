package dev.weft.pht;

import dev.weft.api.Setting;

/** Configuration keys of the pht plugin. */
public final class PhtSettings {
  private PhtSettings() {}

  /** B of new indexes when {@code create} does not say: entries a leaf holds before it splits. */
  public static final Setting<Integer> LEAF_CAPACITY = Setting.integer("weft.pht.leaf-capacity", 16, 2, 1000,
      "entries a leaf holds before it splits (new indexes)");
  /** Longest string key of new string indexes when {@code create} does not say, in UTF-8 bytes. */
  public static final Setting<Integer> MAX_STRING_BYTES = Setting.integer("weft.pht.max-string-bytes", 32, 1, 100,
      "longest string key of new string indexes");
  /** Largest value of one entry, as UTF-8 JSON. */
  public static final Setting<Long> MAX_VALUE_BYTES = Setting.size("weft.pht.max-value-bytes", "1KiB", 2, 8 * 1024,
      "largest value of one entry");
  /**
   * How many times an operation that met a trie node in the middle of a change (or whose keeper did not answer in
   * time) starts again, with pauses growing from 5 ms to 0.5 s.
   */
  public static final Setting<Integer> ATTEMPTS = Setting.integer("weft.pht.attempts", 40, 1, 1000,
      "times an operation that met a trie node mid-change starts again");
  /**
   * Inserts and removes one node runs at a time; more wait their turn. Keepers that get more than they can answer in
   * time make operations retry, which only adds load.
   */
  public static final Setting<Integer> WRITES_IN_FLIGHT = Setting.integer("weft.pht.writes-in-flight", 8, 1, 10_000,
      "inserts and removes one node runs at a time");
}
