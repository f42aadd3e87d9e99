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
 * <p>Keys are dotted and start with {@code weft.}; each module declares its own as {@link Setting} constants (for
 * example {@code KademliaSettings.K}), read with {@link #get(Setting)}; the node's own are in {@link CoreSettings}.
 * Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT1H});
 * sizes in bytes with an optional {@code KiB}/{@code MiB} suffix; lists comma-separated.
 */
public final class WeftConfig {
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

  /**
   * The value of a declared setting: what is set, parsed and checked, else its default.
   *
   * @throws ConfigException naming the key and the value when it is malformed or out of range
   * @throws IllegalStateException when it is unset and has no default (read such a setting with {@link #find})
   */
  public <T> T get(Setting<T> setting) {
    return find(setting).or(setting::defaultValue).orElseThrow(() -> new IllegalStateException(
        setting.key() + " has no default: read it with find()"));
  }

  /**
   * The value of a declared setting if it is set (and not blank), parsed and checked; empty otherwise, whatever its
   * default.
   *
   * @throws ConfigException naming the key and the value when it is malformed or out of range
   */
  public <T> Optional<T> find(Setting<T> setting) {
    return string(setting.key()).map(setting::parse);
  }

  /** A copy with {@code setting} set to {@code value}. */
  public <T> WeftConfig with(Setting<T> setting, T value) {
    return with(setting.key(), setting.format(value));
  }

  /** An integer in {@code [min, max]}. */
  public int integer(String key, int defaultValue, int min, int max) {
    return string(key).map(v -> parseInteger(key, v, min, max)).orElse(defaultValue);
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key, boolean defaultValue) {
    return string(key).map(v -> parseBool(key, v)).orElse(defaultValue);
  }

  /** A positive duration. */
  public Duration duration(String key, Duration defaultValue) {
    return string(key).map(v -> parseDuration(key, v, Duration.ofNanos(1), null)).orElse(defaultValue);
  }

  /** A size in bytes in {@code [min, max]}. */
  public long bytes(String key, long defaultValue, long min, long max) {
    return string(key).map(v -> parseBytes(key, v, min, max)).orElse(defaultValue);
  }

  /** A comma-separated list, blanks dropped; empty when unset. */
  public List<String> list(String key) {
    return string(key).map(WeftConfig::split).orElse(List.of());
  }

  /** A comma-separated list of addresses. */
  public List<Address> addresses(String key) {
    return string(key).map(v -> parseAddresses(key, v)).orElse(List.of());
  }

  static int parseInteger(String key, String text, int min, int max) {
    int parsed;
    try {
      parsed = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(key, text, "an integer", e);
    }
    if (parsed < min || parsed > max) {
      throw invalid(key, text, "an integer from " + min + " to " + max, null);
    }
    return parsed;
  }

  static boolean parseBool(String key, String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw invalid(key, text, "true or false", null);
    };
  }

  static long parseBytes(String key, String text, long min, long max) {
    Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw invalid(key, text, "a size such as 65536, 64KiB or 1MiB", null);
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw invalid(key, text, "a size such as 65536, 64KiB or 1MiB", e);
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
      throw invalid(key, text, "a size from " + min + " to " + max + " bytes", null);
    }
    return result;
  }

  /** A duration in {@code [min, max]}; {@code max} null for no bound. */
  static Duration parseDuration(String key, String text, Duration min, Duration max) {
    Duration d = parseDuration(key, text);
    if (d.isNegative() || d.isZero()) {
      throw invalid(key, text, "a positive duration such as 500ms, 30s, 5m, 24h or 7d", null);
    }
    if (d.compareTo(min) < 0 || (max != null && d.compareTo(max) > 0)) {
      throw invalid(key, text, max == null ? "a duration of at least " + format(min)
          : "a duration from " + format(min) + " to " + format(max), null);
    }
    return d;
  }

  /** A duration as users write it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 || !d.equals(Duration.ofMillis(ms))) {
      return d.toString();
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  static List<Address> parseAddresses(String key, String text) {
    List<Address> out = new ArrayList<>();
    for (String s : split(text)) {
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
      try {
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } catch (ArithmeticException e) {
        throw invalid(key, text, "a duration such as 500ms, 30s, 5m, 24h or 7d", e);
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw invalid(key, text, "a duration such as 500ms, 30s, 5m, 24h or 7d", e);
    }
  }

  static ConfigException invalid(String key, String value, String expected, Throwable cause) {
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
