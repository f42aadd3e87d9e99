package dev.weft.distribution.config;

import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.CoreSettings;
import dev.weft.api.NodeId;
import dev.weft.api.Setting;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.cli.Cli;
import dev.weft.distribution.cli.CliException;
import dev.weft.distribution.http.ApiGuard;
import dev.weft.distribution.http.HttpApi;
import dev.weft.messaging.MessagingSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What {@code weft node} runs with, resolved from (weakest first) the defaults, the properties file, {@code --set}
 * and the dedicated options. Every problem is a {@link CliException} with exit code 2 that names the option or key.
 * Public, with what the node commands and the HTTP API read of it.
 *
 * @param config the node's configuration, {@link CoreSettings#LISTEN} and the rest filled in, as the builder gets it
 * @param api how to serve the HTTP API
 * @param bootstrap addresses to join through; empty for the first node
 * @param configFile the properties file read, if any
 * @param sources where each setting that is not a default came from: {@link #FILE}, {@link #ENV} or {@link #FLAG}
 */
public record NodeSettings(WeftConfig config, HttpApi.Options api, List<Address> bootstrap, Optional<Path> configFile,
    Map<String, String> sources) {
  public static final String DEFAULT = "default";
  static final String FILE = "file";
  static final String ENV = "env";
  static final String FLAG = "flag";

  /** The UDP address of a node started without {@code --udp} or {@link CoreSettings#LISTEN}. */
  public static final String DEFAULT_UDP = "127.0.0.1:4000";
  /** {@link CoreSettings#LISTEN} with the distribution's default, which {@link #resolve} applies. */
  static final Setting<List<Address>> LISTEN = CoreSettings.LISTEN.withDefault("udp://" + DEFAULT_UDP);
  /**
   * Nodes to join through ({@code --bootstrap}): {@code udp://HOST:PORT}, {@code ws://HOST:PORT}, or {@code HOST:PORT}
   * taken as UDP. Read here, not by the node: {@code weft node} joins through them once the node runs.
   */
  static final Setting<List<String>> BOOTSTRAP = Setting.list("weft.bootstrap",
      "nodes to join through, comma-separated; empty starts a new network");
  /** The key of {@link #API_LISTEN}, for option descriptions. */
  public static final String API_LISTEN_KEY = "weft.api.listen";
  /** Where the HTTP API listens: {@code HOST:PORT}. */
  static final Setting<String> API_LISTEN = Setting.text(API_LISTEN_KEY, Cli.DEFAULT_API, "where the HTTP API listens");
  /** The key of {@link #API_TOKEN}, for option descriptions. */
  public static final String API_TOKEN_KEY = "weft.api.token";
  /**
   * The bearer token every request to the HTTP API must carry when set; required when the API listens on an address
   * that is not loopback.
   */
  public static final Setting<String> API_TOKEN = Setting.text(API_TOKEN_KEY, "",
      "bearer token the HTTP API requires; needed when it listens off loopback").secret();
  /**
   * Host names, besides {@code localhost}, IP addresses and the name the API is bound to, that requests to the HTTP
   * API may name in their {@code Host} header; {@code *}: any (needs {@link #API_TOKEN}). See {@link ApiGuard}.
   */
  public static final Setting<List<String>> API_HOSTS = Setting.list("weft.api.hosts",
      "host names the HTTP API answers to besides localhost, IP addresses and its bind name (comma-separated; * for any,"
          + " with a token)");
  /**
   * Web origins, besides the API's own (the web UI), whose pages may call the HTTP API, with CORS; {@code *}: any
   * (needs {@link #API_TOKEN}). See {@link ApiGuard}.
   */
  public static final Setting<List<String>> API_ORIGINS = Setting.list("weft.api.origins",
      "web origins whose pages may call the HTTP API besides its own (comma-separated; * for any, with a token)");
  /** Shortest token taken: guessing one must be out of reach. */
  static final int MIN_TOKEN_LENGTH = 16;
  /**
   * Largest request body the HTTP API accepts, e.g. {@code 1MiB}; larger requests get 413. Unset: twice the larger of
   * {@link CoreSettings#MAX_VALUE_BYTES} and {@link MessagingSettings#MAX_MESSAGE_BYTES}, plus 16 KiB, so that a
   * pretty-printed value or message still reaches the node's own, exact check ({@link #defaultMaxRequest}; the
   * declared default is that of the two defaults, checked by a test).
   */
  static final Setting<Long> API_MAX_REQUEST = Setting.size("weft.api.max-request-size", "144KiB", 1024,
      128L * 1024 * 1024, "largest request body (default: 2 x the largest value or message + 16KiB)");
  /**
   * How far, in bytes, a client of {@code GET /v1/messages/stream} or {@code GET /v1/schema/watch} may fall behind
   * before the node drops it, e.g. {@code 4MiB}.
   */
  public static final Setting<Long> API_STREAM_BUFFER = Setting.size("weft.api.stream-buffer-size", "1MiB", 1024,
      1024L * 1024 * 1024, "how far a stream's client may fall behind before it is dropped");
  /** How long an HTTP request may wait for the node before it gets 503, e.g. {@code 30s}. */
  static final Setting<Duration> API_REQUEST_TIMEOUT = Setting.duration("weft.api.request-timeout", "30s",
      "how long a request may wait for the node before it gets 503");

  /** The settings the distribution reads itself, declared to the node builder and listed by {@code weft config}. */
  public static final List<Setting<?>> DECLARED = List.of(LISTEN, BOOTSTRAP, API_LISTEN, API_TOKEN, API_HOSTS,
      API_ORIGINS, API_MAX_REQUEST, API_STREAM_BUFFER, API_REQUEST_TIMEOUT);

  /** System property with the installation directory; bin/weft sets it. */
  static final String HOME_PROPERTY = "weft.home";


  /** The options of {@code weft node}, null when not given. */
  public record Options(Path config, Map<String, String> set, String udp, String api, List<String> bootstrap,
      String storage, String id, Path data, WebSockets ws) {
    Options(Path config, Map<String, String> set, String udp, String api, List<String> bootstrap, String storage,
        String id, Path data) {
      this(config, set, udp, api, bootstrap, storage, id, data, WebSockets.NONE);
    }

    Options(Path config, Map<String, String> set, String udp, String api, List<String> bootstrap, String storage,
        String id) {
      this(config, set, udp, api, bootstrap, storage, id, null);
    }
  }

  /**
   * The WebSocket options: {@code --ws HOST:PORT} listens (a super-node); {@code --relay ws://HOST:PORT} (repeatable)
   * is reached through super-nodes instead; {@code --no-listen} opens no socket of its own at all (relay only).
   */
  public record WebSockets(String listen, List<String> relays, boolean noListen) {
    static final WebSockets NONE = new WebSockets(null, List.of(), false);

    public WebSockets {
      relays = relays == null ? List.of() : List.copyOf(relays);
    }
  }

  public NodeSettings {
    sources = Map.copyOf(sources);
  }

  /** Where {@code key}'s value comes from: {@link #DEFAULT}, {@link #FILE}, {@link #ENV} or {@link #FLAG}. */
  public String source(String key) {
    return sources.getOrDefault(key, DEFAULT);
  }

  /** As {@link #resolve(Options, Optional, Map)} with no environment variables. */
  static NodeSettings resolve(Options options, Optional<Path> defaultConfig) {
    return resolve(options, defaultConfig, Map.of());
  }

  /**
   * Resolves the settings: the file, then the {@code WEFT_*} environment variables, then {@code --set}, then the
   * dedicated options, each winning over the ones before. A key no module knows stops it, named.
   *
   * @param defaultConfig read when {@code --config} is not given and the file exists ({@code conf/weft.properties}
   *     of the installation)
   * @param env the process environment; {@code WEFT_KADEMLIA_K=16} is {@code weft.kademlia.k=16}
   */
  public static NodeSettings resolve(Options options, Optional<Path> defaultConfig, Map<String, String> env) {
    SettingsCatalog catalog = SettingsCatalog.standard();
    Map<String, String> sources = new TreeMap<>();
    Optional<Path> file = Optional.ofNullable(options.config());
    WeftConfig config = WeftConfig.empty();
    if (file.isPresent()) {
      config = load(file.get(), "--config");
    } else if (defaultConfig.isPresent() && Files.isRegularFile(defaultConfig.get())) {
      file = defaultConfig;
      config = load(defaultConfig.get(), "the default configuration");
    }
    if (file.isPresent()) {
      catalog.check(config.asMap(), "the configuration file " + file.get());
      config.asMap().keySet().forEach(k -> sources.put(k, FILE));
    }
    Map<String, String> fromEnv = catalog.settingsOf(env);
    config = config.withAll(WeftConfig.of(fromEnv));
    fromEnv.keySet().forEach(k -> sources.put(k, ENV));
    if (options.set() != null) {
      catalog.check(options.set(), "--set");
      config = config.withAll(WeftConfig.of(options.set()));
      options.set().keySet().forEach(k -> sources.put(k, FLAG));
    }
    Map<String, String> beforeOptions = config.asMap();
    config = listening(options, config);
    if (options.bootstrap() != null && !options.bootstrap().isEmpty()) {
      List<String> addresses = new ArrayList<>();
      for (String b : options.bootstrap()) {
        addresses.add(bootstrapAddress(b, "--bootstrap").toString());
      }
      config = config.with(BOOTSTRAP.key(), String.join(",", addresses));
    }
    if (options.storage() != null) {
      config = config.with(CoreSettings.STORAGE.key(), options.storage());
    }
    if (options.data() != null) {
      config = config.with(CoreSettings.DATA_DIR.key(), options.data().toAbsolutePath().toString());
    }
    if (options.id() != null) {
      try {
        NodeId.fromHex(options.id().trim());
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid --id: " + e.getMessage());
      }
      config = config.with(CoreSettings.NODE_ID.key(), options.id().trim());
    }
    if (options.api() != null) {
      config = config.with(API_LISTEN.key(), options.api());
    }
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (!e.getValue().equals(beforeOptions.get(e.getKey()))) {
        sources.put(e.getKey(), FLAG);
      }
    }
    if (config.string(LISTEN.key()).isEmpty()) {
      config = config.with(LISTEN.key(), LISTEN.defaultText());
    }

    try {
      // Checked now so that a typo stops the command before anything listens.
      catalog.checkForms(config);
      List<Address> bootstrap = new ArrayList<>();
      for (String b : config.get(BOOTSTRAP)) {
        bootstrap.add(bootstrapAddress(b, BOOTSTRAP.key()));
      }
      String apiSource = options.api() != null ? "--api" : API_LISTEN.key();
      HostPort api = parseHostPort(config.get(API_LISTEN), apiSource, "http");
      int maxRequest = (int) (long) config.find(API_MAX_REQUEST).orElse(defaultMaxRequest(config));
      Duration timeout = config.get(API_REQUEST_TIMEOUT);
      int streamBuffer = (int) (long) config.get(API_STREAM_BUFFER);
      Optional<String> token = token(config, api, apiSource);
      ApiGuard.Rules access = ApiGuard.Rules.of(config, token.isPresent());
      return new NodeSettings(config, new HttpApi.Options(api, maxRequest, timeout, streamBuffer, HttpApi.HEARTBEAT,
          token, access), List.copyOf(bootstrap), file, sources);
    } catch (ConfigException e) {
      throw new CliException(Cli.USAGE, e.getMessage(), e);
    }
  }

  /** {@link #API_TOKEN}, checked; required when the API is not on loopback. */
  private static Optional<String> token(WeftConfig config, HostPort api, String apiSource) {
    Optional<String> token = config.find(API_TOKEN);
    if (token.isPresent()) {
      String t = token.get();
      if (t.length() < MIN_TOKEN_LENGTH || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new CliException(Cli.USAGE, "invalid value for " + API_TOKEN + ": expected at least " + MIN_TOKEN_LENGTH
            + " visible ASCII characters without spaces, e.g. the output of `openssl rand -hex 24`");
      }
    } else if (!api.isLoopback()) {
      throw new CliException(Cli.USAGE, "the HTTP API would listen on " + api + " (" + apiSource + "), which is not a"
          + " loopback address, without a token: set " + API_TOKEN + " (or WEFT_API_TOKEN) so that every request"
          + " must carry it, or keep the API on 127.0.0.1");
    }
    return token;
  }

  /**
   * A setting of the installation's {@code conf/weft.properties} (read by the client commands for the token), if
   * the file exists and sets it; empty when it cannot be read (the node would say why).
   */
  public static Optional<String> installedSetting(Setting<String> setting) {
    Optional<Path> file = installedConfig();
    if (file.isEmpty() || !Files.isReadable(file.get())) {
      return Optional.empty();
    }
    try {
      return load(file.get(), "the default configuration").find(setting);
    } catch (CliException e) {
      return Optional.empty();
    }
  }

  /** {@code conf/weft.properties} of the installation that runs this JVM ({@code bin/weft} sets weft.home). */
  public static Optional<Path> installedConfig() {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, "conf", "weft.properties"));
  }

  /** {@link #API_MAX_REQUEST} when unset: twice the larger of the value and message limits, plus 16 KiB. */
  static long defaultMaxRequest(WeftConfig config) {
    long largest = Math.max(config.get(CoreSettings.MAX_VALUE_BYTES), config.get(MessagingSettings.MAX_MESSAGE_BYTES));
    return 2 * largest + 16 * 1024;
  }

  private static WeftConfig load(Path path, String what) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(Cli.USAGE, "cannot read " + what + " file " + path + ": " + e, e);
    }
    return WeftConfig.of(properties);
  }

  private static HostPort parseHostPort(String text, String source, String scheme) {
    try {
      return HostPort.parse(text, scheme);
    } catch (IllegalArgumentException e) {
      throw new CliException(Cli.USAGE, "invalid " + source + ": " + e.getMessage());
    }
  }

  /** {@link CoreSettings#LISTEN} from {@code --udp}, {@code --ws}, {@code --relay} and {@code --no-listen}. */
  private static WeftConfig listening(Options options, WeftConfig config) {
    WebSockets ws = options.ws() == null ? WebSockets.NONE : options.ws();
    if (ws.noListen() && (options.udp() != null || ws.listen() != null)) {
      throw new CliException(Cli.USAGE, "--no-listen cannot be combined with --udp or --ws");
    }
    if (ws.noListen() && ws.relays().isEmpty()) {
      throw new CliException(Cli.USAGE, "--no-listen needs at least one --relay ws://HOST:PORT (a super-node)");
    }
    if (ws.listen() != null && !ws.relays().isEmpty()) {
      throw new CliException(Cli.USAGE, "--ws and --relay exclude each other: a node either listens on WebSocket"
          + " or is reached through super-nodes");
    }
    List<Address> relays = new ArrayList<>();
    for (String r : ws.relays()) {
      try {
        Address a = Address.parse(r.contains("://") ? r : "ws://" + r);
        if (!a.scheme().equals("ws") || a.port() == 0 || !a.path().isEmpty()) {
          throw new IllegalArgumentException("expected ws://HOST:PORT of a super-node");
        }
        relays.add(a);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid --relay '" + r + "': " + e.getMessage());
      }
    }
    boolean given = options.udp() != null || ws.listen() != null || ws.noListen() || !relays.isEmpty();
    if (!given) {
      // The default address, if needed, is added by resolve(): it is no flag's.
      return config;
    }
    List<String> listen = new ArrayList<>();
    if (options.udp() != null) {
      HostPort udp = parseHostPort(options.udp(), "--udp", "udp");
      listen.add(Address.of("udp", udp.host(), udp.port(), "").toString());
    } else if (!ws.noListen() && relays.isEmpty() && ws.listen() == null) {
      listen.add("udp://" + DEFAULT_UDP);
    } else if (!ws.noListen() && ws.listen() != null) {
      // --ws alone: UDP as well, on the configured or default address, unless the configuration names none.
      listen.add(config.string(LISTEN.key()).orElse(LISTEN.defaultText()));
    }
    if (ws.listen() != null) {
      HostPort w = parseHostPort(ws.listen(), "--ws", "ws");
      listen.add(Address.of("ws", w.host(), w.port(), "").toString());
    }
    if (!relays.isEmpty()) {
      listen.add(Address.of("ws", relays.get(0).host(), relays.get(0).port(), "/relay").toString());
      if (relays.size() > 1) {
        config = config.with("weft.ws.relays", String.join(",", relays.subList(1, relays.size()).stream()
            .map(Address::toString).toList()));
      }
    }
    return config.with(LISTEN.key(), String.join(",", listen));
  }

  /** {@code udp://HOST:PORT} or {@code ws://HOST:PORT}, or {@code HOST:PORT} taken as UDP. */
  static Address bootstrapAddress(String text, String source) {
    String t = text.trim();
    try {
      Address a = Address.parse(t.contains("://") ? t : "udp://" + t);
      if (a.port() == 0) {
        throw new IllegalArgumentException("port 0 cannot be dialled");
      }
      return a;
    } catch (IllegalArgumentException e) {
      throw new CliException(Cli.USAGE, "invalid " + source + " '" + text + "': " + e.getMessage()
          + " (expected udp://HOST:PORT or ws://HOST:PORT)");
    }
  }
}
