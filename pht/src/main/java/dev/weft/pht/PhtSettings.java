package dev.weft.pht;

/** Configuration keys of the pht plugin. */
public final class PhtSettings {
  private PhtSettings() {}

  /** B of new indexes when {@code create} does not say: entries a leaf holds before it splits. Default 16. */
  public static final String LEAF_CAPACITY = "weft.pht.leaf-capacity";
  /** Longest string key of new string indexes when {@code create} does not say, in UTF-8 bytes. Default 32; at most 100. */
  public static final String MAX_STRING_BYTES = "weft.pht.max-string-bytes";
  /** Largest value of one entry, as UTF-8 JSON. Default 1KiB; at most 8KiB. */
  public static final String MAX_VALUE_BYTES = "weft.pht.max-value-bytes";
  /**
   * How many times an operation that met a trie node in the middle of a change (or whose keeper did not answer in
   * time) starts again, with pauses growing from 5 ms to 0.5 s. Default 40 (about 15 s in all).
   */
  public static final String ATTEMPTS = "weft.pht.attempts";
}
