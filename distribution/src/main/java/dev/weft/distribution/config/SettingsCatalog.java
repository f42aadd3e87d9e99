package dev.weft.distribution.config;

import dev.weft.api.CoreSettings;
import dev.weft.api.Setting;
import dev.weft.api.WeftConfig;
import dev.weft.api.internal.Closest;
import dev.weft.api.internal.DeclaredSettings;
import dev.weft.api.internal.ProviderLoader;
import dev.weft.api.spi.engine.NodeEngineProvider;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.distribution.cli.Cli;
import dev.weft.distribution.cli.CliException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every {@code weft.*} setting a node of this distribution knows: the core's ({@link CoreSettings}), those each
 * provider on the class path declares ({@code settings()}: the modules in {@code lib/} and any plugin jar added there),
 * and the distribution's own ({@link NodeSettings#DECLARED}). Nothing here declares a setting; it only gathers the
 * declarations. {@code weft node} rejects any other key (naming the closest known one), {@code weft config} lists them
 * with their effective values, the environment variables are matched against them, and tests check that {@code
 * conf/weft.properties} and the documentation's tables agree with them. Public for {@code weft config}.
 */
public final class SettingsCatalog {
  /** Environment variables of the launcher and the client commands, never taken for settings. */
  static final Set<String> RESERVED_ENV = Set.of("WEFT_API", "WEFT_JAVA_OPTS", "WEFT_LOG_LEVEL", "WEFT_HOME");

  private final DeclaredSettings declared;
  private final Map<String, Setting<?>> byEnv;

  private SettingsCatalog(DeclaredSettings declared) {
    this.declared = declared;
    Map<String, Setting<?>> env = new LinkedHashMap<>();
    declared.all().values().forEach(s -> env.putIfAbsent(envName(s.key()), s));
    this.byEnv = env;
  }

  private static final class Standard {
    static final SettingsCatalog INSTANCE = of(SettingsCatalog.class.getClassLoader());
  }

  /** The settings of the providers on the class path of this class. */
  public static SettingsCatalog standard() {
    return Standard.INSTANCE;
  }

  /** The settings of the core, of the providers {@code loader} finds, and of the distribution. */
  static SettingsCatalog of(ClassLoader loader) {
    DeclaredSettings.Builder b = DeclaredSettings.builder().add("the core", CoreSettings.all());
    for (NodeEngineProvider p : ProviderLoader.load(NodeEngineProvider.class, loader)) {
      b.add("engine " + p.name(), p.settings());
    }
    for (TransportProvider p : ProviderLoader.load(TransportProvider.class, loader)) {
      b.add("transport " + p.scheme(), p.settings());
    }
    for (StoreProvider p : ProviderLoader.load(StoreProvider.class, loader)) {
      b.add("store " + p.name(), p.settings());
    }
    for (PluginProvider p : ProviderLoader.load(PluginProvider.class, loader)) {
      b.add("plugin " + p.name(), p.settings());
    }
    // The distribution's default listen address replaces the core's (none).
    return new SettingsCatalog(b.override("the distribution", NodeSettings.DECLARED).build());
  }

  /** Every setting, by key. */
  public Map<String, Setting<?>> all() {
    return declared.all();
  }

  Optional<Setting<?>> find(String key) {
    return declared.find(key);
  }

  /** The environment variable that sets {@code key}: upper case, {@code .} and {@code -} as {@code _}. */
  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The settings in an environment: every {@code WEFT_*} variable but {@link #RESERVED_ENV} and {@code
   * WEFT_API_TOKEN}'s client use (it is also {@code weft.api.token}).
   *
   * @throws CliException exit code 2 naming a {@code WEFT_*} variable that is no setting, with the closest one
   */
  Map<String, String> settingsOf(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("WEFT_") || RESERVED_ENV.contains(name)) {
        continue;
      }
      Setting<?> s = byEnv.get(name);
      if (s == null) {
        String closest = Closest.to(name, byEnv.keySet());
        throw new CliException(Cli.USAGE, "unknown setting in the environment: " + name
            + (closest == null ? "" : " (did you mean " + closest + "?)")
            + "; WEFT_<KEY> variables set weft.<key> settings, e.g. WEFT_KADEMLIA_K for weft.kademlia.k");
      }
      out.put(s.key(), e.getValue());
    }
    return out;
  }

  /**
   * Checks that every key of {@code settings} is known.
   *
   * @param where the source, for the message: "the file /etc/weft.properties", "--set"
   * @throws CliException exit code 2 naming the first unknown key and the closest known one
   */
  void check(Map<String, String> settings, String where) {
    for (String key : new TreeMap<>(settings).keySet()) {
      if (declared.find(key).isEmpty()) {
        throw new CliException(Cli.USAGE, "unknown setting '" + key + "' in " + where
            + declared.closest(key).map(c -> " (did you mean " + c + "?)").orElse("")
            + "; `weft config` lists every setting");
      }
    }
  }

  /**
   * Checks the form and range of every known setting {@code config} holds.
   *
   * @throws dev.weft.api.ConfigException naming the first key whose value cannot be used
   */
  void checkForms(WeftConfig config) {
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (!e.getValue().isEmpty()) {
        find(e.getKey()).ifPresent(s -> s.parse(e.getValue()));
      }
    }
  }
}
