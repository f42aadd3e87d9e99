package dev.weft.query;

import java.util.List;
import java.util.Objects;

/**
 * What a live query ({@link Sql#watch}) tells its listener: first the answer, then each change to it, as rows that
 * entered and rows that left (a row that changed leaves as it was and enters as it is), or an error.
 *
 * @param kind which of the three
 * @param columns the answer's columns (as {@link SqlResult#columns()}); empty in an error
 * @param rows with {@link Kind#ANSWER}, the whole answer; empty otherwise
 * @param added with {@link Kind#CHANGE}, rows now in the answer that were not (each once per copy: the answer is a
 *     multiset); empty otherwise
 * @param removed with {@link Kind#CHANGE}, rows no longer in it; empty otherwise
 * @param coverage how complete the answer this event brings it to is; {@link Coverage#LOCAL} in an error
 * @param error with {@link Kind#ERROR}, why the query could not be run this time; null otherwise
 * @param closed whether the watch ended with this event (an error that running the query again cannot mend: the
 *     statement or its table became invalid, or the answer is over its caps)
 */
public record WatchEvent(Kind kind, List<SqlResult.ColumnInfo> columns, List<List<Object>> rows,
    List<List<Object>> added, List<List<Object>> removed, Coverage coverage, QueryException error, boolean closed) {
  /** The kinds of event. */
  public enum Kind { ANSWER, CHANGE, ERROR }

  public WatchEvent {
    Objects.requireNonNull(kind, "kind");
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    Objects.requireNonNull(coverage, "coverage");
  }
}
