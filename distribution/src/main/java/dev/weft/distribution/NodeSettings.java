package dev.weft.distribution;

import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.NodeId;
import dev.weft.api.WeftConfig;
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

/**
 * What {@code weft node} runs with, resolved from (weakest first) the defaults, the properties file, {@code --set}
 * and the dedicated options. Every problem is a {@link CliException} with exit code 2 that names the option or key.
 *
 * @param config the node's configuration, {@link WeftConfig#LISTEN} and the rest filled in, as the builder gets it
 * @param api how to serve the HTTP API
 * @param bootstrap addresses to join through; empty for the first node
 * @param configFile the properties file read, if any
 */
record NodeSettings(WeftConfig config, HttpApi.Options api, List<Address> bootstrap, Optional<Path> configFile) {
  /** Where the HTTP API listens: {@code HOST:PORT}. */
  static final String API_LISTEN = "weft.api.listen";
  /**
   * Largest request body the HTTP API accepts, e.g. {@code 1MiB}; larger requests get 413. Default: twice the larger
   * of {@link #MAX_VALUE_BYTES} and {@link MessagingSettings#MAX_MESSAGE_BYTES}, plus 16 KiB, so that a pretty-printed
   * value or message still reaches the node's own, exact check.
   */
  static final String API_MAX_REQUEST = "weft.api.max-request-size";
  /** The storage's value limit (owned by the engine; read here only to size the default body limit). */
  static final String MAX_VALUE_BYTES = "weft.storage.max-value-bytes";
  static final long DEFAULT_MAX_VALUE_BYTES = 64 * 1024;
  /** The messaging plugin's default message limit (it owns the setting; read here only to size the body limit). */
  static final long DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  /**
   * How far, in bytes, a client of {@code GET /v1/messages/stream} or {@code GET /v1/schema/watch} may fall behind
   * before the node drops it, e.g. {@code 4MiB}.
   */
  static final String API_STREAM_BUFFER = "weft.api.stream-buffer-size";
  /** How long an HTTP request may wait for the node before it gets 503, e.g. {@code 30s}. */
  static final String API_REQUEST_TIMEOUT = "weft.api.request-timeout";

  /** The UDP address of a node started without {@code --udp} or {@link WeftConfig#LISTEN}. */
  static final String DEFAULT_UDP = "127.0.0.1:4000";
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** The options of {@code weft node}, null when not given. */
  record Options(Path config, Map<String, String> set, String udp, String api, List<String> bootstrap,
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
  record WebSockets(String listen, List<String> relays, boolean noListen) {
    static final WebSockets NONE = new WebSockets(null, List.of(), false);

    WebSockets {
      relays = relays == null ? List.of() : List.copyOf(relays);
    }
  }

  /**
   * Resolves the settings.
   *
   * @param defaultConfig read when {@code --config} is not given and the file exists ({@code conf/weft.properties}
   *     of the installation)
   */
  static NodeSettings resolve(Options options, Optional<Path> defaultConfig) {
    Optional<Path> file = Optional.ofNullable(options.config());
    WeftConfig config = WeftConfig.empty();
    if (file.isPresent()) {
      config = load(file.get(), "--config");
    } else if (defaultConfig.isPresent() && Files.isRegularFile(defaultConfig.get())) {
      file = defaultConfig;
      config = load(defaultConfig.get(), "the default configuration");
    }
    if (options.set() != null) {
      config = config.withAll(WeftConfig.of(options.set()));
    }
    config = listening(options, config);
    if (options.bootstrap() != null && !options.bootstrap().isEmpty()) {
      List<String> addresses = new ArrayList<>();
      for (String b : options.bootstrap()) {
        addresses.add(bootstrapAddress(b, "--bootstrap").toString());
      }
      config = config.with(WeftConfig.BOOTSTRAP, String.join(",", addresses));
    }
    if (options.storage() != null) {
      config = config.with(WeftConfig.STORAGE, options.storage());
    }
    if (options.data() != null) {
      config = config.with(WeftConfig.DATA_DIR, options.data().toAbsolutePath().toString());
    }
    if (options.id() != null) {
      try {
        NodeId.fromHex(options.id().trim());
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid --id: " + e.getMessage());
      }
      config = config.with(WeftConfig.NODE_ID, options.id().trim());
    }
    if (options.api() != null) {
      config = config.with(API_LISTEN, options.api());
    }

    try {
      // Checked now so that a typo stops the command before anything listens.
      config.addresses(WeftConfig.LISTEN);
      config.string(WeftConfig.NODE_ID).ifPresent(NodeSettings::checkId);
      List<Address> bootstrap = new ArrayList<>();
      for (String b : config.list(WeftConfig.BOOTSTRAP)) {
        bootstrap.add(bootstrapAddress(b, WeftConfig.BOOTSTRAP));
      }
      String apiSource = options.api() != null ? "--api" : API_LISTEN;
      HostPort api = parseHostPort(config.string(API_LISTEN, Cli.DEFAULT_API), apiSource, "http");
      long maxValue = config.bytes(MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES, 1, 64L * 1024 * 1024);
      // Range checks are the plugin's: this only sizes the default body limit.
      long maxMessage = config.bytes(MessagingSettings.MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES, 1,
          64L * 1024 * 1024);
      int maxRequest = (int) config.bytes(API_MAX_REQUEST, defaultMaxRequest(Math.max(maxValue, maxMessage)), 1024,
          128L * 1024 * 1024);
      Duration timeout = config.duration(API_REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
      int streamBuffer = (int) config.bytes(API_STREAM_BUFFER, HttpApi.DEFAULT_STREAM_BUFFER, 1024,
          1024L * 1024 * 1024);
      return new NodeSettings(config, new HttpApi.Options(api, maxRequest, timeout, streamBuffer, HttpApi.HEARTBEAT),
          List.copyOf(bootstrap), file);
    } catch (ConfigException e) {
      throw new CliException(Cli.USAGE, e.getMessage(), e);
    }
  }

  static long defaultMaxRequest(long largestValueOrMessage) {
    return 2 * largestValueOrMessage + 16 * 1024;
  }

  private static void checkId(String hex) {
    try {
      NodeId.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid value for " + WeftConfig.NODE_ID + ": " + e.getMessage(), e);
    }
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

  /** {@link WeftConfig#LISTEN} from {@code --udp}, {@code --ws}, {@code --relay} and {@code --no-listen}. */
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
      return config.string(WeftConfig.LISTEN).isEmpty() ? config.with(WeftConfig.LISTEN, "udp://" + DEFAULT_UDP)
          : config;
    }
    List<String> listen = new ArrayList<>();
    if (options.udp() != null) {
      HostPort udp = parseHostPort(options.udp(), "--udp", "udp");
      listen.add(Address.of("udp", udp.host(), udp.port(), "").toString());
    } else if (!ws.noListen() && relays.isEmpty() && ws.listen() == null) {
      listen.add("udp://" + DEFAULT_UDP);
    } else if (!ws.noListen() && ws.listen() != null) {
      // --ws alone: UDP as well, on the configured or default address, unless the configuration names none.
      listen.add(config.string(WeftConfig.LISTEN).orElse("udp://" + DEFAULT_UDP));
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
    return config.with(WeftConfig.LISTEN, String.join(",", listen));
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
