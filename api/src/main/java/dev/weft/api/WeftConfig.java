package dev.weft.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable string settings with typed readers whose errors name the key and the value.
 *
 * <p>Keys are dotted and start with {@code weft.}; each module documents its own (for example {@code weft.kademlia.k}).
 * Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT1H});
 * sizes in bytes with an optional {@code KiB}/{@code MiB} suffix; lists comma-separated.
 */
public final class WeftConfig {
  /** Addresses to listen on, comma-separated: {@code udp://127.0.0.1:4000}. */
  public static final String LISTEN = "weft.listen";
  /** Addresses to join through, comma-separated. */
  public static final String BOOTSTRAP = "weft.bootstrap";
  /**
   * Name of the local store provider: {@code memory} (default) or {@code mapdb} (needs {@link #DATA_DIR}; its own
   * settings are {@code weft.mapdb.*}).
   */
  public static final String STORAGE = "weft.storage";
  /** This node's id as 40 hex digits; random when absent. */
  public static final String NODE_ID = "weft.node.id";
  /** Directory for persistent state, used by persistent stores. */
  public static final String DATA_DIR = "weft.data.dir";
  /** Plugins not to start, comma-separated names. */
  public static final String PLUGINS_DISABLED = "weft.plugins.disabled";
  /** Name of the node engine provider; defaults to the only one present ({@code kademlia}). */
  public static final String ENGINE = "weft.engine";

  private static final WeftConfig EMPTY = new WeftConfig(Map.of());
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?");

  private final Map<String, String> values;

  private WeftConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** No settings: every reader returns its default. */
  public static WeftConfig empty() {
    return EMPTY;
  }

  /** Settings from a map; null keys or values are rejected. */
  public static WeftConfig of(Map<String, String> values) {
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value of " + k).trim()));
    return new WeftConfig(copy);
  }

  /** Settings from {@link Properties} (string entries only). */
  public static WeftConfig of(Properties properties) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      m.put(name, properties.getProperty(name));
    }
    return of(m);
  }

  /** A copy with {@code key} set to {@code value}. */
  public WeftConfig with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value").trim());
    return new WeftConfig(m);
  }

  /** A copy with every setting of {@code overrides} replacing ours. */
  public WeftConfig withAll(WeftConfig overrides) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.putAll(overrides.values);
    return new WeftConfig(m);
  }

  /** All settings, sorted by key. */
  public Map<String, String> asMap() {
    return values;
  }

  /** The raw value, if set and not blank. */
  public Optional<String> string(String key) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  /** An integer in {@code [min, max]}. */
  public int integer(String key, int defaultValue, int min, int max) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw invalid(key, v.get(), "an integer", e);
    }
    if (parsed < min || parsed > max) {
      throw invalid(key, v.get(), "an integer from " + min + " to " + max, null);
    }
    return parsed;
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key, boolean defaultValue) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw invalid(key, v.get(), "true or false", null);
    };
  }

  /** A positive duration. */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    Duration d = parseDuration(key, v.get());
    if (d.isNegative() || d.isZero()) {
      throw invalid(key, v.get(), "a positive duration such as 500ms, 30s, 5m, 24h or 7d", null);
    }
    return d;
  }

  /** A size in bytes in {@code [min, max]}. */
  public long bytes(String key, long defaultValue, long min, long max) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    Matcher m = SIZE.matcher(v.get().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw invalid(key, v.get(), "a size such as 65536, 64KiB or 1MiB", null);
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw invalid(key, v.get(), "a size such as 65536, 64KiB or 1MiB", e);
    }
    String unit = m.group(2) == null ? "b" : m.group(2);
    long mult = switch (unit) {
      case "kib", "kb", "k" -> 1024L;
      case "mib", "mb", "m" -> 1024L * 1024;
      case "gib", "gb", "g" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    long result = n * mult;
    if (result / mult != n || result < min || result > max) {
      throw invalid(key, v.get(), "a size from " + min + " to " + max + " bytes", null);
    }
    return result;
  }

  /** A comma-separated list, blanks dropped; empty when unset. */
  public List<String> list(String key) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : v.get().split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  /** A comma-separated list of addresses. */
  public List<Address> addresses(String key) {
    List<Address> out = new ArrayList<>();
    for (String s : list(key)) {
      try {
        out.add(Address.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid value for " + key + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  private static Duration parseDuration(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw invalid(key, text, "a duration such as 500ms, 30s, 5m, 24h or 7d", e);
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(key, text, "a duration such as 500ms, 30s, 5m, 24h or 7d", e);
    }
  }

  private static ConfigException invalid(String key, String value, String expected, Throwable cause) {
    return new ConfigException("invalid value for " + key + ": '" + value + "' (expected " + expected + ")", cause);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeftConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "WeftConfig" + values;
  }
}
