package dev.weft.distribution;

import dev.weft.api.WeftConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every {@code weft.*} setting a node of this distribution reads, with its default and a line of documentation: the
 * one place that knows them. {@code weft node} rejects any other key (naming the closest known one), {@code weft
 * config} lists them with their effective values, the environment variables are matched against them, and tests
 * check that the modules' {@code *Settings} classes and {@code conf/weft.properties} agree with it.
 *
 * <p>A plugin that is not part of the distribution declares its keys in a classpath resource {@value #EXTRA_RESOURCE}:
 * one {@code key = default} line each, the comment lines above it being its documentation.
 */
final class SettingsCatalog {
  /** Where a jar added to {@code lib/} declares its own settings. */
  static final String EXTRA_RESOURCE = "META-INF/weft/settings.properties";

  private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h|d)");
  private static final Pattern INTEGER = Pattern.compile("\\d+");

  /** Environment variables of the launcher and the client commands, never taken for settings. */
  static final Set<String> RESERVED_ENV = Set.of("WEFT_API", "WEFT_JAVA_OPTS", "WEFT_LOG_LEVEL", "WEFT_HOME");

  /**
   * One setting.
   *
   * @param key its name, {@code weft.<module>.<name>}
   * @param defaultValue as written in {@code conf/weft.properties}; empty when there is none
   * @param doc one line on what it does
   * @param secret whether its value is hidden by {@code weft config}
   */
  record Setting(String key, String defaultValue, String doc, boolean secret) {
    /**
     * Checks that {@code config}'s value of this setting, if any, has the right form (a size, a duration, an integer,
     * a boolean); ranges and meaning are the owning module's to check when the node starts.
     *
     * @throws dev.weft.api.ConfigException naming the key and the value
     */
    void checkForm(WeftConfig config) {
      switch (kind()) {
        case "size" -> config.bytes(key, 0, 0, Long.MAX_VALUE / 1024);
        case "duration" -> config.duration(key, Duration.ZERO);
        case "integer" -> config.integer(key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        case "boolean" -> config.bool(key, false);
        default -> {
          // text: its module reads it
        }
      }
    }

    /** size, duration, integer, boolean or text: told by the name and the default. */
    String kind() {
      if (key.endsWith("-bytes") || key.endsWith("-size") || key.endsWith("-memory")) {
        return "size";
      }
      if (DURATION.matcher(defaultValue).matches()) {
        return "duration";
      }
      if (defaultValue.equals("true") || defaultValue.equals("false")) {
        return "boolean";
      }
      return INTEGER.matcher(defaultValue).matches() ? "integer" : "text";
    }

    /** The environment variable that sets it: upper case, {@code .} and {@code -} as {@code _}. */
    String envName() {
      return envName(key);
    }

    static String envName(String key) {
      return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  private static final List<Setting> BUILT_IN = List.of(
      // Node
      s("weft.listen", "udp://" + NodeSettings.DEFAULT_UDP, "addresses to listen on, udp://HOST:PORT and ws://HOST:PORT"),
      s("weft.bootstrap", "", "nodes to join through, comma-separated; empty starts a new network"),
      s("weft.node.id", "", "this node's id, 40 hex digits; random (or the persisted one) when empty"),
      s("weft.storage", "memory", "the local store: memory or mapdb"),
      s("weft.data.dir", "", "directory of the persistent state (needed by mapdb)"),
      s("weft.plugins.disabled", "", "plugins not to start, comma-separated names"),
      s("weft.engine", "", "the node engine; empty: the only one present (kademlia)"),
      // HTTP API
      s(NodeSettings.API_LISTEN, Cli.DEFAULT_API, "where the HTTP API listens"),
      secret(NodeSettings.API_TOKEN, "", "bearer token the HTTP API requires; needed when it listens off loopback"),
      s(NodeSettings.API_HOSTS, "", "host names the HTTP API answers to besides localhost, IP addresses and its bind"
          + " name (comma-separated; * for any, with a token)"),
      s(NodeSettings.API_ORIGINS, "", "web origins whose pages may call the HTTP API besides its own (comma-separated;"
          + " * for any, with a token)"),
      s(NodeSettings.API_MAX_REQUEST, "144KiB", "largest request body (default: 2 x the largest value or message"
          + " + 16KiB)"),
      s(NodeSettings.API_REQUEST_TIMEOUT, "30s", "how long a request may wait for the node before it gets 503"),
      s(NodeSettings.API_STREAM_BUFFER, "1MiB", "how far a stream's client may fall behind before it is dropped"),
      // Storage (owned by the engine)
      s("weft.storage.max-value-bytes", "64KiB", "largest value, as UTF-8 JSON"),
      s("weft.storage.max-records", "1000000", "records held at most; when full, peers' new keys are refused"),
      s("weft.storage.new-records-per-ip-hour", "10000", "new keys one IP address may store here per hour"),
      s("weft.storage.namespace-bits", "2", "leading bits of a record id taken from its namespace's hash (0..160)"),
      // mapdb
      s("weft.mapdb.on-corruption", "fail", "fail or truncate when the log is damaged other than at its tail"),
      s("weft.mapdb.segment-size", "64MiB", "size at which the log moves to a new segment file"),
      s("weft.mapdb.compact-min-size", "64MiB", "the log is compacted once larger than this"),
      s("weft.mapdb.compact-factor", "2", "... and than this many times the live data"),
      s("weft.mapdb.sweep-chunk", "1000", "expired records removed per writer step"),
      s("weft.mapdb.mmap", "true", "map the index file into memory"),
      s("weft.mapdb.max-record-size", "16MiB", "largest encoded record"),
      s("weft.mapdb.rebuild-memory", "1GiB", "heap an index rebuild may use to merge the log in memory"),
      // Messaging
      s("weft.messaging.max-message-bytes", "64KiB", "largest message, as UTF-8 JSON"),
      s("weft.messaging.send-attempts", "3", "closest nodes tried in turn by a message to a key"),
      s("weft.messaging.broadcasts-per-origin", "50", "broadcasts a second started here or forwarded per origin"),
      s("weft.messaging.broadcasts-per-second", "500", "broadcasts a second delivered and forwarded, all origins"),
      s("weft.messaging.broadcast-attempts", "8", "contacts of a k-bucket tried before a broadcast gives it up"),
      s("weft.messaging.seen-cache", "65536", "message ids remembered to drop duplicates and replays"),
      s("weft.messaging.client-presence-ttl", "2m", "lifetime of a browser client's presence record (renewed)"),
      // Schema
      s("weft.schema.max-value-bytes", "16KiB", "largest value of a global"),
      s("weft.schema.max-globals", "10000", "most names a node keeps, removals included"),
      s("weft.schema.max-total-bytes", "16MiB", "most bytes of names and values a node keeps"),
      s("weft.schema.max-writes-per-second", "20", "writes of globals per second one node may make"),
      s("weft.schema.sync-interval", "60s", "how often a node compares digests with a neighbour"),
      s("weft.schema.tombstone-ttl", "30d", "how long a removal is remembered"),
      // PHT
      s("weft.pht.leaf-capacity", "16", "entries a leaf holds before it splits (new indexes)"),
      s("weft.pht.max-string-bytes", "32", "longest string key of new string indexes"),
      s("weft.pht.max-value-bytes", "1KiB", "largest value of one entry"),
      s("weft.pht.attempts", "40", "times an operation that met a trie node mid-change starts again"),
      // Kademlia
      s("weft.kademlia.k", "20", "bucket size and lookup result size"),
      s("weft.kademlia.alpha", "3", "requests in flight per lookup"),
      s("weft.kademlia.replication", "8", "nodes each record is stored on"),
      s("weft.kademlia.read-quorum", "3", "replicas whose answers end a read early"),
      s("weft.kademlia.rpc-timeout", "500ms", "time to wait for one answer"),
      s("weft.kademlia.rpc-timeout-min", "150ms", "least wait before a first send to a timed peer is resent"),
      s("weft.kademlia.rpc-retries", "1", "resends after a timeout"),
      s("weft.kademlia.max-failures", "3", "consecutive timeouts after which a contact is dropped"),
      s("weft.kademlia.max-per-ip", "2", "contacts of one k-bucket that may share an IP address (Sybil bound)"),
      s("weft.kademlia.max-per-subnet", "4", "contacts of one k-bucket that may share a /24 (IPv4) or /64 (IPv6)"),
      s("weft.kademlia.limit-loopback", "false", "whether per-IP limits (bucket bounds, request rate) count loopback"),
      s("weft.kademlia.requests-per-ip", "100", "requests a second one IP address may make of this node (burst 2x)"),
      s("weft.kademlia.refresh-interval", "1h", "how long a bucket may go without a lookup before it is refreshed; "
          + "dropped contacts are pinged again every sixth of it"),
      s("weft.kademlia.republish-interval", "1h", "how often holders and writers republish records"),
      s("weft.kademlia.maintenance-interval", "1m",
          "how often holders check their neighbours and hand records to new closest nodes"),
      s("weft.kademlia.record-ttl", "24h", "time to live of a record after its writer last published it"),
      s("weft.kademlia.tombstone-ttl", "24h", "how long a delete's tombstone lives"),
      s("weft.kademlia.sweep-interval", "1m", "how often expired records are swept"),
      // UDP
      s("weft.udp.max-message-bytes", "256KiB", "largest message sent or reassembled; peers must agree"),
      s("weft.udp.datagram-bytes", "1200", "largest datagram; bigger messages are split"),
      s("weft.udp.reassembly-bytes", "8MiB", "bytes all partially received messages may hold"),
      s("weft.udp.reassembly-bytes-per-source", "1MiB", "... those of one source (at least max-message-bytes)"),
      s("weft.udp.reassembly-messages", "1024", "messages partially received at once"),
      s("weft.udp.reassembly-timeout", "5s", "how long after its first fragment a message must be complete"),
      s("weft.udp.receive-buffer-bytes", "4MiB", "SO_RCVBUF requested"),
      s("weft.udp.send-buffer-bytes", "1MiB", "SO_SNDBUF requested"),
      s("weft.udp.burst-datagrams", "64", "datagrams of one message sent back to back"),
      s("weft.udp.burst-pause", "1ms", "pause between two bursts of one message"),
      // WebSocket
      s("weft.ws.max-message-bytes", "1MiB", "largest DHT message over WebSocket"),
      s("weft.ws.relays", "", "further super-nodes a relayed node fails over to (--relay)"),
      s("weft.ws.max-relayed", "1000", "relayed nodes a super-node serves at once"),
      s("weft.ws.relay-timeout", "10s", "how long a relayed node waits for its first relay"),
      s("weft.ws.max-queued-bytes", "4MiB", "bytes queued for one connection before messages are dropped"),
      s("weft.ws.verify-declared-address", "true", "a peer's declared ws address must be on the IP it connects from"),
      s("weft.ws.keystore", "", "key store (PKCS12 or JKS) of a node listening on wss://"),
      secret("weft.ws.keystore-password", "", "its password"),
      s("weft.ws.truststore", "", "certificates wss:// connections trust (default: the JVM's)"),
      secret("weft.ws.truststore-password", "", "its password"),
      s("weft.ws.max-clients", "10000", "browser clients a node serves at once"),
      s("weft.ws.allowed-origins", "", "page origins allowed besides the node's own (comma-separated; * for all)"),
      s("weft.ws.client-max-frame-bytes", "256KiB", "largest frame a browser client may send"),
      s("weft.ws.client-requests-per-second", "50", "requests per second one browser client may make on average"),
      s("weft.ws.client-burst", "100", "requests a browser client may make at once above its rate"),
      s("weft.ws.client-max-refused", "50", "requests over the rate before a browser client is disconnected"),
      s("weft.ws.client-max-in-flight", "100", "requests of one browser client being answered at once"),
      s("weft.ws.client-max-queued", "4MiB", "answers and events queued for a browser client that does not read"),
      s("weft.ws.client-request-timeout", "30s", "longest a browser client's request may take"));

  private static final SettingsCatalog DEFAULT = load(SettingsCatalog.class.getClassLoader());

  private final Map<String, Setting> byKey;
  private final Map<String, Setting> byEnv;

  private SettingsCatalog(List<Setting> settings) {
    Map<String, Setting> keys = new TreeMap<>();
    Map<String, Setting> env = new LinkedHashMap<>();
    for (Setting s : settings) {
      keys.putIfAbsent(s.key(), s);
      env.putIfAbsent(s.envName(), s);
    }
    this.byKey = Collections.unmodifiableMap(keys);
    this.byEnv = Collections.unmodifiableMap(env);
  }

  /** The built-in settings and those declared by jars on the class path of this class. */
  static SettingsCatalog standard() {
    return DEFAULT;
  }

  /** The built-in settings only. */
  static SettingsCatalog builtIn() {
    return new SettingsCatalog(BUILT_IN);
  }

  static SettingsCatalog load(ClassLoader loader) {
    List<Setting> all = new ArrayList<>(BUILT_IN);
    try {
      Enumeration<URL> extra = loader.getResources(EXTRA_RESOURCE);
      while (extra.hasMoreElements()) {
        URL url = extra.nextElement();
        try (InputStream in = url.openStream()) {
          all.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EXTRA_RESOURCE + ": " + e.getMessage(), e);
    }
    return new SettingsCatalog(all);
  }

  /**
   * The settings of a text in the form of {@code conf/weft.properties}: {@code key = default} lines, commented out or
   * not, each documented by the comment lines just above it.
   */
  static List<Setting> parse(String text) {
    List<Setting> out = new ArrayList<>();
    StringBuilder doc = new StringBuilder();
    boolean afterKey = false;
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      String body = line.startsWith("#") ? line.substring(1).strip() : line;
      int eq = body.indexOf('=');
      String key = eq < 0 ? "" : body.substring(0, eq).strip();
      if (key.startsWith("weft.") && !key.contains(" ")) {
        // Consecutive keys share the comment above the first.
        out.add(new Setting(key, body.substring(eq + 1).strip(), doc.toString().strip(), false));
        afterKey = true;
      } else if (line.startsWith("#")) {
        if (afterKey) {
          doc.setLength(0);
          afterKey = false;
        }
        doc.append(' ').append(body);
      } else if (line.isEmpty()) {
        doc.setLength(0);
        afterKey = false;
      }
    }
    return out;
  }

  /** Every setting, by key. */
  Map<String, Setting> all() {
    return byKey;
  }

  Optional<Setting> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The setting an environment variable such as {@code WEFT_KADEMLIA_K} names, if any. */
  Optional<Setting> fromEnv(String variable) {
    return Optional.ofNullable(byEnv.get(variable));
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
      Setting s = byEnv.get(name);
      if (s == null) {
        String closest = closest(name, byEnv.keySet());
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
      if (!byKey.containsKey(key)) {
        String closest = closest(key, byKey.keySet());
        throw new CliException(Cli.USAGE, "unknown setting '" + key + "' in " + where
            + (closest == null ? "" : " (did you mean " + closest + "?)")
            + "; `weft config` lists every setting");
      }
    }
  }

  /**
   * Checks the form of every known setting {@code config} holds.
   *
   * @throws dev.weft.api.ConfigException naming the first key whose value has the wrong form
   */
  void checkForms(WeftConfig config) {
    for (String key : config.asMap().keySet()) {
      find(key).ifPresent(s -> s.checkForm(config));
    }
  }

  /** The candidate nearest to {@code key} by edit distance, if it is near enough to be a likely typo. */
  static String closest(String key, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(key, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // A third of the key's length: "weft.kademlia.kk" finds weft.kademlia.k, "weft.colour" finds nothing.
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  private static Setting s(String key, String defaultValue, String doc) {
    return new Setting(key, defaultValue, doc, false);
  }

  private static Setting secret(String key, String defaultValue, String doc) {
    return new Setting(key, defaultValue, doc, true);
  }
}
