package dev.weft.pht;

import java.util.Objects;
import java.util.Optional;

/**
 * A range or rectangle query, one page at a time. Results come in key order (z-order for points), entries of one key in
 * the order of their values' JSON text.
 *
 * @param index the index
 * @param lo the smallest key (for a rectangle, the corner with the smallest x and y)
 * @param hi the largest key, inclusive (for a rectangle, the corner with the largest x and y)
 * @param rectangle whether {@code lo}/{@code hi} are corners of a rectangle (point indexes only) rather than ends of a
 *     range
 * @param limit most entries in one page
 * @param after continue after this entry (from the previous page)
 */
public record Query(String index, Key lo, Key hi, boolean rectangle, int limit, Optional<Entry> after) {
  /** Default page size. */
  public static final int DEFAULT_LIMIT = 1000;
  /** Largest page size. */
  public static final int MAX_LIMIT = 100_000;

  public Query {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(lo, "lo");
    Objects.requireNonNull(hi, "hi");
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** Every entry with {@code lo ≤ key ≤ hi}. */
  public static Query range(String index, Key lo, Key hi) {
    return new Query(index, lo, hi, false, DEFAULT_LIMIT, Optional.empty());
  }

  /** Every point entry with {@code lo.x ≤ x ≤ hi.x} and {@code lo.y ≤ y ≤ hi.y}. */
  public static Query rectangle(String index, Key.PointKey lo, Key.PointKey hi) {
    return new Query(index, lo, hi, true, DEFAULT_LIMIT, Optional.empty());
  }

  public Query limit(int newLimit) {
    return new Query(index, lo, hi, rectangle, newLimit, after);
  }

  public Query after(Entry entry) {
    return new Query(index, lo, hi, rectangle, limit, Optional.of(entry));
  }
}
