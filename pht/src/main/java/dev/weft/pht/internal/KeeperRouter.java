package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.spi.plugin.Dht;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking side of the {@code pht} channel: takes an operation to the keeper of a trie node (or of an index's
 * definition), following the closer nodes keepers name. Used by the plugin, {@link TrieReader} and {@link TrieKeeper}
 * (as its {@link TrieKeeper.Router}) on any thread; thread-safe. Wire forms: docs/protocol.md.
 */
final class KeeperRouter implements TrieKeeper.Router {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperRouter.class);
  /** Failures in a row after which a closer node that a keeper knows of is taken for gone. */
  private static final int STRIKES = 6;

  private final Dht dht;
  /** This node's own keeper side, for operations whose keeper is this node. */
  private final Dht.ChannelHandler local;
  private final Map<NodeId, Integer> strikes = new ConcurrentHashMap<>();

  KeeperRouter(Dht dht, Dht.ChannelHandler local) {
    this.dht = dht;
    this.local = local;
  }

  /** Sends {@code op} about trie node {@code prefix} to its keeper. */
  @Override
  public CompletableFuture<JsonNode> call(KeyCodec codec, String prefix, KeeperRequest op) {
    return route(TrieStore.namespace(codec.info().name()), KeyCodec.dhtKey(prefix), op.at(prefix));
  }

  /** The closest live node to {@code (namespace, key)} takes {@code op}; a closer one it knows of gets it instead. */
  CompletableFuture<JsonNode> route(String namespace, String key, KeeperRequest op) {
    NodeId target = dht.keyId(namespace, key);
    return dht.lookup(target, 1).thenCompose(closest -> follow(closest.isEmpty() ? dht.self() : closest.get(0), op, 0));
  }

  /**
   * Sends {@code op} to {@code keeper}; when it knows a closer node, to that one, and so on a few times. A closer node
   * that does not answer is most often just busy: taking the operation elsewhere then would give the trie node two
   * keepers, so the caller retries. Only a closer node that failed {@link #STRIKES} times in a row (seconds, across
   * attempts) is taken for gone, and the node that knows it takes the operation after all.
   */
  private CompletableFuture<JsonNode> follow(Contact keeper, KeeperRequest op, int hops) {
    return send(keeper, op).thenCompose(answer -> {
      Optional<KeeperAnswer.Closer> named = KeeperAnswer.Closer.fromJson(answer);
      if (named.isEmpty()) {
        return CompletableFuture.completedFuture(answer);
      }
      Optional<Contact> closer;
      try {
        closer = closerContact(named.get());
      } catch (IllegalArgumentException e) {
        closer = Optional.empty();
      }
      KeeperRequest forced = op.forced();
      if (closer.isEmpty() || hops >= 3) {
        // A keeper that names a closer node we cannot reach, or a chain of them: it takes the operation itself.
        LOG.info("pht: {} takes {} of {} although it knows a closer node ({} hops)", keeper.id().shortHex(),
            op.op(), text(op.prefix()), hops);
        return send(keeper, forced);
      }
      NodeId closerId = closer.get().id();
      return follow(closer.get(), op, hops + 1).handle((a, e) -> {
        if (e == null) {
          strikes.remove(closerId);
          return CompletableFuture.completedFuture(a);
        }
        if (strikes.merge(closerId, 1, Integer::sum) >= STRIKES) {
          strikes.remove(closerId);
          LOG.info("pht: closer keeper {} failed {} times in a row; {} takes {} of {}", closerId.shortHex(), STRIKES,
              keeper.id().shortHex(), op.op(), text(op.prefix()));
          return send(keeper, forced);
        }
        return CompletableFuture.<JsonNode>completedFuture(
            KeeperAnswer.Retry.of("closer keeper did not answer").toJson());
      }).thenCompose(f -> f);
    });
  }

  /**
   * The closer node a keeper named: from our routing table, else from the addresses the keeper sent with it (a node we
   * have not met, or evicted under load, is still the keeper: going elsewhere would give the trie node two).
   */
  private Optional<Contact> closerContact(KeeperAnswer.Closer closer) {
    NodeId id = closer.nodeId();
    Optional<Contact> known = dht.contact(id);
    if (known.isPresent()) {
      return known;
    }
    List<dev.weft.api.Address> addresses = closer.parsedAddresses();
    return addresses.isEmpty() ? Optional.empty() : Optional.of(new Contact(id, addresses));
  }

  /** A create's absent prefix logs as today's field read did: empty. */
  private static String text(String prefix) {
    return prefix == null ? "" : prefix;
  }

  private CompletableFuture<JsonNode> send(Contact to, KeeperRequest request) {
    JsonNode op = request.toJson();
    if (to.id().equals(dht.self().id())) {
      // On the event loop, as a request from a peer would be: the keeper reads the routing table from there, and the
      // caller may be on any thread (another node's loop, in a simulation).
      return CompletableFuture.supplyAsync(() -> local.onRequest(to, op), dht.eventExecutor()).thenCompose(f -> f);
    }
    return dht.request(to, PhtPlugin.CHANNEL, op);
  }
}
