package dev.weft.pht.internal;

import dev.weft.pht.internal.TrieNode.State;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the leaf that holds a key (PHT §3.1), starting from the leaves this node met lately, and has keepers finish
 * the changes a read meets half done. Used by the plugin's reads and writes and by {@link RangeWalk}; thread-safe.
 */
final class TrieReader {
  private static final int LEAF_CACHE = 20_000;

  private final TrieStore store;
  private final TrieKeeper.Router router;
  private final Set<String> nudging = ConcurrentHashMap.newKeySet();
  /** Per index, prefixes of leaves this node has met lately: where lookups start. */
  private final Map<String, Map<String, Boolean>> leafCache = new ConcurrentHashMap<>();

  TrieReader(TrieStore store, TrieKeeper.Router router) {
    this.store = store;
    this.router = router;
  }

  /** A leaf that holds entries, found at {@code prefix}. */
  record Found(String prefix, TrieNode node) {}

  /**
   * Binary search over prefix lengths (PHT §3.1): an internal node means the leaf is deeper, no node means it is
   * shallower. About log₂ D reads. Empty when the trie changed under the search (retry).
   */
  CompletableFuture<Optional<Found>> findLeaf(KeyCodec codec, String bits, AtomicInteger reads) {
    return findLeaf(codec, bits, codec.bits(), reads);
  }

  /**
   * As {@link #findLeaf(KeyCodec, String, AtomicInteger)}, knowing the leaf is at most {@code maxDepth} deep. Starts
   * from the deepest leaf this node has seen on the key's path, if any: while the trie does not change there, that is
   * one read; if it split since, the search continues below it, if it merged, above.
   */
  CompletableFuture<Optional<Found>> findLeaf(KeyCodec codec, String bits, int maxDepth, AtomicInteger reads) {
    Map<String, Boolean> seen = leafCache.get(codec.info().name());
    int cached = -1;
    if (seen != null) {
      for (int len = Math.min(maxDepth, bits.length()); len >= 0; len--) {
        if (seen.containsKey(bits.substring(0, len))) {
          cached = len;
          break;
        }
      }
    }
    if (cached < 0) {
      return search(codec, bits, 0, maxDepth, reads);
    }
    String prefix = bits.substring(0, cached);
    int at = cached;
    reads.incrementAndGet();
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty()) {
        seen.remove(prefix);
        return search(codec, bits, 0, at - 1, reads);
      }
      TrieNode n = found.get();
      if (n.state() == State.LEAF) {
        return CompletableFuture.completedFuture(Optional.of(new Found(prefix, n)));
      }
      seen.remove(prefix);
      if (!n.state().holdsEntries() || n.state() == State.SPLIT) {
        return search(codec, bits, at + 1, maxDepth, reads);
      }
      return search(codec, bits, 0, maxDepth, reads);
    });
  }

  void rememberLeaf(KeyCodec codec, String prefix) {
    Map<String, Boolean> seen = leafCache.computeIfAbsent(codec.info().name(), n -> new ConcurrentHashMap<>());
    if (seen.size() >= LEAF_CACHE) {
      seen.clear();
    }
    seen.put(prefix, true);
  }

  private CompletableFuture<Optional<Found>> search(KeyCodec codec, String bits, int lo, int hi, AtomicInteger reads) {
    if (lo > hi) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    int mid = (lo + hi) >>> 1;
    String prefix = bits.substring(0, mid);
    reads.incrementAndGet();
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty()) {
        return search(codec, bits, lo, mid - 1, reads);
      }
      TrieNode n = found.get();
      if (n.state() == State.SPLIT) {
        // Its children may hold newer entries: look deeper, and have its keeper finish the split.
        nudge(codec, prefix);
      }
      if (!n.state().holdsEntries() || n.state() == State.SPLIT) {
        if (n.state() == State.MERGE) {
          nudge(codec, prefix);
        }
        return search(codec, bits, mid + 1, hi, reads);
      }
      if (n.state() == State.FROZEN && !prefix.isEmpty()) {
        // Untrusted, it is a leftover of a finished merge: the leaf that holds the key is above it.
        return trustFrozen(codec, prefix, reads).thenCompose(ok -> ok
            ? CompletableFuture.completedFuture(Optional.of(new Found(prefix, n)))
            : search(codec, bits, lo, mid - 1, reads));
      }
      if (n.state() == State.LEAF) {
        rememberLeaf(codec, prefix);
      }
      return CompletableFuture.completedFuture(Optional.of(new Found(prefix, n)));
    });
  }

  /** Asks the keeper of {@code prefix} to finish the change it is in the middle of; not awaited, at most once at a time. */
  void nudge(KeyCodec codec, String prefix) {
    String node = codec.info().name() + "/" + prefix;
    if (nudging.add(node)) {
      router.call(codec, prefix, KeeperRequest.OnNode.of(KeeperRequest.OnNode.Kind.FINISH, codec.info().name(),
          null))
          .whenComplete((a, e) -> nudging.remove(node));
    }
  }

  /** A frozen leaf holds the truth while its parent merges (or is still internal); once the parent is a leaf, not. */
  CompletableFuture<Boolean> trustFrozen(KeyCodec codec, String prefix, AtomicInteger reads) {
    reads.incrementAndGet();
    return store.read(codec, prefix.substring(0, prefix.length() - 1))
        .thenApply(p -> p.isPresent() && !p.get().state().holdsEntries());
  }

}
