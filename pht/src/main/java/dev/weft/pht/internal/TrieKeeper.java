package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.pht.internal.KeeperRequest.OnNode.Kind;
import dev.weft.pht.internal.TrieNode.Item;
import dev.weft.pht.internal.TrieNode.State;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes to trie nodes, made by the node responsible for each (the closest to its DHT key), one at a time per
 * trie node. Each change reads the node with a quorum first, so a node that has just become responsible starts from
 * the newest state, not from its own copy.
 *
 * <h2>Splits and merges</h2>
 * A leaf that overflows records {@code split} with its entries, has each child created by the child's own keeper
 * ("create if absent": a child created by an earlier attempt may already hold newer entries), then becomes internal. A
 * parent whose two leaf children hold at most B/2 entries together records {@code merge}, has each child frozen by its
 * keeper (a child that is no longer a plain leaf refuses, and the merge is undone), becomes a leaf with the union, and
 * has the frozen children dropped. Whoever meets a node in {@code split} or {@code merge} finishes the change first; a
 * {@code frozen} child whose parent is no longer merging is a leftover and is cleaned up. A keeper never waits for an
 * answer from the keeper of a trie node above its own, so keepers cannot wait on each other in a cycle.
 */
final class TrieKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(TrieKeeper.class);
  /** A leaf larger than this splits even with fewer than B entries: records must fit the storage value limit. */
  static final int LEAF_BYTES = 48 * 1024;

  /** Sends an operation to the keeper of a trie node (which may be this node), naming the node in it ({@code p}). */
  interface Router {
    CompletableFuture<JsonNode> call(KeyCodec codec, String prefix, KeeperRequest op);
  }

  private final TrieStore store;
  private final Router router;
  private final Map<String, CompletableFuture<Void>> queues = new HashMap<>();
  /** Inserts and removes waiting for their trie node, applied together in one read and one write. */
  private final Map<String, List<Change>> batches = new HashMap<>();

  /** An insert ({@code valueText} of the item) or a remove ({@code item} null) waiting in a batch. */
  private record Change(Item item, String bits, String valueText, CompletableFuture<KeeperAnswer> answer) {}

  TrieKeeper(TrieStore store, Router router) {
    this.store = store;
    this.router = router;
  }

  /** Runs {@code op} after every earlier operation on the same trie node has finished. */
  <T> CompletableFuture<T> serially(String node, Supplier<CompletableFuture<T>> op) {
    CompletableFuture<T> result;
    synchronized (queues) {
      CompletableFuture<Void> previous = queues.getOrDefault(node, CompletableFuture.completedFuture(null));
      result = previous.thenCompose(v -> {
        try {
          return op.get();
        } catch (RuntimeException e) {
          return CompletableFuture.failedFuture(e);
        }
      });
      CompletableFuture<Void> tail = result.handle((r, e) -> null);
      queues.put(node, tail);
      tail.thenRun(() -> {
        synchronized (queues) {
          queues.remove(node, tail);
        }
      });
    }
    return result;
  }

  /** One operation on the trie node {@code prefix} of the index of {@code codec}; on the node responsible for it. */
  CompletableFuture<KeeperAnswer> apply(KeyCodec codec, String prefix, KeeperRequest op) {
    String node = codec.info().name() + "/" + prefix;
    if (op instanceof KeeperRequest.OnKey k && k.insert()) {
      Item item = new WireEntry(k.key(), k.value()).item(codec);
      return batch(codec, prefix, node, new Change(item, item.bits(), item.valueText(), new CompletableFuture<>()));
    }
    if (op instanceof KeeperRequest.OnKey k) {
      String bits = codec.bits(codec.fromJson(k.key()));
      return batch(codec, prefix, node, new Change(null, bits, k.value() != null ? k.value().toString() : null,
          new CompletableFuture<>()));
    }
    if (op instanceof KeeperRequest.Child child) {
      return serially(node, () -> child(codec, prefix, WireEntry.items(codec, child.entries())));
    }
    if (!(op instanceof KeeperRequest.OnNode on)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("unknown pht operation '" + op.op() + "'"));
    }
    return serially(node, () -> switch (on.kind()) {
      case MERGE -> mergeCheck(codec, prefix);
      case FINISH -> finish(codec, prefix);
      case SHAPE -> shape(codec, prefix);
      case FREEZE -> freeze(codec, prefix);
      case UNFREEZE -> unfreeze(codec, prefix);
      case DROP -> drop(codec, prefix);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entries

  private CompletableFuture<KeeperAnswer> batch(KeyCodec codec, String prefix, String node, Change change) {
    if (!change.bits().startsWith(prefix)) {
      return CompletableFuture.completedFuture(KeeperAnswer.Retry.of("key not under this prefix"));
    }
    boolean first;
    synchronized (batches) {
      List<Change> waiting = batches.computeIfAbsent(node, n -> new ArrayList<>());
      waiting.add(change);
      first = waiting.size() == 1;
    }
    if (first) {
      serially(node, () -> {
        List<Change> taken;
        synchronized (batches) {
          taken = batches.remove(node);
        }
        return applyBatch(codec, prefix, taken).whenComplete((v, e) -> {
          for (Change c : taken) {
            if (e == null) {
              continue;
            }
            // A bad entry is the caller's error; anything else (a child's keeper busy during a split) is recorded
            // in the trie node and finished later: the caller tries again.
            Throwable cause = PhtPlugin.unwrap(e);
            if (cause instanceof IllegalArgumentException) {
              c.answer().completeExceptionally(cause);
            } else {
              // The batch may have been written before the failure (a split records its entries first): the
              // change may have happened, and the caller must not take "already there" on its retry as someone
              // else's doing.
              c.answer().complete(new KeeperAnswer.Retry("keeper: " + cause, true));
            }
          }
        });
      });
    }
    return change.answer();
  }

  /** Applies waiting inserts and removes in order with one read and one write (or one split) of the leaf. */
  private CompletableFuture<Void> applyBatch(KeyCodec codec, String prefix, List<Change> changes) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty() || found.get().state() != State.LEAF) {
        return elsewhere(codec, prefix, found).thenAccept(a -> changes.forEach(c -> c.answer().complete(a)));
      }
      List<Item> entries = new ArrayList<>(found.get().entries());
      List<KeeperAnswer> answers = new ArrayList<>();
      boolean changed = false;
      for (Change c : changes) {
        if (c.item() != null) {
          boolean fresh = entries.stream().noneMatch(c.item()::sameAs);
          if (fresh) {
            entries.add(c.item());
            changed = true;
          }
          answers.add(new KeeperAnswer.Added(fresh));
        } else {
          int before = entries.size();
          entries.removeIf(i -> i.bits().equals(c.bits()) && (c.valueText() == null
              || i.valueText().equals(c.valueText())));
          changed |= entries.size() != before;
          answers.add(new KeeperAnswer.Removed(before - entries.size()));
        }
      }
      CompletableFuture<Void> written;
      if (!changed) {
        written = CompletableFuture.completedFuture(null);
      } else if (overflows(codec, prefix, entries)) {
        if (prefix.length() == codec.bits()) {
          return CompletableFuture.failedFuture(new IllegalArgumentException("a key has too many values to fit"
              + " one trie leaf (" + LEAF_BYTES + " bytes)"));
        }
        written = split(codec, prefix, TrieNode.sorted(entries));
      } else {
        written = store.write(codec, prefix, TrieNode.leaf(entries));
      }
      int size = entries.size();
      return written.thenAccept(v -> {
        for (int i = 0; i < changes.size(); i++) {
          changes.get(i).answer().complete(answers.get(i));
        }
        if (!prefix.isEmpty() && size <= codec.info().leafCapacity() / 2 && changes.stream().anyMatch(
            c -> c.item() == null)) {
          // Not awaited: the parent's keeper will ask this one to freeze, which queues behind this batch.
          router.call(codec, prefix.substring(0, prefix.length() - 1), op(codec, Kind.MERGE))
              .exceptionally(e -> {
                LOG.debug("merge check of {} failed: {}", prefix, e.toString());
                return null;
              });
        }
      });
    });
  }

  /** The operation met a node that is not a plain leaf: finish what it is in the middle of, and have the caller retry. */
  private CompletableFuture<KeeperAnswer> elsewhere(KeyCodec codec, String prefix, Optional<TrieNode> found) {
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(KeeperAnswer.Retry.of("absent"));
    }
    TrieNode n = found.get();
    return switch (n.state()) {
      case SPLIT -> finishSplit(codec, prefix, n.entries()).thenApply(v -> KeeperAnswer.Retry.of("split"));
      case MERGE -> finishMerge(codec, prefix).thenApply(v -> KeeperAnswer.Retry.of("merge"));
      case FROZEN -> resolveFrozen(codec, prefix, n).thenApply(v -> KeeperAnswer.Retry.of("frozen"));
      case INTERNAL, LEAF -> CompletableFuture.completedFuture(KeeperAnswer.Retry.of("internal"));
    };
  }

  private static boolean overflows(KeyCodec codec, String prefix, List<Item> entries) {
    if (entries.size() > codec.info().leafCapacity() && prefix.length() < codec.bits()) {
      return true;
    }
    int bytes = 0;
    for (Item i : entries) {
      bytes += i.bits().length() / 8 + i.valueText().getBytes(StandardCharsets.UTF_8).length + 8;
    }
    return bytes > LEAF_BYTES;
  }

  private static KeeperRequest op(KeyCodec codec, Kind kind) {
    return KeeperRequest.OnNode.of(kind, codec.info().name(), null);
  }

  /**
   * The state of {@code prefix}'s parent. Operations a parent's keeper sends to a child (create, freeze, unfreeze,
   * drop) are only acted on while the parent is in the state that asked for them: a late duplicate of one (a
   * retransmitted request, say) finds the parent moved on and changes nothing.
   */
  private CompletableFuture<State> parentState(KeyCodec codec, String prefix) {
    return store.read(codec, prefix.substring(0, prefix.length() - 1))
        .thenApply(p -> p.map(TrieNode::state).orElse(null));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Splits

  private CompletableFuture<Void> split(KeyCodec codec, String prefix, List<Item> entries) {
    return store.write(codec, prefix, new TrieNode(State.SPLIT, entries))
        .thenCompose(v -> finishSplit(codec, prefix, entries));
  }

  private CompletableFuture<Void> finishSplit(KeyCodec codec, String prefix, List<Item> entries) {
    List<Item> zero = new ArrayList<>();
    List<Item> one = new ArrayList<>();
    for (Item i : entries) {
      (i.bits().charAt(prefix.length()) == '0' ? zero : one).add(i);
    }
    CompletableFuture<JsonNode> a = askChild(codec, prefix + "0", zero, 0);
    CompletableFuture<JsonNode> b = askChild(codec, prefix + "1", one, 0);
    return CompletableFuture.allOf(a, b).thenCompose(v -> store.write(codec, prefix, TrieNode.internal()))
        .thenRun(() -> {
          reshapeParent(codec, prefix);
          if (KeeperAnswer.Done.fromJson(a.join()).existed() || KeeperAnswer.Done.fromJson(b.join()).existed()) {
            // A child from an earlier attempt may have split already: this node's own hint is not empty then.
            reshape(codec, prefix);
          }
        });
  }

  private CompletableFuture<JsonNode> askChild(KeyCodec codec, String child, List<Item> entries, int attempt) {
    KeeperRequest op = new KeeperRequest.Child(codec.info().name(), child, WireEntry.of(codec, entries), false);
    return router.call(codec, child, op).thenCompose(answer -> {
      Optional<KeeperAnswer.Retry> retry = KeeperAnswer.Retry.fromJson(answer);
      if (retry.isPresent()) {
        if (attempt >= 5) {
          return CompletableFuture.failedFuture(new dev.weft.api.WeftException("could not create trie node " + child
              + ": " + retry.get().why()));
        }
        return askChild(codec, child, entries, attempt + 1);
      }
      return CompletableFuture.completedFuture(answer);
    });
  }

  /** Creates a child of a splitting leaf unless an earlier attempt did (then it may hold newer entries). */
  private CompletableFuture<KeeperAnswer> child(KeyCodec codec, String prefix, List<Item> entries) {
    return parentState(codec, prefix).thenCompose(parent -> parent != State.SPLIT
        ? CompletableFuture.completedFuture(KeeperAnswer.Done.STALE)
        : createChild(codec, prefix, entries));
  }

  private CompletableFuture<KeeperAnswer> createChild(KeyCodec codec, String prefix, List<Item> entries) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isPresent() && found.get().state() != State.FROZEN) {
        return CompletableFuture.completedFuture(KeeperAnswer.Done.EXISTED);
      }
      // Absent, or a frozen leftover of a merge finished long ago: the split's copy is the truth. A child that
      // overflows too (keys bunched in a small part of the domain) splits on its own right after, not while its
      // parent's keeper waits for this answer.
      return store.write(codec, prefix, TrieNode.leaf(entries)).thenApply(v -> {
        if (overflows(codec, prefix, entries) && prefix.length() < codec.bits()) {
          router.call(codec, prefix, op(codec, Kind.FINISH)).exceptionally(e -> null);
        }
        return KeeperAnswer.Done.OK;
      });
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Merges

  private CompletableFuture<KeeperAnswer> mergeCheck(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(new KeeperAnswer.Merged(false));
      }
      if (found.get().state() == State.MERGE) {
        return finishMerge(codec, prefix).thenApply(KeeperAnswer.Merged::new);
      }
      if (found.get().state() != State.INTERNAL) {
        return CompletableFuture.completedFuture(new KeeperAnswer.Merged(false));
      }
      CompletableFuture<Optional<TrieNode>> a = store.read(codec, prefix + "0");
      CompletableFuture<Optional<TrieNode>> b = store.read(codec, prefix + "1");
      return a.thenCombine(b, (x, y) -> x.isPresent() && y.isPresent() && x.get().state() == State.LEAF
              && y.get().state() == State.LEAF
              && x.get().entries().size() + y.get().entries().size() <= codec.info().leafCapacity() / 2)
          .thenCompose(small -> small
              ? store.write(codec, prefix, TrieNode.internal().with(State.MERGE))
                  .thenCompose(v -> finishMerge(codec, prefix)).thenApply(KeeperAnswer.Merged::new)
              : CompletableFuture.completedFuture(new KeeperAnswer.Merged(false)));
    });
  }

  /** Freezes both children, then makes this node a leaf of their union; undoes the merge if a child refuses. */
  private CompletableFuture<Boolean> finishMerge(KeyCodec codec, String prefix) {
    CompletableFuture<JsonNode> a = router.call(codec, prefix + "0", op(codec, Kind.FREEZE));
    CompletableFuture<JsonNode> b = router.call(codec, prefix + "1", op(codec, Kind.FREEZE));
    return a.thenCombine(b, (x, y) -> new KeeperAnswer.Frozen[] {KeeperAnswer.Frozen.fromJson(x),
        KeeperAnswer.Frozen.fromJson(y)}).thenCompose(answers -> {
      boolean both = !answers[0].refused() && !answers[1].refused();
      if (both) {
        List<Item> union = new ArrayList<>(WireEntry.items(codec, answers[0].entries()));
        union.addAll(WireEntry.items(codec, answers[1].entries()));
        return store.write(codec, prefix, TrieNode.leaf(union))
            .thenRun(() -> reshapeParent(codec, prefix))
            .thenCompose(v -> CompletableFuture.allOf(
                router.call(codec, prefix + "0", op(codec, Kind.DROP)),
                router.call(codec, prefix + "1", op(codec, Kind.DROP))))
            .thenApply(v -> true);
      }
      // Internal again first: the children's keepers unfreeze only under an internal parent.
      return store.write(codec, prefix, TrieNode.internal()).thenCompose(v -> {
        List<CompletableFuture<JsonNode>> undo = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          if (!answers[i].refused()) {
            undo.add(router.call(codec, prefix + i, op(codec, Kind.UNFREEZE)));
          }
        }
        // A child that refused may have split: this node's hint is rebuilt from what its children are now.
        reshape(codec, prefix);
        return CompletableFuture.allOf(undo.toArray(CompletableFuture[]::new));
      }).thenApply(v -> false);
    });
  }

  /**
   * Finishes whatever change {@code prefix} is in the middle of (readers ask for it when they meet one), and splits a
   * leaf that holds more than it should (a child created over capacity asks for it).
   */
  private CompletableFuture<KeeperAnswer> finish(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isPresent() && found.get().state() == State.LEAF && prefix.length() < codec.bits()
          && overflows(codec, prefix, found.get().entries())) {
        return split(codec, prefix, found.get().entries()).thenApply(v -> KeeperAnswer.Done.OK);
      }
      return found.isEmpty() || found.get().state() == State.LEAF || found.get().state() == State.INTERNAL
          ? CompletableFuture.completedFuture(KeeperAnswer.Done.OK)
          : elsewhere(codec, prefix, found);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Shape hints

  /** Asks the keeper of {@code prefix}'s parent to rebuild its hint; not awaited (never wait on a keeper above). */
  private void reshapeParent(KeyCodec codec, String prefix) {
    if (!prefix.isEmpty()) {
      reshape(codec, prefix.substring(0, prefix.length() - 1));
    }
  }

  private void reshape(KeyCodec codec, String prefix) {
    router.call(codec, prefix, op(codec, Kind.SHAPE)).exceptionally(e -> {
      LOG.debug("shape hint of {} not rebuilt: {}", prefix, e.toString());
      return null;
    });
  }

  /**
   * Rebuilds an internal node's hint from its children's records; when it changed, so may the parent's. Changes deep
   * in a large subtree stop rising where they fall outside the breadth-first window of a hint.
   */
  private CompletableFuture<KeeperAnswer> shape(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty() || found.get().state() != State.INTERNAL) {
        return CompletableFuture.completedFuture(KeeperAnswer.Done.OK);
      }
      return store.read(codec, prefix + "0").thenCombine(store.read(codec, prefix + "1"), TrieNode::shapeOf)
          .thenCompose(hint -> {
            if (hint.equals(found.get().hint())) {
              return CompletableFuture.completedFuture(KeeperAnswer.Done.OK);
            }
            return store.write(codec, prefix, found.get().withHint(hint)).thenApply(v -> {
              reshapeParent(codec, prefix);
              return KeeperAnswer.Done.CHANGED;
            });
          });
    });
  }

  private CompletableFuture<KeeperAnswer> freeze(KeyCodec codec, String prefix) {
    return parentState(codec, prefix).thenCompose(parent -> parent != State.MERGE
        ? CompletableFuture.completedFuture(KeeperAnswer.Frozen.REFUSED)
        : freezeNow(codec, prefix));
  }

  private CompletableFuture<KeeperAnswer> freezeNow(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> {
      if (found.isEmpty() || !(found.get().state() == State.LEAF || found.get().state() == State.FROZEN)) {
        return CompletableFuture.completedFuture(KeeperAnswer.Frozen.REFUSED);
      }
      KeeperAnswer answer = new KeeperAnswer.Frozen(WireEntry.of(codec, found.get().entries()));
      if (found.get().state() == State.FROZEN) {
        return CompletableFuture.completedFuture(answer);
      }
      return store.write(codec, prefix, found.get().with(State.FROZEN)).thenApply(v -> answer);
    });
  }

  private CompletableFuture<KeeperAnswer> unfreeze(KeyCodec codec, String prefix) {
    return parentState(codec, prefix).thenCompose(parent -> parent != State.INTERNAL
        ? CompletableFuture.completedFuture(KeeperAnswer.Done.OK)
        : unfreezeNow(codec, prefix));
  }

  private CompletableFuture<KeeperAnswer> unfreezeNow(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> found.isPresent() && found.get().state() == State.FROZEN
        ? store.write(codec, prefix, found.get().with(State.LEAF)).thenApply(v -> KeeperAnswer.Done.OK)
        : CompletableFuture.completedFuture(KeeperAnswer.Done.OK));
  }

  private CompletableFuture<KeeperAnswer> drop(KeyCodec codec, String prefix) {
    return parentState(codec, prefix).thenCompose(parent -> parent != State.LEAF
        ? CompletableFuture.completedFuture(KeeperAnswer.Done.OK)
        : dropNow(codec, prefix));
  }

  private CompletableFuture<KeeperAnswer> dropNow(KeyCodec codec, String prefix) {
    return store.read(codec, prefix).thenCompose(found -> found.isPresent() && found.get().state() == State.FROZEN
        ? store.delete(codec, prefix).thenApply(v -> KeeperAnswer.Done.OK)
        : CompletableFuture.completedFuture(KeeperAnswer.Done.OK));
  }

  /**
   * A frozen node outside a merge: if its parent is merging, that merge is nudged (not awaited: it will ask this keeper
   * to freeze, which queues behind us); if the parent became a leaf, this is a leftover and goes; if the parent is
   * internal again, the merge was undone without unfreezing this child, which is done now.
   */
  private CompletableFuture<Void> resolveFrozen(KeyCodec codec, String prefix, TrieNode node) {
    String parent = prefix.substring(0, prefix.length() - 1);
    return store.read(codec, parent).thenCompose(p -> {
      State s = p.map(TrieNode::state).orElse(null);
      if (s == State.MERGE) {
        router.call(codec, parent, op(codec, Kind.MERGE)).exceptionally(e -> null);
        return CompletableFuture.completedFuture(null);
      }
      if (s == State.LEAF) {
        return store.delete(codec, prefix);
      }
      if (s == State.INTERNAL) {
        return store.write(codec, prefix, node.with(State.LEAF));
      }
      return CompletableFuture.completedFuture(null);
    });
  }
}
