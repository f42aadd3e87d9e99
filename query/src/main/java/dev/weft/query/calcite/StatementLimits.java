package dev.weft.query.calcite;

import dev.weft.query.QuerySettings;
import java.time.Duration;
import java.util.Properties;

/**
 * A connection's limits for each statement, from its properties: {@code timeout} (milliseconds), {@code allowPartial}
 * ({@code true}/{@code false}), {@code maxRows} and {@code maxBytes} (most rows and bytes one scan may bring to this
 * node). {@code Statement.setQueryTimeout} overrides the timeout of one statement. Immutable.
 */
record StatementLimits(Duration timeout, boolean allowPartial, long maxRows, long maxBytes) {
  // A connection of a node gets that node's settings as properties; these are for one made without them.
  static final Duration DEFAULT_TIMEOUT = QuerySettings.TIMEOUT.defaultValue().orElseThrow();
  static final long DEFAULT_MAX_ROWS = QuerySettings.MAX_ROWS.defaultValue().orElseThrow();
  static final long DEFAULT_MAX_BYTES = QuerySettings.MAX_BYTES.defaultValue().orElseThrow();

  /** @throws IllegalArgumentException naming the property whose value is not a positive number or a boolean */
  static StatementLimits from(Properties p) {
    return new StatementLimits(Duration.ofMillis(positive(p, "timeout", DEFAULT_TIMEOUT.toMillis())),
        bool(p, "allowPartial"), positive(p, "maxRows", DEFAULT_MAX_ROWS), positive(p, "maxBytes", DEFAULT_MAX_BYTES));
  }

  private static long positive(Properties p, String name, long fallback) {
    String v = p.getProperty(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the property's name
    }
    throw new IllegalArgumentException("connection property " + name + " must be a positive number, not '" + v + "'");
  }

  private static boolean bool(Properties p, String name) {
    String v = p.getProperty(name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException("connection property " + name + " must be true or false, not '" + v + "'");
  }
}
