package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.WeftException;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.KeyType;
import java.time.Duration;
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

  private final Storage storage;
  final LongAdder gets = new LongAdder();
  final LongAdder puts = new LongAdder();

  TrieStore(Storage storage) {
    this.storage = storage;
  }

  static String namespace(String index) {
    return "pht:" + index;
  }

  CompletableFuture<Optional<TrieNode>> read(KeyCodec codec, String prefix) {
    gets.increment();
    return storage.get(namespace(codec.info().name()), KeyCodec.dhtKey(prefix))
        .thenApply(o -> o.map(StoredObject::value).map(v -> {
          try {
            return TrieNode.fromJson(codec, v);
          } catch (IllegalArgumentException e) {
            throw new WeftException("unreadable trie node " + prefix + " of index " + codec.info().name() + ": "
                + e.getMessage(), e);
          }
        }));
  }

  CompletableFuture<Void> write(KeyCodec codec, String prefix, TrieNode node) {
    puts.increment();
    return storage.put(namespace(codec.info().name()), KeyCodec.dhtKey(prefix), node.toJson(codec), FOREVER)
        .thenApply(r -> null);
  }

  CompletableFuture<Void> delete(KeyCodec codec, String prefix) {
    puts.increment();
    return storage.delete(namespace(codec.info().name()), KeyCodec.dhtKey(prefix)).thenApply(r -> null);
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
