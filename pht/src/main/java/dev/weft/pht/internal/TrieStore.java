package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.KeyType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Trie nodes and index definitions as records of the node's {@link Storage}: replicated, read with a quorum and read
 * repair, republished by their holders. Trie nodes never expire; removed ones leave tombstones.
 */
final class TrieStore {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Definitions live in this namespace, keyed by index name. */
  static final String DEFINITIONS = "pht";
  /** Trie nodes should outlive everything; a fixed expiry is republished by holders as it is. */
  private static final Duration FOREVER = Duration.ofDays(365L * 100);

  /** How long this node trusts its own write over an older read: replicas catch up well within it. */
  private static final long OWN_WRITE_NANOS = 30_000_000_000L;
  private static final int OWN_WRITES = 20_000;

  private final Storage storage;
  private final java.util.function.LongSupplier nanos;
  final LongAdder gets = new LongAdder();
  final LongAdder puts = new LongAdder();
  /**
   * This node's recent writes of trie nodes (null node: a delete), by record key. A keeper reads with a quorum, but a
   * write acknowledged by only some replicas (their answers timed out under load) may be missing from the next quorum
   * read; acting on the older state would then undo the write (and lose the entries it held). So a read older than this
   * node's own write of the same record returns the write instead, for a while.
   */
  private final Map<String, Own> own = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Own> eldest) {
      return size() > OWN_WRITES;
    }
  };

  private record Own(Version version, TrieNode node, long atNanos) {}

  TrieStore(Storage storage, java.util.function.LongSupplier nanos) {
    this.storage = storage;
    this.nanos = nanos;
  }

  static String namespace(String index) {
    return "pht:" + index;
  }

  CompletableFuture<Optional<TrieNode>> read(KeyCodec codec, String prefix) {
    gets.increment();
    String key = ownKey(codec, prefix);
    return storage.get(namespace(codec.info().name()), KeyCodec.dhtKey(prefix)).thenApply(o -> {
      Own mine = ownWrite(key);
      if (mine != null && (o.isEmpty() || o.get().version().compareTo(mine.version()) < 0)) {
        // An empty read cannot be dated: a delete by another node after our write would look the same, which is
        // why our write is trusted only briefly.
        return Optional.ofNullable(mine.node());
      }
      return o.map(StoredObject::value).map(v -> {
        try {
          return TrieNode.fromJson(codec, v);
        } catch (IllegalArgumentException e) {
          throw new WeftException("unreadable trie node " + prefix + " of index " + codec.info().name() + ": "
              + e.getMessage(), e);
        }
      });
    });
  }

  CompletableFuture<Void> write(KeyCodec codec, String prefix, TrieNode node) {
    puts.increment();
    return storage.put(namespace(codec.info().name()), KeyCodec.dhtKey(prefix), node.toJson(codec), FOREVER)
        .thenAccept(r -> remember(ownKey(codec, prefix), r.version(), node));
  }

  CompletableFuture<Void> delete(KeyCodec codec, String prefix) {
    puts.increment();
    return storage.delete(namespace(codec.info().name()), KeyCodec.dhtKey(prefix))
        .thenAccept(r -> remember(ownKey(codec, prefix), r.version(), null));
  }

  private static String ownKey(KeyCodec codec, String prefix) {
    return codec.info().name() + "/" + prefix;
  }

  private void remember(String key, Version version, TrieNode node) {
    synchronized (own) {
      Own before = own.get(key);
      if (before == null || before.version().compareTo(version) < 0) {
        own.put(key, new Own(version, node, nanos.getAsLong()));
      }
    }
  }

  private Own ownWrite(String key) {
    synchronized (own) {
      Own mine = own.get(key);
      if (mine != null && nanos.getAsLong() - mine.atNanos() > OWN_WRITE_NANOS) {
        own.remove(key);
        return null;
      }
      return mine;
    }
  }

  CompletableFuture<Optional<IndexInfo>> readDefinition(String index) {
    gets.increment();
    return storage.get(DEFINITIONS, index).thenApply(o -> o.map(obj -> {
      JsonNode v = obj.value();
      try {
        KeyType type = KeyCodec.type(v.path("type").asText());
        return new IndexInfo(index, type, v.path("b").asInt(), v.path("d").asInt(), v.path("strlen").asInt());
      } catch (IllegalArgumentException e) {
        throw new WeftException("unreadable definition of index " + index + ": " + e.getMessage(), e);
      }
    }));
  }

  CompletableFuture<Void> writeDefinition(IndexInfo info) {
    puts.increment();
    JsonNode v = JSON.objectNode().put("type", info.type().name().toLowerCase(java.util.Locale.ROOT))
        .put("b", info.leafCapacity()).put("d", info.keyBits()).put("strlen", info.maxStringBytes());
    return storage.put(DEFINITIONS, info.name(), v, FOREVER).thenApply(r -> null);
  }
}
