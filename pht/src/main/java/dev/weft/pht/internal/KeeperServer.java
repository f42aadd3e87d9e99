package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.pht.IndexInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The answering side of the {@code pht} channel: an operation for a trie node (or an index definition) this node
 * keeps goes to its {@link TrieKeeper}; one for a node closer to it is answered with that node. Called on the node's
 * event thread. Wire forms: docs/protocol.md.
 */
final class KeeperServer {
  private final Dht dht;
  private final TrieStore store;
  private final TrieKeeper keeper;
  private final Function<String, CompletableFuture<KeyCodec>> codecs;
  /** Requests being served, by sender and body; a bound keeps a flood from growing it without end. */
  private final Map<String, CompletableFuture<JsonNode>> inFlight = new ConcurrentHashMap<>();
  private static final int MAX_IN_FLIGHT = 50_000;

  KeeperServer(Dht dht, TrieStore store, TrieKeeper keeper, Function<String, CompletableFuture<KeyCodec>> codecs) {
    this.dht = dht;
    this.store = store;
    this.keeper = keeper;
    this.codecs = codecs;
  }

  /**
   * Reads {@code json} and answers it; a malformed request fails with the reason (the requester's error). A request the
   * same sender sent again while the first is still being served (a retransmission: the transport resends a request
   * that is slow to answer, or the sender's next attempt) gets the first one's answer instead of running twice:
   * otherwise a busy keeper that passes an operation down would multiply it at every level.
   */
  CompletableFuture<JsonNode> onRequest(Contact from, JsonNode json) {
    String key = from.id().toHex() + json;
    CompletableFuture<JsonNode> running = inFlight.get(key);
    if (running != null) {
      return running;
    }
    CompletableFuture<JsonNode> answer;
    try {
      answer = serve(KeeperRequest.fromJson(json)).thenApply(KeeperAnswer::toJson);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!answer.isDone() && inFlight.size() < MAX_IN_FLIGHT && inFlight.putIfAbsent(key, answer) == null) {
      answer.whenComplete((a, e) -> inFlight.remove(key, answer));
    }
    return answer;
  }

  private CompletableFuture<KeeperAnswer> serve(KeeperRequest request) {
    String index = request.index();
    if (request instanceof KeeperRequest.Create create) {
      Optional<Contact> closer = closerKeeper(TrieStore.DEFINITIONS, index, request);
      return closer.isPresent() ? closerAnswer(closer.get()) : createHere(create);
    }
    return codecs.apply(index).thenCompose(codec -> {
      String prefix = request.prefix();
      if (prefix.length() > codec.bits() || !prefix.chars().allMatch(c -> c == '0' || c == '1')) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("bad trie prefix '" + prefix + "'"));
      }
      Optional<Contact> closer = closerKeeper(TrieStore.namespace(index), KeyCodec.dhtKey(prefix), request);
      return closer.isPresent() ? closerAnswer(closer.get()) : keeper.apply(codec, prefix, request);
    });
  }

  /** A node this one knows that is closer to the trie node's key, unless the sender insists. */
  private Optional<Contact> closerKeeper(String namespace, String key, KeeperRequest request) {
    if (request.force()) {
      return Optional.empty();
    }
    NodeId target = dht.keyId(namespace, key);
    List<Contact> known = dht.closestKnown(target, 1);
    if (!known.isEmpty() && target.compareDistance(known.get(0).id(), dht.self().id()) < 0) {
      return Optional.of(known.get(0));
    }
    return Optional.empty();
  }

  private static CompletableFuture<KeeperAnswer> closerAnswer(Contact closer) {
    return CompletableFuture.completedFuture(KeeperAnswer.Closer.of(closer));
  }

  /** At the keeper of the index's definition: creates it and its root leaf, unless it exists. */
  private CompletableFuture<KeeperAnswer> createHere(KeeperRequest.Create create) {
    String index = create.index();
    IndexInfo wanted = create.info();
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
    }).thenApply(KeeperAnswer.Definition::new));
  }
}
