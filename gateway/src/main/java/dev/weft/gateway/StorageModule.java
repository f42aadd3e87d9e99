package dev.weft.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.Version;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code put}, {@code get}, {@code delete}, {@code putSigned} (a record of an owned namespace, signed in the page: the
 * page's key never reaches the node) and {@code lscan} on the node's storage. {@code lscan} lists what the
 * super-node holds in its own store (its replicas), not the client's: a client holds none.
 */
final class StorageModule implements GatewayOps {
  /** The ops, by name. */
  static final Set<String> OPS = Set.of("put", "get", "delete", "putSigned", "lscan");

  /** Longest time to live a client may give, in seconds: a year. */
  static final long MAX_TTL_SECONDS = 365L * 24 * 3600;

  private final Storage storage;
  private final NodeId self;

  StorageModule(Node node) {
    this.storage = node.storage();
    this.self = node.id();
  }

  @Override
  public String name() {
    return "storage";
  }

  /**
   * Namespaces that modules keep their own records in: client presence ({@code weft:clients}) and PHT trie nodes. A
   * client may read them but not write them, so that a page cannot redirect another client's messages or corrupt an
   * index through its super-node.
   */
  static boolean reserved(String namespace) {
    return namespace.startsWith("weft:") || namespace.equals("pht") || namespace.startsWith("pht:");
  }

  private static String writableNamespace(OpArgs a) {
    String ns = a.string("namespace", Pages.MAX_NAME);
    if (reserved(ns)) {
      throw RemoteException.badRequest("namespace '" + ns + "' is reserved for the node's modules (weft:*, pht, pht:*)");
    }
    return ns;
  }

  /**
   * The record of a {@code putSigned}: {@code value} is the value's JSON text (a string: the signature covers its exact
   * bytes), or {@code tombstone: true}; the storage checks the signature, the version and the expiry.
   */
  private Record signedRecord(OpArgs a) {
    String ns = writableNamespace(a);
    String key = a.string("key", Pages.MAX_NAME);
    boolean tombstone = a.has("tombstone") && a.json("tombstone").asBoolean();
    if (tombstone == a.has("value") || a.has("tombstone") && !a.json("tombstone").isBoolean()) {
      throw RemoteException.badRequest("putSigned needs either \"value\" (JSON text) or \"tombstone\": true");
    }
    Version version;
    byte[] signature;
    try {
      version = Version.parse(a.string("version", 64));
      signature = Base64.getDecoder().decode(a.string("signature", 128));
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("putSigned: " + e.getMessage());
    }
    if (signature.length != RecordSigner.SIGNATURE_BYTES) {
      throw RemoteException.badRequest("\"signature\" must be " + RecordSigner.SIGNATURE_BYTES + " bytes in base64");
    }
    long expires = a.optionalInteger("expires", 1, Long.MAX_VALUE)
        .orElseThrow(() -> RemoteException.badRequest("putSigned needs \"expires\", ms since the epoch"));
    Record r = tombstone ? Record.tombstone(ns, key, version, expires, self)
        : Record.value(ns, key, a.string("value", Integer.MAX_VALUE).getBytes(StandardCharsets.UTF_8), version,
            expires, self);
    return r.withSignature(signature);
  }

  @Override
  public CompletableFuture<JsonNode> call(GatewayOps.Client client, OpArgs a) {
    switch (a.op()) {
      case "put" -> {
        a.only("namespace", "key", "value", "ttl");
        String ns = writableNamespace(a);
        String key = a.string("key", Pages.MAX_NAME);
        JsonNode value = a.json("value");
        return a.optionalInteger("ttl", 1, MAX_TTL_SECONDS)
            .map(ttl -> storage.put(ns, key, value, Duration.ofSeconds(ttl)))
            .orElseGet(() -> storage.put(ns, key, value)).thenApply(RemoteJson::putResult);
      }
      case "get" -> {
        a.only("namespace", "key");
        return storage.get(a.string("namespace", Pages.MAX_NAME), a.string("key", Pages.MAX_NAME))
            .thenApply(o -> o.<JsonNode>map(RemoteJson::storedObject).orElse(NullNode.getInstance()));
      }
      case "delete" -> {
        a.only("namespace", "key");
        String ns = writableNamespace(a);
        return storage.delete(ns, a.string("key", Pages.MAX_NAME)).thenApply(RemoteJson::putResult);
      }
      case "putSigned" -> {
        a.only("namespace", "key", "value", "tombstone", "version", "expires", "signature");
        return storage.putSigned(signedRecord(a)).thenApply(RemoteJson::putResult);
      }
      case "lscan" -> {
        a.only("namespace", "after", "limit");
        Scan scan = a.optionalString("namespace", Pages.MAX_NAME).map(Scan::namespace).orElse(Scan.all())
            .limit(a.limit());
        if (a.has("after")) {
          ObjectNode after = a.object("after");
          OpArgs cursor = new OpArgs("lscan's after", after);
          cursor.only("namespace", "key");
          scan = scan.after(cursor.string("namespace", Pages.MAX_NAME), cursor.string("key", Pages.MAX_NAME));
        }
        return storage.lscan(scan).thenApply(page -> {
          ObjectNode out = RemoteJson.object();
          ArrayNode items = out.putArray("items");
          page.items().forEach(o -> items.add(RemoteJson.storedObject(o)));
          if (page.next().isPresent()) {
            Scan next = page.next().get();
            out.putObject("next").put("namespace", next.afterNamespace().orElseThrow())
                .put("key", next.afterKey().orElseThrow());
          } else {
            out.putNull("next");
          }
          return out;
        });
      }
      default -> throw new IllegalStateException("not a storage op: " + a.op());
    }
  }
}
