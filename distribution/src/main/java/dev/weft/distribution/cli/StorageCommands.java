package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.RecordSigner;
import dev.weft.api.ValueCipher;
import dev.weft.api.Version;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Urls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The storage commands a running node serves through its HTTP API: {@code put} (signed in this process for an owned
 * namespace), {@code get}, {@code delete} and {@code lscan}.
 */
final class StorageCommands {
  private StorageCommands() {}

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Stores a JSON value under NAMESPACE and KEY; prints {version, acknowledged, attempted}.")
  static final class Put extends ClientCommands.Base {
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
        value = JsonTree.bytes(cipher(seal).seal(ns, key, ClientCommands.Base.jsonOf(value, "value")));
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
      byte[] key = ClientCommands.Base.keyFile(keyFile, "weft keygen --signing");
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
      String path = ClientCommands.Base.objectPath(namespace, key);
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
  static final class Get extends ClientCommands.Base {
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
  static final class Delete extends ClientCommands.Base {
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
  static final class Lscan extends ClientCommands.Base {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAMESPACE")
    String namespace;

    @Mixin
    ClientCommands.PageSizeOption pageSize;

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
}
