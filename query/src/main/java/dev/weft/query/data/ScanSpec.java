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
 */
public record ScanSpec(TableDefinition table, Access access, Optional<Expr> filter, List<Integer> columns,
    Optional<Aggregate> aggregate) {
  public ScanSpec {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(filter, "filter");
    columns = List.copyOf(columns);
    Objects.requireNonNull(aggregate, "aggregate");
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
