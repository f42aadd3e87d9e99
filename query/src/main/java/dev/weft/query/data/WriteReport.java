package dev.weft.query.data;

import java.util.List;

/**
 * What a write did: the rows applied and each row that was not, with why.
 *
 * @param applied rows written (inserted, updated or deleted)
 * @param failures the rows that were not, in the order of the ops
 */
public record WriteReport(long applied, List<Failure> failures) {
  public WriteReport {
    failures = List.copyOf(failures);
  }

  /**
   * One row that was not written.
   *
   * @param op its position among the statement's ops (0-based)
   * @param key its primary key as text, or the empty string for a row without one
   * @param reason why, for people: "duplicate key", "NULL in NOT NULL column b", "row too large (70,000 bytes)"
   */
  public record Failure(int op, String key, String reason) {}
}
