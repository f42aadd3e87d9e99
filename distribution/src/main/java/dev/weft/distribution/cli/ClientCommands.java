package dev.weft.distribution.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.RecordSigner;
import dev.weft.api.ValueCipher;
import dev.weft.api.Version;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.http.HttpApi;
import dev.weft.remote.Pages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands that talk to a running node through its HTTP API. Each prints JSON on stdout, one object per line,
 * and reports errors on stderr with an exit code (see {@link Cli}).
 */
final class ClientCommands {
  /** Three heartbeats missed: the node is gone, or the network between us; {@link Base#follow} gives up. */
  static final Duration SILENCE_LIMIT = Duration.ofSeconds(3 * HttpApi.HEARTBEAT_SECONDS);

  private ClientCommands() {}

  /** {@code --api}, {@code --token} and {@code --pretty}, shared by every client command. */
  static final class ApiOption {
    @Option(names = "--api", paramLabel = "HOST:PORT",
        description = "The node's HTTP API (default: $" + Cli.API_ENV + ", else " + Cli.DEFAULT_API + ").")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "The API's token, for a node whose API requires one (default: $" + Cli.TOKEN_ENV + ", else "
            + NodeSettings.API_TOKEN_KEY + " of conf/weft.properties).")
    String token;

    @Option(names = "--pretty", description = "Indented JSON, for people (default: one JSON value per line).")
    boolean pretty;

    /**
     * {@code --token} of the command, else {@code parentToken}, else {@value Cli#TOKEN_ENV}, else {@link
     * NodeSettings#API_TOKEN} of the installation's {@code conf/weft.properties}; empty when none is set.
     */
    Optional<String> resolveToken(Cli cli, String parentToken) {
      String text = token != null ? token : parentToken;
      if (text == null) {
        text = cli.env().get(Cli.TOKEN_ENV);
      }
      if (text == null) {
        text = NodeSettings.installedSetting(NodeSettings.API_TOKEN).orElse(null);
      }
      return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
    }

    /** {@code --api} of the command, else {@code parentApi} (given before the command), else the environment. */
    HostPort resolve(Cli cli, String parentApi) {
      String text = api != null ? api : parentApi;
      String source = "--api";
      if (text == null) {
        text = cli.env().get(Cli.API_ENV);
        source = Cli.API_ENV;
      }
      if (text == null || text.isBlank()) {
        text = Cli.DEFAULT_API;
        source = "the default";
      }
      HostPort hp;
      try {
        hp = HostPort.parse(text, "http");
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "invalid API address in " + source + ": " + e.getMessage());
      }
      if (hp.port() == 0) {
        throw new CliException(Cli.USAGE, "invalid API address in " + source + ": port 0 cannot be dialled");
      }
      return hp;
    }
  }

  /** A command that only groups subcommands ({@code weft global}, {@code weft pht}): alone, it prints its usage. */
  abstract static class CommandGroup implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return Cli.USAGE;
    }
  }

  /** {@code --page-size}, of the commands that follow the pages of a list. */
  static final class PageSizeOption {
    @Option(names = "--page-size", paramLabel = "N", defaultValue = "" + Pages.DEFAULT,
        description = "How many to fetch per request, 1 to " + Pages.MAX + " (default: ${DEFAULT-VALUE}).")
    int pageSize;

    /** The page size, checked. */
    int get() {
      if (pageSize < 1 || pageSize > Pages.MAX) {
        throw new CliException(Cli.USAGE, "--page-size must be 1 to " + Pages.MAX + ", got " + pageSize);
      }
      return pageSize;
    }
  }

  /** Common to the client commands: the {@link Cli}, the {@code --api} option and output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    ApiOption apiOption;

    @Spec
    CommandSpec spec;

    final Cli cli;

    Base(Cli cli) {
      this.cli = cli;
    }

    ApiClient client() {
      WeftCommand root = root();
      return new ApiClient(apiOption.resolve(cli, root == null ? null : root.api),
          apiOption.resolveToken(cli, root == null ? null : root.token));
    }

    /** {@code weft} itself, whose options given before the command ({@code weft --api HOST:PORT global get ...}). */
    private WeftCommand root() {
      for (CommandSpec s = spec.parent(); s != null; s = s.parent()) {
        if (s.userObject() instanceof WeftCommand weft) {
          return weft;
        }
      }
      return null;
    }

    boolean pretty() {
      WeftCommand root = root();
      return apiOption.pretty || root != null && root.pretty;
    }

    void print(JsonNode json) {
      cli.out().println(pretty() ? JsonTree.pretty(json) : JsonTree.text(json));
      if (json.path("warning").isTextual()) {
        // Scripts read stdout; a person reads this.
        cli.err().println("weft: warning: " + json.get("warning").asText());
      }
    }

    static String objectPath(String namespace, String key) {
      return "/v1/objects/" + segments(namespace, key);
    }

    static String segments(String namespace, String key) {
      if (namespace.isEmpty() || key.isEmpty()) {
        throw new CliException(Cli.USAGE, "namespace and key must not be empty");
      }
      return Urls.encodeSegment(namespace) + "/" + Urls.encodeSegment(key);
    }

    /**
     * The JSON argument of a command as bytes: the text itself, or standard input for {@code -}. Checked here as well
     * as by the node, so that a typo gets its message without a round trip.
     */
    byte[] jsonArgument(String json, String what) {
      byte[] bytes = argumentBytes(json, what);
      jsonOf(bytes, what);
      return bytes;
    }

    /** As {@link #jsonArgument}, parsed. */
    JsonNode jsonTreeArgument(String json, String what) {
      return jsonOf(argumentBytes(json, what), what);
    }

    private byte[] argumentBytes(String json, String what) {
      byte[] bytes;
      if (json.equals("-")) {
        try {
          bytes = cli.in().readAllBytes();
        } catch (IOException e) {
          throw new CliException(Cli.USAGE, "cannot read the " + what + " from standard input: " + e.getMessage(), e);
        }
      } else {
        bytes = json.getBytes(StandardCharsets.UTF_8);
      }
      return bytes;
    }

    /** The base64 key in {@code file}, a file made by {@code makeWith}. */
    private static byte[] keyFile(Path file, String makeWith) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException | java.io.UncheckedIOException e) {
        throw new CliException(Cli.USAGE, "cannot read the key file " + file + ": " + e.getMessage(), e);
      }
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "the key file " + file + " does not hold a base64 key (make one with `"
            + makeWith + " > FILE`)", e);
      }
    }

    /** The cipher whose key is in {@code file}: the base64 text {@code weft keygen} prints. */
    static ValueCipher cipher(Path file) {
      byte[] key = keyFile(file, "weft keygen");
      try {
        return ValueCipher.of(key);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "the key file " + file + ": " + e.getMessage(), e);
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
    }

    private static JsonNode jsonOf(byte[] bytes, String what) {
      try {
        return JsonTree.parse(bytes);
      } catch (JsonProcessingException e) {
        throw new CliException(Cli.USAGE, "invalid JSON " + what + ": " + JsonTree.reason(e)
            + " (strings need quotes: '\"text\"')");
      }
    }

    /**
     * Prints the items, the array {@code items} of each page, of every page of {@code path} (which has a query string
     * already), one JSON line each, following the {@code next} cursors to the last page.
     */
    void printPages(ApiClient client, String path, String items) {
      Set<String> seen = new HashSet<>();
      String cursor = null;
      do {
        JsonNode page = client.call("GET", path + (cursor == null ? "" : "&after=" + cursor), null).body();
        for (JsonNode item : page.path(items)) {
          print(item);
        }
        cli.out().flush();
        JsonNode next = page.path("next");
        cursor = next.isTextual() ? next.textValue() : null;
        if (cursor != null && !seen.add(cursor)) {
          // A node that hands out the same cursor twice would make this loop forever.
          throw new CliException(Cli.INTERNAL, "the node repeated the page cursor " + cursor);
        }
      } while (cursor != null);
    }

    /**
     * Prints the JSON lines of a stream ({@code /v1/messages/stream}, {@code /v1/schema/watch}) as they arrive, skipping
     * heartbeats, until whoever reads stdout goes away (exit code 0) or the node ends the stream, breaks it or goes
     * silent for {@link #SILENCE_LIMIT} (a {@link CliException} with exit code 3).
     *
     * @param doing what the command does, for the line on stderr that says the stream is open: "listening to"
     */
    int follow(String path, String doing) {
      return follow(path, null, doing, line -> false);
    }

    /**
     * As {@link #follow(String, String)}, POSTing {@code request} when it is not null, and ending after the first line
     * {@code last} accepts (printed first); {@code last} may end the command itself by throwing a {@link CliException}.
     */
    int follow(String path, byte[] request, String doing, Predicate<String> last) {
      ApiClient client = client();
      InputStream body = client.stream(path, request, SILENCE_LIMIT);
      // On stderr, so stdout stays one event per line. The node registered the stream before it answered: from now on
      // nothing is missed, which is what scripts wait for.
      cli.err().println(spec.qualifiedName() + ": " + doing + " " + client.base() + " (Ctrl-C stops)");
      // A node that froze, or whose host vanished, closes nothing: only its silence tells, as a read that times out.
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            // The node's heartbeat.
            continue;
          }
          cli.out().println(pretty() ? prettyLine(line) : line);
          if (cli.out().checkError()) {
            // Whoever read our output is gone (`weft listen | head -1`); PrintWriter would swallow every later error.
            return Cli.OK;
          }
          cli.out().flush();
          if (last.test(line)) {
            return Cli.OK;
          }
        }
      } catch (SocketTimeoutException e) {
        throw new CliException(Cli.UNAVAILABLE, "no word from the node at " + client.base() + " for "
            + SILENCE_LIMIT.toSeconds() + " s (it sends a heartbeat every " + HttpApi.HEARTBEAT_SECONDS
            + " s): it is gone or unreachable", e);
      } catch (IOException e) {
        throw new CliException(Cli.UNAVAILABLE, "lost the connection to the node at " + client.base() + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
      }
      throw new CliException(Cli.UNAVAILABLE, "the node at " + client.base() + " ended the stream: it stopped");
    }

    /** A line of a stream, indented; as it came when it is not JSON (it always is, from a weft node). */
    private static String prettyLine(String line) {
      try {
        return JsonTree.pretty(JsonTree.parse(line.getBytes(StandardCharsets.UTF_8)));
      } catch (JsonProcessingException e) {
        return line;
      }
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Stores a JSON value under NAMESPACE and KEY; prints {version, acknowledged, attempted}.")
  static final class Put extends Base {
    @Parameters(index = "0", paramLabel = "NAMESPACE")
    String namespace;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", paramLabel = "JSON", description = "The value, any JSON: '{\"a\":1}', '\"text\"', 42 ... "
        + "Use - to read it from standard input.")
    String json;

    @Option(names = "--ttl", paramLabel = "DURATION",
        description = "How long the object lives, e.g. 30s, 5m, 24h, 7d (default: the node's).")
    String ttl;

    @Option(names = "--seal", paramLabel = "KEYFILE",
        description = "Encrypt the value here, before it is sent (AES-GCM, bound to NAMESPACE and KEY), with the key "
            + "in KEYFILE (`weft keygen > KEYFILE`): nodes hold only the sealed form. Read it with get --open.")
    Path seal;

    @Option(names = "--sign", paramLabel = "KEYFILE",
        description = "Write into an owned namespace, signed here with the key in KEYFILE (`weft keygen --signing > "
            + "KEYFILE`; it never goes to the node): NAMESPACE is a short name (the key's @<public key>/NAMESPACE) "
            + "or the full @<public key>/NAME. Only this key can then change or delete the object. The object lives "
            + "for --ttl (default 24h): put it again to extend it. Prints the namespace too.")
    Path sign;

    Put(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      byte[] value = jsonArgument(json, "value");
      Signing signing = sign == null ? null : new Signing(sign, namespace);
      String ns = signing == null ? namespace : signing.namespace();
      if (seal != null) {
        segments(ns, key);
        value = JsonTree.bytes(cipher(seal).seal(ns, key, Base.jsonOf(value, "value")));
      }
      if (signing != null) {
        segments(ns, key);
        // Signed as compact JSON text: the exact bytes every replica checks (numbers as given).
        print(signing.write(client(), key, JsonTree.bytes(jsonTreeArgument(new String(value, StandardCharsets.UTF_8),
            "value")), Signing.ttl(ttl)));
        return Cli.OK;
      }
      String path = objectPath(namespace, key) + (ttl == null ? "" : "?ttl=" + Urls.encodeSegment(ttl));
      print(client().call("PUT", path, value).body());
      return Cli.OK;
    }
  }

  /** A write into an owned namespace, signed in this process: the private key never goes to the node. */
  static final class Signing {
    /** What a signed write lives without --ttl: the nodes' default record and tombstone lifetime. */
    static final Duration DEFAULT_TTL = Duration.ofHours(24);

    private final RecordSigner signer;
    private final String namespace;

    /**
     * @param namespace a short name ({@code notes}: the signer's {@code @<key>/notes}) or a full owned namespace, which
     *     must be the signer's
     */
    Signing(Path keyFile, String namespace) {
      byte[] key = Base.keyFile(keyFile, "weft keygen --signing");
      try {
        this.signer = RecordSigner.fromPrivateKey(key);
      } catch (IllegalArgumentException e) {
        throw new CliException(Cli.USAGE, "the key file " + keyFile + " does not hold a signing key (make one with "
            + "`weft keygen --signing > FILE`): " + e.getMessage(), e);
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
      if (namespace.isEmpty()) {
        throw new CliException(Cli.USAGE, "namespace and key must not be empty");
      }
      if (!RecordSigner.isOwned(namespace)) {
        this.namespace = signer.namespace(namespace);
      } else if (signer.owns(namespace)) {
        this.namespace = namespace;
      } else {
        throw new CliException(Cli.USAGE, "namespace " + namespace + " is not owned by the key in " + keyFile
            + " (its namespaces are " + signer.namespace() + " and " + signer.namespace() + "/NAME)");
      }
    }

    String namespace() {
      return namespace;
    }

    /**
     * Signs and sends the record ({@code value} null: a tombstone), then prints the node's answer with the namespace.
     * The version: newer than this machine's clock and than the version the node reads now, so a write from a machine
     * whose clock is behind still wins; the node refuses one more than a minute ahead of its own clock.
     */
    ObjectNode write(ApiClient client, String key, byte[] value, Duration ttl) {
      String path = Base.objectPath(namespace, key);
      long now = System.currentTimeMillis();
      long timestamp = now << 16;
      ApiClient.Reply current = client.send("GET", path, null);
      if (current.status() == 200 && current.body().path("version").isTextual()) {
        long held = Version.parse(current.body().path("version").asText()).timestamp();
        timestamp = Math.max(timestamp, held + 1);
      }
      Version version = new Version(timestamp, java.nio.ByteBuffer.wrap(signer.publicKey()).getLong());
      long expires = now + ttl.toMillis();
      byte[] bytes = value == null ? new byte[0] : value;
      ObjectNode body = JsonTree.NODES.objectNode();
      if (value == null) {
        body.put("tombstone", true);
      } else {
        body.put("value", new String(value, StandardCharsets.UTF_8));
      }
      body.put("version", version.toString()).put("expires", expires)
          .put("signature", Base64.getEncoder().encodeToString(signer.sign(namespace, key, version, expires,
              value == null, bytes)));
      JsonNode answer = client.call("PUT", path + "/signed", JsonTree.bytes(body)).body();
      ObjectNode out = JsonTree.NODES.objectNode().put("namespace", namespace);
      if (answer instanceof ObjectNode o) {
        out.setAll(o);
      }
      return out;
    }

    static Duration ttl(String text) {
      if (text == null) {
        return DEFAULT_TTL;
      }
      try {
        Duration d = dev.weft.api.WeftConfig.empty().with("ttl", text).duration("ttl", Duration.ZERO);
        if (d.isNegative() || d.isZero()) {
          throw new CliException(Cli.USAGE, "--ttl must be positive, got " + text);
        }
        return d;
      } catch (dev.weft.api.ConfigException e) {
        throw new CliException(Cli.USAGE, "invalid --ttl: " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Prints the object {namespace, key, value, version} stored under NAMESPACE and KEY; "
          + "exit code 1 when there is none.")
  static final class Get extends Base {
    @Parameters(index = "0", paramLabel = "NAMESPACE")
    String namespace;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--open", paramLabel = "KEYFILE",
        description = "Decrypt a value stored with put --seal, with the key in KEYFILE; exit code 2 when the value "
            + "is not sealed, or not with this key for this NAMESPACE and KEY.")
    Path open;

    Get(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      ValueCipher cipher = open == null ? null : cipher(open);
      JsonNode object = client().call("GET", objectPath(namespace, key), null).body();
      if (cipher != null && object instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        try {
          o.set("value", cipher.open(namespace, key, o.path("value")));
        } catch (dev.weft.api.WeftException e) {
          throw new CliException(Cli.USAGE, namespace + "/" + key + ": " + e.getMessage(), e);
        }
      }
      print(object);
      return Cli.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes the object under NAMESPACE and KEY (writes a tombstone; succeeds whether or not it "
          + "existed); prints {version, acknowledged, attempted}.")
  static final class Delete extends Base {
    @Parameters(index = "0", paramLabel = "NAMESPACE")
    String namespace;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--sign", paramLabel = "KEYFILE",
        description = "Delete in an owned namespace, the tombstone signed here with the key in KEYFILE (as put --sign).")
    Path sign;

    Delete(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      if (sign != null) {
        Signing signing = new Signing(sign, namespace);
        segments(signing.namespace(), key);
        print(signing.write(client(), key, null, Signing.DEFAULT_TTL));
        return Cli.OK;
      }
      print(client().call("DELETE", objectPath(namespace, key), null).body());
      return Cli.OK;
    }
  }

  @Command(name = "lscan", mixinStandardHelpOptions = true,
      description = "Lists the objects the node holds locally (all namespaces, or NAMESPACE), one JSON object per "
          + "line, in (namespace, key) order.")
  static final class Lscan extends Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE")
    String namespace;

    @Mixin
    PageSizeOption pageSize;

    Lscan(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      int limit = pageSize.get();
      if (namespace != null && namespace.isEmpty()) {
        throw new CliException(Cli.USAGE, "the namespace must not be empty");
      }
      printPages(client(), "/v1/objects?limit=" + limit
          + (namespace == null ? "" : "&namespace=" + Urls.encodeSegment(namespace)), "items");
      return Cli.OK;
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Prints the node's id, addresses, contacts, stored records and routing table as one JSON object.")
  static final class Info extends Base {
    Info(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("GET", "/v1/info", null).body());
      return Cli.OK;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Prints the node's counters (RPCs, lookups, bytes, messages) as one JSON object.")
  static final class Stats extends Base {
    Stats(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      print(client().call("GET", "/v1/stats", null).body());
      return Cli.OK;
    }
  }

  @Command(name = "peers", mixinStandardHelpOptions = true,
      description = "Prints the node's routing table, one JSON line per contact: {id, addresses, bucket, "
          + "lastSeenMillis, rttMillis, failures}, most distant bucket first.")
  static final class Peers extends Base {
    Peers(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      for (JsonNode peer : client().call("GET", "/v1/peers", null).body().path("peers")) {
        print(peer);
      }
      return Cli.OK;
    }
  }
}
