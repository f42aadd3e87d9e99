package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.KeyType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The answering side of the {@code pht} channel: an operation for a trie node (or an index definition) this node
 * keeps goes to its {@link TrieKeeper}; one for a node closer to it is answered with that node. Called on the node's
 * event thread. Wire forms: docs/protocol.md.
 */
final class KeeperServer {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Dht dht;
  private final TrieStore store;
  private final TrieKeeper keeper;
  private final Function<String, CompletableFuture<KeyCodec>> codecs;

  KeeperServer(Dht dht, TrieStore store, TrieKeeper keeper, Function<String, CompletableFuture<KeyCodec>> codecs) {
    this.dht = dht;
    this.store = store;
    this.keeper = keeper;
    this.codecs = codecs;
  }

  CompletableFuture<JsonNode> onRequest(Contact from, JsonNode op) {
    try {
      String index = op.path("ix").asText();
      PhtPlugin.checkName(index);
      if (op.path("op").asText().equals("create")) {
        Optional<Contact> closer = closerKeeper(TrieStore.DEFINITIONS, index, op);
        return closer.isPresent() ? closerAnswer(closer.get()) : createHere(op);
      }
      return codecs.apply(index).thenCompose(codec -> {
        String prefix = op.path("p").asText("");
        if (prefix.length() > codec.bits() || !prefix.chars().allMatch(c -> c == '0' || c == '1')) {
          return CompletableFuture.failedFuture(new IllegalArgumentException("bad trie prefix '" + prefix + "'"));
        }
        Optional<Contact> closer = closerKeeper(TrieStore.namespace(index), KeyCodec.dhtKey(prefix), op);
        return closer.isPresent() ? closerAnswer(closer.get()) : keeper.apply(codec, prefix, op);
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A node this one knows that is closer to the trie node's key, unless the sender insists. */
  private Optional<Contact> closerKeeper(String namespace, String key, JsonNode op) {
    if (op.path("force").asBoolean(false)) {
      return Optional.empty();
    }
    NodeId target = dht.keyId(namespace, key);
    List<Contact> known = dht.closestKnown(target, 1);
    if (!known.isEmpty() && target.compareDistance(known.get(0).id(), dht.self().id()) < 0) {
      return Optional.of(known.get(0));
    }
    return Optional.empty();
  }

  private static CompletableFuture<JsonNode> closerAnswer(Contact closer) {
    ObjectNode answer = JSON.objectNode().put("closer", closer.id().toHex());
    ArrayNode addrs = answer.putArray("addrs");
    closer.addresses().stream().limit(8).forEach(a -> addrs.add(a.toString()));
    return CompletableFuture.completedFuture(answer);
  }

  /** At the keeper of the index's definition: creates it and its root leaf, unless it exists. */
  private CompletableFuture<JsonNode> createHere(JsonNode op) {
    String index = op.path("ix").asText();
    KeyType type = KeyCodec.type(op.path("type").asText());
    int b = op.path("b").asInt();
    int strlen = op.path("strlen").asInt();
    if (b < 2 || b > 1000 || (type == KeyType.STRING ? strlen < 1 || strlen > 100 : strlen != 0)) {
      throw new IllegalArgumentException("bad index definition " + op);
    }
    IndexInfo wanted = new IndexInfo(index, type, b, type == KeyType.STRING ? 8 * strlen : 64, strlen);
    return keeper.serially("definition/" + index, () -> store.readDefinition(index).thenCompose(existing -> {
      if (existing.isPresent()) {
        return CompletableFuture.completedFuture(existing.get());
      }
      KeyCodec codec = new KeyCodec(wanted);
      return store.writeDefinition(wanted)
          .thenCompose(v -> store.read(codec, ""))
          .thenCompose(root -> root.isPresent() ? CompletableFuture.completedFuture(null)
              : store.write(codec, "", TrieNode.leaf(List.of())))
          .thenApply(v -> wanted);
    }).thenApply(info -> JSON.objectNode().put("type", info.type().name()).put("b", info.leafCapacity())
        .put("d", info.keyBits()).put("strlen", info.maxStringBytes())));
  }
}
