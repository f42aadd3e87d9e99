package dev.weft.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-statement options; {@link #DEFAULTS} takes the node's settings ({@code weft.query.*}).
 *
 * @param timeout how long the statement may run; null for the node's setting
 * @param allowPartial whether a scan that could not hear from every node returns what it has, with {@code complete:
 *     false}, instead of failing
 * @param maxRows most rows a query may return; 0 for the node's setting
 */
public record SqlOptions(Duration timeout, boolean allowPartial, long maxRows) {
  /** The node's settings, and no partial answers. */
  public static final SqlOptions DEFAULTS = new SqlOptions(null, false, 0);

  public SqlOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative: " + maxRows);
    }
  }

  public SqlOptions withTimeout(Duration t) {
    return new SqlOptions(Objects.requireNonNull(t, "timeout"), allowPartial, maxRows);
  }

  public SqlOptions withAllowPartial(boolean partial) {
    return new SqlOptions(timeout, partial, maxRows);
  }

  public SqlOptions withMaxRows(long rows) {
    return new SqlOptions(timeout, allowPartial, rows);
  }
}
