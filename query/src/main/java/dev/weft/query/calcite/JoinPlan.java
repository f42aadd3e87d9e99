package dev.weft.query.calcite;

import dev.weft.query.catalog.IndexDefinition;
import java.util.List;
import java.util.Optional;

/**
 * A join whose inner side is a weft table, run by fetching what matches the outer side's keys ({@link JoinRunner})
 * rather than by reading the inner table whole: the outer rows first, then only the inner rows their keys name.
 * Immutable; travels in generated code as {@link PlanCodec}'s JSON.
 *
 * @param inner the scan of the inner table as planned (its own filter and columns; no keys, aggregate or top-k)
 * @param left whether outer rows without a match are kept, the inner columns NULL (a LEFT join); else INNER
 * @param outerKeys the key columns of the outer rows
 * @param innerKeys the matching columns of the inner scan's rows (indexes into its output), pairwise equal to those
 * @param fetch how the matches are fetched
 * @param index for {@link Fetch#INDEX}: the ready index whose first column is the inner key column it names
 */
record JoinPlan(ScanPlan inner, boolean left, List<Integer> outerKeys, List<Integer> innerKeys, Fetch fetch,
    Optional<IndexDefinition> index) {
  JoinPlan {
    outerKeys = List.copyOf(outerKeys);
    innerKeys = List.copyOf(innerKeys);
    if (outerKeys.isEmpty() || outerKeys.size() != innerKeys.size()) {
      throw new IllegalArgumentException("a join needs as many inner as outer keys, at least one");
    }
    if ((fetch == Fetch.INDEX) != index.isPresent()) {
      throw new IllegalArgumentException("an index fetch, and only it, names an index");
    }
  }

  /** How a join fetches the inner rows that match its outer keys. */
  enum Fetch {
    /** The inner keys are the inner table's primary key: a DHT get per distinct outer key. */
    KEYS,
    /** An index of the inner table starts with an inner key column: a lookup in it per distinct value. */
    INDEX,
    /** A scan of the inner table that carries the outer keys (a semi-join), so that only rows that may match come. */
    FILTER
  }

  /** The table column of inner key {@code i}. */
  int innerColumn(int i) {
    return inner.columns().get(innerKeys.get(i));
  }
}
