package dev.weft.api;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One {@code weft.*} setting, declared once by the module that reads it: its key, the kind of value it takes, its
 * default, the values it accepts and a line of documentation. Everything else comes from the declaration: the module
 * reads it with {@link WeftConfig#get(Setting)}, its provider lists it in {@code settings()} so that {@link
 * NodeBuilder#build()} accepts the key and checks the value before anything starts, and the distribution's {@code weft
 * config}, {@code conf/weft.properties} and documentation tables are checked against it.
 *
 * <pre>
 *   public static final Setting&lt;Integer&gt; K = Setting.integer("weft.kademlia.k", 20, 2, 64,
 *       "bucket size and lookup result size");
 *   int k = context.config().get(K);   // 20 when unset; a ConfigException naming the key for "many" or "99"
 * </pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} is the key, so a setting can be named in a message as it is.
 *
 * @param <T> the type of the value
 * @since 0.1.0
 */
public final class Setting<T> {
  /** How a setting's value is written. */
  public enum Kind {
    /** A whole number: {@code 20}. */
    INTEGER,
    /** A size in bytes: {@code 65536}, {@code 64KiB}, {@code 1MiB}. */
    SIZE,
    /** A positive duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601. */
    DURATION,
    /** {@code true} or {@code false} ({@code yes}/{@code no}, {@code on}/{@code off}). */
    BOOLEAN,
    /** One of a fixed set of words. */
    CHOICE,
    /** Free text, checked by the module (a name, a path, an id). */
    TEXT,
    /** A comma-separated list of words. */
    LIST,
    /** A comma-separated list of addresses such as {@code udp://127.0.0.1:4000}. */
    ADDRESSES
  }

  private static final Pattern KEY = Pattern.compile("weft(\\.[a-z0-9][a-z0-9-]*)+");

  private final String key;
  private final Kind kind;
  private final String defaultText;
  private final T defaultValue;
  private final String expected;
  private final String description;
  private final boolean secret;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;

  private Setting(String key, Kind kind, String defaultText, String expected, String description, boolean secret,
      Function<String, T> parser, Function<T, String> formatter) {
    if (!KEY.matcher(Objects.requireNonNull(key, "key")).matches()) {
      throw new IllegalArgumentException("a setting's key is weft.<module>.<name> in lower case, digits and '-': "
          + key);
    }
    Objects.requireNonNull(description, "description");
    if (description.isBlank() || description.contains("\n")) {
      throw new IllegalArgumentException("the description of " + key + " must be one line");
    }
    this.key = key;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.defaultText = Objects.requireNonNull(defaultText, "defaultText").trim();
    this.expected = Objects.requireNonNull(expected, "expected");
    this.description = description;
    this.secret = secret;
    this.parser = Objects.requireNonNull(parser, "parser");
    this.formatter = Objects.requireNonNull(formatter, "formatter");
    // A default is a value like any other: a declaration with a bad one fails when its class loads, not in a node.
    this.defaultValue = this.defaultText.isEmpty() ? emptyDefault() : parse(this.defaultText);
  }

  /** An integer in {@code [min, max]}. */
  public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description) {
    return new Setting<>(key, Kind.INTEGER, Integer.toString(defaultValue), "an integer from " + min + " to " + max,
        description, false, t -> WeftConfig.parseInteger(key, t, min, max), Object::toString);
  }

  /**
   * A size in bytes in {@code [min, max]}.
   *
   * @param defaultValue as users write it, e.g. {@code 64KiB}
   */
  public static Setting<Long> size(String key, String defaultValue, long min, long max, String description) {
    return new Setting<>(key, Kind.SIZE, defaultValue, "a size from " + min + " to " + max + " bytes", description,
        false, t -> WeftConfig.parseBytes(key, t, min, max), Object::toString);
  }

  /**
   * A duration in {@code [min, max]}; {@code min} is at least a millisecond.
   *
   * @param defaultValue as users write it, e.g. {@code 500ms}
   */
  public static Setting<Duration> duration(String key, String defaultValue, Duration min, Duration max,
      String description) {
    return new Setting<>(key, Kind.DURATION, defaultValue, "a duration from " + WeftConfig.format(min) + " to "
        + WeftConfig.format(max) + " such as 500ms, 30s, 5m, 24h or 7d", description, false,
        t -> WeftConfig.parseDuration(key, t, min, max), Duration::toString);
  }

  /** A positive duration of at most a year. */
  public static Setting<Duration> duration(String key, String defaultValue, String description) {
    return duration(key, defaultValue, Duration.ofMillis(1), Duration.ofDays(365), description);
  }

  /** {@code true} or {@code false}. */
  public static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(key, Kind.BOOLEAN, Boolean.toString(defaultValue), "true or false", description, false,
        t -> WeftConfig.parseBool(key, t), Object::toString);
  }

  /** One of {@code choices} (compared without case); the value read is in lower case. */
  public static Setting<String> choice(String key, String defaultValue, List<String> choices, String description) {
    List<String> words = List.copyOf(choices);
    Function<String, String> parser = t -> {
      String v = t.toLowerCase(Locale.ROOT);
      if (!words.contains(v)) {
        throw WeftConfig.invalid(key, t, String.join(" or ", words), null);
      }
      return v;
    };
    return new Setting<>(key, Kind.CHOICE, defaultValue, String.join(" or ", words), description, false, parser,
        Function.identity());
  }

  /** Free text, checked by the module that reads it; {@code defaultValue} empty for none. */
  public static Setting<String> text(String key, String defaultValue, String description) {
    return new Setting<>(key, Kind.TEXT, defaultValue, "text", description, false, Function.identity(),
        Function.identity());
  }

  /** A comma-separated list, blanks dropped; empty by default. */
  public static Setting<List<String>> list(String key, String description) {
    return new Setting<>(key, Kind.LIST, "", "a comma-separated list", description, false, WeftConfig::split,
        l -> String.join(",", l));
  }

  /** A comma-separated list of addresses; {@code defaultValue} empty for none. */
  public static Setting<List<Address>> addresses(String key, String defaultValue, String description) {
    return new Setting<>(key, Kind.ADDRESSES, defaultValue, "comma-separated addresses such as udp://127.0.0.1:4000",
        description, false, t -> WeftConfig.parseAddresses(key, t),
        l -> String.join(",", l.stream().map(Address::toString).toList()));
  }

  /**
   * Any other value: {@code parser} turns the text into a value or throws {@link IllegalArgumentException} saying why;
   * the error users see names the key, the value, {@code expected} and that reason.
   *
   * @param defaultValue as users write it; empty for none
   */
  public static <T> Setting<T> of(String key, String defaultValue, String expected, Function<String, T> parser,
      Function<T, String> formatter, String description) {
    Objects.requireNonNull(parser, "parser");
    Function<String, T> checked = t -> {
      try {
        return parser.apply(t);
      } catch (IllegalArgumentException e) {
        throw WeftConfig.invalid(key, t, expected + ": " + e.getMessage(), e);
      }
    };
    return new Setting<>(key, Kind.TEXT, defaultValue, expected, description, false, checked, formatter);
  }

  /** This setting, its value hidden wherever settings are shown ({@code weft config}): a password, a token. */
  public Setting<T> secret() {
    return new Setting<>(key, kind, defaultText, expected, description, true, parser, formatter);
  }

  /** This setting with another default, for a program that applies its own when the key is unset. */
  public Setting<T> withDefault(String newDefault) {
    return new Setting<>(key, kind, newDefault, expected, description, secret, parser, formatter);
  }

  @SuppressWarnings("unchecked")
  private T emptyDefault() {
    // An unset list is an empty list; any other setting without a default has no value.
    return kind == Kind.LIST || kind == Kind.ADDRESSES ? (T) List.of() : null;
  }

  /** {@code weft.<module>.<name>}. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /** The default as users write it ({@code 64KiB}, {@code 500ms}); empty when there is none. */
  public String defaultText() {
    return defaultText;
  }

  /** The default value; empty when the setting has none (the module then does without, or requires it). */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** What a value must be, as in error messages: "an integer from 2 to 64". */
  public String expected() {
    return expected;
  }

  /** One line on what it does. */
  public String description() {
    return description;
  }

  /** Whether its value is hidden when settings are shown. */
  public boolean isSecret() {
    return secret;
  }

  /**
   * The value {@code text} stands for.
   *
   * @throws ConfigException naming the key, the text and what is expected when it is malformed or out of range
   */
  public T parse(String text) {
    return parser.apply(Objects.requireNonNull(text, "text").trim());
  }

  /** {@code value} as text that {@link #parse} reads back. */
  public String format(T value) {
    return formatter.apply(Objects.requireNonNull(value, "value"));
  }

  /**
   * The settings a class declares: its public static final {@code Setting} fields, sorted by key. A module's
   * provider returns {@code Setting.declaredIn(MySettings.class)} from {@code settings()}, so that a new constant
   * cannot be left out.
   */
  public static List<Setting<?>> declaredIn(Class<?> type) {
    List<Setting<?>> out = new ArrayList<>();
    for (Field f : type.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == Setting.class) {
        try {
          out.add((Setting<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + type.getName() + "." + f.getName(), e);
        }
      }
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return List.copyOf(out);
  }

  /** Same key, kind, default, accepted values and secrecy: two declarations a node can use interchangeably. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Setting<?> s && key.equals(s.key) && kind == s.kind && defaultText.equals(s.defaultText)
        && expected.equals(s.expected) && secret == s.secret;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, kind, defaultText, expected, secret);
  }

  /** The key. */
  @Override
  public String toString() {
    return key;
  }
}
