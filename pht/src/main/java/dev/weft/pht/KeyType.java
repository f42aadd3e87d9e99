package dev.weft.pht;

/** What an index is keyed by. */
public enum KeyType {
  /** Signed 64-bit integers, in numeric order. 64-bit keys. */
  LONG,
  /** Strings of at most the index's byte bound (UTF-8, no NUL), in code-point order. 8 bits per byte of the bound. */
  STRING,
  /** Points (x, y) of two signed 32-bit integers, in z-order; rectangle queries. 64-bit keys. */
  POINT
}
