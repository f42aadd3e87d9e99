package dev.weft.pht.internal;

import dev.weft.pht.internal.TrieNode.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The shape of an index's trie (depth, leaves, internal nodes, entries), read level by level for {@code Pht.stats}. */
final class StatsWalk {
  private final TrieStore store;
  private final TrieReader reader;

  StatsWalk(TrieStore store, TrieReader reader) {
    this.store = store;
    this.reader = reader;
  }

  /**
   * Reads the trie level by level. Nodes are reached only through internal parents, so frozen leaves met are part of
   * a merge in progress and hold the truth; a child that vanished means a merge finished meanwhile: start again.
   */
  CompletableFuture<Void> statsOf(KeyCodec codec, List<String> level, int[] shape, long[] entries) {
    return statsOf(codec, level, Map.of(), shape, entries);
  }

  /** {@code fallback}: for children of leaves still splitting, their share of the parent's entries. */
  private CompletableFuture<Void> statsOf(KeyCodec codec, List<String> level, Map<String, Integer> fallback,
      int[] shape, long[] entries) {
    if (level.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> next = new ArrayList<>();
    Map<String, Integer> nextFallback = new java.util.HashMap<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (String p : level) {
      reads.add(store.read(codec, p).thenAccept(n -> {
        synchronized (shape) {
          Integer share = fallback.get(p);
          if (share != null && (n.isEmpty() || n.get().state() == State.FROZEN)) {
            shape[1]++;
            shape[0] = Math.max(shape[0], p.length());
            entries[0] += share;
            return;
          }
          if (n.isEmpty()) {
            throw new RetryException();
          }
          State s = n.get().state();
          if (s.holdsEntries() && s != State.SPLIT) {
            shape[1]++;
            shape[0] = Math.max(shape[0], p.length());
            entries[0] += n.get().entries().size();
          } else {
            if (s == State.SPLIT || s == State.MERGE) {
              reader.nudge(codec, p);
            }
            shape[2]++;
            next.add(p + "0");
            next.add(p + "1");
            if (s == State.SPLIT) {
              int zero = (int) n.get().entries().stream().filter(i -> i.bits().charAt(p.length()) == '0').count();
              nextFallback.put(p + "0", zero);
              nextFallback.put(p + "1", n.get().entries().size() - zero);
            }
          }
        }
      }));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      List<String> sorted;
      Map<String, Integer> fb;
      synchronized (shape) {
        sorted = new ArrayList<>(next);
        fb = new java.util.HashMap<>(nextFallback);
      }
      return statsOf(codec, sorted, fb, shape, entries);
    });
  }

}
