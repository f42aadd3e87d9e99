package dev.weft.api.internal;

import dev.weft.api.ConfigException;
import dev.weft.api.Setting;
import dev.weft.api.WeftConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings a node knows, by key, each with who declared it: the core, the caller, the providers present. The
 * builder checks a configuration against them, and the distribution lists them ({@code weft config}).
 *
 * <p>Internal: not part of the public API.
 */
public final class DeclaredSettings {
  private final Map<String, Setting<?>> byKey;
  private final Map<String, String> owners;

  private DeclaredSettings(Map<String, Setting<?>> byKey, Map<String, String> owners) {
    this.byKey = Collections.unmodifiableMap(new TreeMap<>(byKey));
    this.owners = Map.copyOf(owners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects declarations; two different ones of a key are an error naming both owners. */
  public static final class Builder {
    private final Map<String, Setting<?>> byKey = new LinkedHashMap<>();
    private final Map<String, String> owners = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds {@code owner}'s settings.
     *
     * @param owner who declares them, for messages: "the core", "plugin 'pht' (com.example.PhtProvider)"
     * @throws ConfigException when another owner declared one of the keys differently
     */
    public Builder add(String owner, Collection<? extends Setting<?>> settings) {
      for (Setting<?> s : settings) {
        Setting<?> before = byKey.putIfAbsent(s.key(), s);
        if (before == null) {
          owners.put(s.key(), owner);
        } else if (!before.equals(s)) {
          throw new ConfigException("two declarations of setting " + s.key() + ": " + owners.get(s.key())
              + " (default '" + before.defaultText() + "', " + before.expected() + ") and " + owner + " (default '"
              + s.defaultText() + "', " + s.expected() + "); one module must rename its key");
        }
      }
      return this;
    }

    /** Adds {@code owner}'s settings, replacing any earlier declaration of the same keys (a program's own defaults). */
    public Builder override(String owner, Collection<? extends Setting<?>> settings) {
      for (Setting<?> s : settings) {
        byKey.put(s.key(), s);
        owners.put(s.key(), owner);
      }
      return this;
    }

    public DeclaredSettings build() {
      return new DeclaredSettings(byKey, owners);
    }
  }

  /** Every declared setting, by key. */
  public Map<String, Setting<?>> all() {
    return byKey;
  }

  public Optional<Setting<?>> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Who declared {@code key}, if anyone. */
  public Optional<String> owner(String key) {
    return Optional.ofNullable(owners.get(key));
  }

  /** The declared key nearest to {@code key}, if it is likely what was meant. */
  public Optional<String> closest(String key) {
    return Optional.ofNullable(Closest.to(key, byKey.keySet()));
  }

  /**
   * Checks every {@code weft.*} key of {@code config}: it must be declared, and its value must parse and be in range.
   * Keys outside {@code weft.*} are the application's own and are left alone.
   *
   * @param present what was looked in, for the message about a key nobody declares: "providers present: ..."
   * @throws ConfigException naming the first unknown key (and the closest known one) or invalid value
   */
  public void check(WeftConfig config, String present) {
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("weft.")) {
        continue;
      }
      Setting<?> s = byKey.get(key);
      if (s == null) {
        throw new ConfigException("unknown setting '" + key + "'" + closest(key).map(c -> " (did you mean " + c + "?)")
            .orElse("") + ": neither the core nor any provider present declares it. Is the module that reads it on "
            + "the class path? (" + present + ")");
      }
      if (!e.getValue().isEmpty()) {
        s.parse(e.getValue());
      }
    }
  }

  /** Keys in order, for listings. */
  public List<String> keys() {
    return List.copyOf(byKey.keySet());
  }
}
