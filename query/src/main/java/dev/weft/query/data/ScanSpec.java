package dev.weft.query.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.query.catalog.IndexDefinition;
import dev.weft.query.catalog.TableDefinition;
import dev.weft.query.expr.Expr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One scan of one table as the planner folded it: which rows to read ({@link Access}), a filter every row must pass,
 * then either the listed columns or partial aggregates by group. It travels to the nodes as JSON and is applied on each
 * (docs/query.md, "Execution").
 *
 * <p>Values, in rows and in literals, are Calcite's Enumerable representation of the column types: INTEGER {@code
 * Integer}, BIGINT {@code Long}, DOUBLE {@code Double}, REAL {@code Float}, DECIMAL {@code BigDecimal}, VARCHAR {@code
 * String}, BOOLEAN {@code Boolean}, DATE {@code Integer} days since 1970-01-01, TIMESTAMP {@code Long} milliseconds
 * since 1970-01-01T00:00 (no zone); NULL is {@code null}.
 *
 * <p>Output rows: without {@code aggregate}, the values of {@code columns} (indexes into the table's columns) in that
 * order; with it, the values of its group columns then one value per partial aggregate — one row per group <em>per
 * part of the table that computed it</em>, which the caller merges (COUNT and SUM by summing, MIN and MIN, ...).
 *
 * @param table the table as the statement read it (its incarnation names the rows' namespace)
 * @param access which rows to read
 * @param filter a predicate on the table's full row; only rows for which it is TRUE are kept
 * @param columns the table columns to return, without {@code aggregate}; ignored with it
 * @param aggregate partial aggregation of the filtered rows
 * @param topK without {@code aggregate}: only the first rows in this order are wanted (an {@code ORDER BY ... LIMIT}
 *     above the scan, which still sorts and cuts), so each node, and each merge up the tree, sends at most that many
 */
public record ScanSpec(TableDefinition table, Access access, Optional<Expr> filter, List<Integer> columns,
    Optional<Aggregate> aggregate, Optional<TopK> topK) {
  public ScanSpec {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(filter, "filter");
    columns = List.copyOf(columns);
    Objects.requireNonNull(aggregate, "aggregate");
    Objects.requireNonNull(topK, "topK");
    if (topK.isPresent() && aggregate.isPresent()) {
      throw new IllegalArgumentException("a scan keeps its first rows only without aggregation");
    }
    if (topK.isPresent()) {
      for (SortKey k : topK.get().keys()) {
        if (k.column() < 0 || k.column() >= columns.size()) {
          throw new IllegalArgumentException("a scan's order names output column " + k.column() + " of "
              + columns.size());
        }
      }
    }
  }

  /** A scan without a top-k cut. */
  public ScanSpec(TableDefinition table, Access access, Optional<Expr> filter, List<Integer> columns,
      Optional<Aggregate> aggregate) {
    this(table, access, filter, columns, aggregate, Optional.empty());
  }

  /** This scan with another access path (the rest kept). */
  public ScanSpec withAccess(Access a) {
    return new ScanSpec(table, a, filter, columns, aggregate, topK);
  }

  /** The spec as it travels (version 1; docs/protocol.md, "query"). */
  public ObjectNode toJson() {
    return ScanSpecJson.toJson(this);
  }

  /**
   * Reads a spec; checks every field, the filter's columns against the definition that travels with it.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ScanSpec fromJson(JsonNode json) {
    return ScanSpecJson.fromJson(json);
  }

  /** Which rows a scan reads. */
  public sealed interface Access {
    /** Every row of the table: a scan on every node. */
    record Full() implements Access {}

    /** The rows with these primary keys, each a list of the key columns' values in key order: DHT gets. */
    record Keys(List<List<Object>> keys) implements Access {
      public Keys {
        keys = List.copyOf(keys);
      }
    }

    /**
     * The rows whose first indexed column lies between the bounds (a null bound is open): a range of the index, then
     * gets of the rows. Every fetched row is checked against the scan's filter again.
     */
    record IndexRange(IndexDefinition index, Object lower, boolean lowerInclusive, Object upper,
        boolean upperInclusive) implements Access {}
  }

  /**
   * Partial aggregation: group the filtered rows by {@code groupBy} (table column indexes; empty: one group, which
   * exists even for no rows only at the caller's merge) and compute each call.
   */
  public record Aggregate(List<Integer> groupBy, List<Call> calls) {
    public Aggregate {
      groupBy = List.copyOf(groupBy);
      calls = List.copyOf(calls);
    }

    /** The aggregation as it travels inside a spec. */
    public ObjectNode toJson() {
      return ScanSpecJson.aggregateToJson(this);
    }

    /** Reads {@link #toJson()}'s form for a table of {@code width} columns; {@link IllegalArgumentException} if bad. */
    public static Aggregate fromJson(JsonNode json, int width) {
      return ScanSpecJson.aggregateFromJson(json, width);
    }
  }

  /**
   * The first {@code limit} output rows in the order of {@code keys}: what an {@code ORDER BY ... LIMIT} (its offset
   * plus its count) needs from each part of the table.
   */
  public record TopK(List<SortKey> keys, int limit) {
    /** Most rows a top-k cut keeps: more is a scan of everything anyway. */
    public static final int MAX_LIMIT = 1_000_000;

    public TopK {
      keys = List.copyOf(keys);
      if (keys.isEmpty() || keys.size() > 1000) {
        throw new IllegalArgumentException("a top-k cut needs 1 to 1000 sort keys");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("a top-k cut keeps 1 to " + MAX_LIMIT + " rows, not " + limit);
      }
    }

    /** The cut as it travels inside a spec. */
    public ObjectNode toJson() {
      return ScanSpecJson.topKToJson(this);
    }

    /** Reads {@link #toJson()}'s form; {@link IllegalArgumentException} if bad. */
    public static TopK fromJson(JsonNode json) {
      return ScanSpecJson.topKFromJson(json);
    }
  }

  /**
   * One key of a top-k order: an output column (an index into {@code columns}), descending or not, nulls first or last
   * — as the SQL layer above sorts, comparing values of one column by their natural order.
   */
  public record SortKey(int column, boolean descending, boolean nullsFirst) {}

  /**
   * One partial aggregate. Its value: COUNT_STAR and COUNT a {@code Long}; SUM and SUM0 over INTEGER or BIGINT a {@code
   * Long} (overflow is an error, never a wrap), over REAL or DOUBLE a {@code Double}, over DECIMAL a {@code BigDecimal};
   * MIN and MAX the column's own representation. SUM, MIN and MAX of no non-null value are null; SUM0 is then 0.
   *
   * @param kind the function
   * @param column the table column it reads; -1 for COUNT_STAR
   */
  public record Call(Kind kind, int column) {
    /** The splittable functions. */
    public enum Kind { COUNT_STAR, COUNT, SUM, SUM0, MIN, MAX }
  }
}
