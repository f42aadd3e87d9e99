package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.IndexStats;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.NoSuchIndexException;
import dev.weft.pht.Pht;
import dev.weft.pht.PhtSettings;
import dev.weft.pht.Query;
import dev.weft.pht.Results;
import dev.weft.pht.internal.TrieNode.Item;
import dev.weft.pht.internal.TrieNode.State;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The {@code pht} plugin: the client side of {@link Pht} (lookups by binary search over prefix lengths, range queries
 * fanning out from the trie node of the range's common prefix) and the DHT channel {@code pht} on which the keepers of
 * trie nodes ({@link TrieKeeper}) take their operations.
 */
final class PhtPlugin implements Plugin, Pht {
  static final String CHANNEL = "pht";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Dht dht;
  private final Scheduler scheduler;
  private final TrieStore store;
  private final TrieKeeper keeper;
  private final int defaultCapacity;
  private final int defaultStringBytes;
  private final int maxValueBytes;
  private final int attempts;
  private final Map<String, KeyCodec> codecs = new ConcurrentHashMap<>();
  private final java.util.Set<String> nudging = ConcurrentHashMap.newKeySet();
  /** Per index, prefixes of leaves this node has met lately: where lookups start. */
  private final Map<String, Map<String, Boolean>> leafCache = new ConcurrentHashMap<>();
  private static final int LEAF_CACHE = 20_000;
  /** Failures in a row after which a closer node that a keeper knows of is taken for gone. */
  private static final int STRIKES = 6;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PhtPlugin.class);
  private final Map<NodeId, Integer> strikes = new ConcurrentHashMap<>();
  private final Dht.Registration registration;

  PhtPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.store = new TrieStore(ctx.node().storage(), ctx.scheduler()::nanoTime);
    this.keeper = new TrieKeeper(store, this::call);
    this.defaultCapacity = ctx.config().get(PhtSettings.LEAF_CAPACITY);
    this.defaultStringBytes = ctx.config().get(PhtSettings.MAX_STRING_BYTES);
    this.maxValueBytes = (int) (long) ctx.config().get(PhtSettings.MAX_VALUE_BYTES);
    this.attempts = ctx.config().get(PhtSettings.ATTEMPTS);
    this.registration = dht.handle(CHANNEL, this::onRequest);
  }

  @Override
  public void close() {
    registration.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Indexes

  @Override
  public CompletableFuture<IndexInfo> create(String index, KeyType type) {
    return create(index, type, defaultCapacity, defaultStringBytes);
  }

  @Override
  public CompletableFuture<IndexInfo> create(String index, KeyType type, int leafCapacity, int maxStringBytes) {
    try {
      checkName(index);
      if (type == null) {
        throw new IllegalArgumentException("type must not be null");
      }
      if (leafCapacity < 2 || leafCapacity > 1000) {
        throw new IllegalArgumentException("leaf capacity must be from 2 to 1000, got " + leafCapacity);
      }
      if (type == KeyType.STRING && (maxStringBytes < 1 || maxStringBytes > 100)) {
        throw new IllegalArgumentException("the string bound must be from 1 to 100 bytes, got " + maxStringBytes);
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    int strlen = type == KeyType.STRING ? maxStringBytes : 0;
    IndexInfo wanted = new IndexInfo(index, type, leafCapacity, type == KeyType.STRING ? 8 * strlen : 64, strlen);
    ObjectNode op = JSON.objectNode().put("op", "create").put("ix", index)
        .put("type", type.name()).put("b", leafCapacity).put("strlen", strlen);
    return attempt(0, () -> route(TrieStore.DEFINITIONS, index, op).thenApply(answer -> {
      if (answer.has("retry")) {
        return Optional.<IndexInfo>empty();
      }
      IndexInfo info = new IndexInfo(index, KeyCodec.type(answer.path("type").asText()), answer.path("b").asInt(),
          answer.path("d").asInt(), answer.path("strlen").asInt());
      if (info.type() != wanted.type()) {
        throw new IllegalArgumentException("index " + index + " exists already, keyed by " + info.type());
      }
      codecs.putIfAbsent(index, new KeyCodec(info));
      return Optional.of(info);
    }));
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

  @Override
  public CompletableFuture<Optional<IndexInfo>> describe(String index) {
    try {
      checkName(index);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return codec(index).thenApply(c -> Optional.of(c.info())).exceptionally(e -> {
      if (unwrap(e) instanceof NoSuchIndexException) {
        return Optional.empty();
      }
      throw new java.util.concurrent.CompletionException(unwrap(e));
    });
  }

  private CompletableFuture<KeyCodec> codec(String index) {
    KeyCodec known = codecs.get(index);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return store.readDefinition(index).thenApply(info -> {
      IndexInfo i = info.orElseThrow(() -> new NoSuchIndexException(index));
      return codecs.computeIfAbsent(index, n -> new KeyCodec(i));
    });
  }

  private static void checkName(String index) {
    if (!Pht.isValidName(index)) {
      throw new IllegalArgumentException("bad index name " + (index == null ? "null" : "'" + index + "'")
          + ": use 1-64 characters of a-z A-Z 0-9 . _ -");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entries

  @Override
  public CompletableFuture<Boolean> insert(String index, Key key, JsonNode value) {
    try {
      checkName(index);
      if (value == null) {
        throw new IllegalArgumentException("value must not be null (use a JSON null node)");
      }
      int size = value.toString().getBytes(StandardCharsets.UTF_8).length;
      if (size > maxValueBytes) {
        throw new ValueTooLargeException("value of an entry of index " + index, size, maxValueBytes);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return withKey(index, key, (codec, bits) -> {
      ObjectNode op = JSON.objectNode().put("op", "insert").put("ix", index);
      op.set("k", codec.toJson(key));
      op.set("v", value);
      // An attempt whose answer was lost may have added the entry: then "already there" is this call's own doing.
      boolean[] unanswered = new boolean[1];
      return attempt(0, () -> atLeaf(codec, bits, op, unanswered)
          .thenApply(a -> a.map(x -> x.path("added").asBoolean() || unanswered[0])));
    });
  }

  @Override
  public CompletableFuture<Integer> remove(String index, Key key) {
    return removing(index, key, null).thenApply(n -> n);
  }

  @Override
  public CompletableFuture<Boolean> remove(String index, Key key, JsonNode value) {
    if (value == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("value must not be null"));
    }
    return removing(index, key, value).thenApply(n -> n > 0);
  }

  private CompletableFuture<Integer> removing(String index, Key key, JsonNode value) {
    try {
      checkName(index);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return withKey(index, key, (codec, bits) -> {
      ObjectNode op = JSON.objectNode().put("op", "remove").put("ix", index);
      op.set("k", codec.toJson(key));
      if (value != null) {
        op.set("v", value);
      }
      return attempt(0, () -> atLeaf(codec, bits, op, new boolean[1]).thenApply(a -> a.map(x -> x.path("removed")
          .asInt())));
    });
  }

  @Override
  public CompletableFuture<List<JsonNode>> lookup(String index, Key key) {
    try {
      checkName(index);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return withKey(index, key, (codec, bits) -> attempt(0, () -> findLeaf(codec, bits, new AtomicInteger())
        .thenApply(leaf -> leaf.map(l -> {
          List<JsonNode> values = new ArrayList<>();
          for (Item i : l.node().entries()) {
            if (i.bits().equals(bits)) {
              values.add(i.entry().value());
            }
          }
          return values;
        }))));
  }

  private interface KeyedOp<T> {
    CompletableFuture<T> run(KeyCodec codec, String bits);
  }

  private <T> CompletableFuture<T> withKey(String index, Key key, KeyedOp<T> op) {
    return codec(index).thenCompose(codec -> {
      try {
        codec.check(key);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
      return op.run(codec, codec.bits(key));
    });
  }

  /** Finds the leaf for {@code bits} and has its keeper apply {@code op}; empty when it must be tried again. */
  private CompletableFuture<Optional<JsonNode>> atLeaf(KeyCodec codec, String bits, ObjectNode op,
      boolean[] unanswered) {
    return findLeaf(codec, bits, new AtomicInteger()).thenCompose(leaf -> leaf.isEmpty()
        ? CompletableFuture.completedFuture(Optional.empty())
        : call(codec, leaf.get().prefix(), op).handle((a, e) -> {
          if (e != null) {
            // No answer in time: the keeper may be busy with a split. Inserts and removes are idempotent.
            if (unwrap(e) instanceof java.util.concurrent.TimeoutException) {
              unanswered[0] = true;
              return Optional.<JsonNode>empty();
            }
            throw new java.util.concurrent.CompletionException(unwrap(e));
          }
          if (a.has("retry")) {
            unanswered[0] |= a.path("maybe").asBoolean(false);
            return Optional.<JsonNode>empty();
          }
          return Optional.of(a);
        }));
  }

  /** Runs {@code once} until it gives an answer, with a growing pause between tries, at most {@link #attempts} times. */
  private <T> CompletableFuture<T> attempt(int n, Supplier<CompletableFuture<Optional<T>>> once) {
    return once.get().thenCompose(result -> {
      if (result.isPresent()) {
        return CompletableFuture.completedFuture(result.get());
      }
      if (n + 1 >= attempts) {
        return CompletableFuture.failedFuture(new WeftException("gave up after " + attempts
            + " attempts: the trie nodes involved kept changing or their keepers did not answer"));
      }
      CompletableFuture<T> later = new CompletableFuture<>();
      long pause = Math.min(500, 5L << Math.min(n, 7));
      scheduler.schedule(() -> attempt(n + 1, once).whenComplete((r, e) -> {
        if (e != null) {
          later.completeExceptionally(unwrap(e));
        } else {
          later.complete(r);
        }
      }), pause, TimeUnit.MILLISECONDS);
      return later;
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading the trie

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
  private CompletableFuture<Optional<Found>> findLeaf(KeyCodec codec, String bits, int maxDepth, AtomicInteger reads) {
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

  private void rememberLeaf(KeyCodec codec, String prefix) {
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
  private void nudge(KeyCodec codec, String prefix) {
    String node = codec.info().name() + "/" + prefix;
    if (nudging.add(node)) {
      call(codec, prefix, JSON.objectNode().put("op", "finish").put("ix", codec.info().name()))
          .whenComplete((a, e) -> nudging.remove(node));
    }
  }

  /** A frozen leaf holds the truth while its parent merges (or is still internal); once the parent is a leaf, not. */
  private CompletableFuture<Boolean> trustFrozen(KeyCodec codec, String prefix, AtomicInteger reads) {
    reads.incrementAndGet();
    return store.read(codec, prefix.substring(0, prefix.length() - 1))
        .thenApply(p -> p.isPresent() && !p.get().state().holdsEntries());
  }

  @Override
  public CompletableFuture<Results> query(Query q) {
    try {
      checkName(q.index());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return codec(q.index()).thenCompose(codec -> {
      KeyCodec.Region region;
      String lo;
      String hi;
      try {
        codec.check(q.lo());
        codec.check(q.hi());
        if (q.after().isPresent()) {
          codec.check(q.after().get().key());
        }
        lo = codec.bits(q.lo());
        hi = codec.bits(q.hi());
        if (q.rectangle()) {
          if (codec.info().type() != KeyType.POINT) {
            throw new IllegalArgumentException("rectangle queries need a point index; " + q.index() + " is keyed by "
                + codec.info().type());
          }
          Key.PointKey a = (Key.PointKey) q.lo();
          Key.PointKey b = (Key.PointKey) q.hi();
          if (a.x() > b.x() || a.y() > b.y()) {
            throw new IllegalArgumentException("rectangle corners must be (xmin, ymin) and (xmax, ymax): got " + a
                + " and " + b);
          }
          region = codec.rectangle(a, b);
          // The z-order values of the corners bound every point of the rectangle.
        } else {
          if (lo.compareTo(hi) > 0) {
            throw new IllegalArgumentException("lo " + q.lo() + " is greater than hi " + q.hi());
          }
          region = codec.range(lo, hi);
        }
      } catch (IllegalArgumentException | ClassCastException e) {
        return CompletableFuture.failedFuture(e instanceof ClassCastException
            ? new IllegalArgumentException("rectangle corners must be points") : e);
      }
      Optional<Item> after = q.after().map(e -> Item.of(codec, e));
      KeyCodec.Region r = region;
      return attempt(0, () -> new RangeWalk(codec, r, lo, hi, after, q.limit()).run().handle((w, e) -> {
        if (e == null) {
          return Optional.of(w);
        }
        if (unwrap(e) instanceof RetryException) {
          return Optional.<RangeWalk>empty();
        }
        throw new java.util.concurrent.CompletionException(unwrap(e));
      })).thenApply(w -> {
        Optional<Query> next = w.more ? Optional.of(q.after(w.entries.get(w.entries.size() - 1)))
            : Optional.empty();
        return new Results(w.entries, next, w.reads.get(), w.rounds.get());
      });
    });
  }

  /**
   * A range query: from the trie node of the longest common prefix of the range's ends, the children that may hold
   * keys in the region are read in parallel, level by level, in key order, until the leaves seen so far, in order, hold
   * enough entries for the page (PHT §3.3, parallel search).
   */
  private final class RangeWalk {
    private final KeyCodec codec;
    private final KeyCodec.Region region;
    private final String lo;
    private final String hi;
    private final Optional<Item> after;
    private final int limit;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger rounds = new AtomicInteger();
    final List<Entry> entries = new ArrayList<>();
    boolean more;

    /** A trie node on the frontier: its prefix and, once read, what it holds. */
    private final class Slot {
      final String prefix;
      /** For a child of a leaf still splitting: its share of the parent's entries, in case it is not created yet. */
      final List<Item> fallback;
      /** The slot this one was expanded from, if any. */
      final Slot parent;
      TrieNode node;
      /** Known internal from an ancestor's shape hint only, not read. */
      boolean hinted;
      /** Read, and found missing or a leftover: the hint that led here was stale. */
      boolean stale;

      Slot(String prefix, List<Item> fallback, Slot parent) {
        this.prefix = prefix;
        this.fallback = fallback;
        this.parent = parent;
      }

      /** The outermost of the unread ancestors that a shape hint skipped, right above this slot. */
      Slot skipped() {
        Slot s = parent;
        while (s.parent != null && s.parent.hinted) {
          s = s.parent;
        }
        return s;
      }
    }

    /** Whether a slot is read and holds entries (a leaf, or a split whose children are not wanted). */
    private boolean isLeaf(Slot s) {
      return s.node != null && s.node.state().holdsEntries() && s.node.state() != State.SPLIT;
    }

    RangeWalk(KeyCodec codec, KeyCodec.Region region, String lo, String hi, Optional<Item> after, int limit) {
      this.codec = codec;
      this.region = region;
      this.lo = lo;
      this.hi = hi;
      this.after = after;
      this.limit = limit;
    }

    CompletableFuture<RangeWalk> run() {
      int shared = 0;
      while (shared < lo.length() && lo.charAt(shared) == hi.charAt(shared)) {
        shared++;
      }
      int common = shared;
      String start = lo.substring(0, common);
      reads.incrementAndGet();
      rounds.incrementAndGet();
      return store.read(codec, start).thenCompose(found -> {
        if (found.isEmpty()) {
          // The leaf that covers the whole range sits above the common prefix: find it like a key's.
          int before = reads.get();
          return findLeaf(codec, lo, common - 1, reads).thenCompose(leaf -> {
            rounds.addAndGet(reads.get() - before);
            if (leaf.isEmpty() || leaf.get().prefix().length() > common) {
              return CompletableFuture.failedFuture(new RetryException());
            }
            Slot s = new Slot(leaf.get().prefix(), null, null);
            s.node = leaf.get().node();
            return walk(new ArrayList<>(List.of(s)));
          });
        }
        Slot s = new Slot(start, null, null);
        s.node = found.get();
        if (s.node.state() == State.FROZEN && !start.isEmpty()) {
          return trustFrozen(codec, start, reads).thenCompose(ok -> ok ? walk(new ArrayList<>(List.of(s)))
              : CompletableFuture.failedFuture(new RetryException()));
        }
        return walk(new ArrayList<>(List.of(s)));
      });
    }

    private boolean wanted(String prefix) {
      if (!region.mayContain(prefix)) {
        return false;
      }
      // Skip subtrees entirely before the previous page's last entry.
      return after.isEmpty() || (prefix + "1".repeat(codec.bits() - prefix.length())).compareTo(after.get().bits()) >= 0;
    }

    private CompletableFuture<RangeWalk> walk(List<Slot> frontier) {
      // Expand internal (and still splitting) nodes into their wanted children, in key order; children that a shape
      // hint names internal are expanded in turn without being read.
      List<Slot> next = frontier;
      boolean expanded = true;
      while (expanded) {
        expanded = false;
        List<Slot> level = new ArrayList<>();
        for (Slot s : next) {
          if (s.node != null && !isLeaf(s)) {
            expanded = true;
            expand(s, level);
          } else {
            level.add(s);
          }
        }
        next = level;
      }
      // Which unread slots are needed: those before the point where read leaves, in order, fill the page; at most a
      // page's worth of leaves (B/2 entries each, at least) per round, so a small page of a huge range stays cheap.
      List<Slot> toRead = new ArrayList<>();
      int budget = Math.max(4, 2 * limit / Math.max(1, codec.info().leafCapacity() / 2) + 2);
      int count = 0;
      for (Slot s : next) {
        if (s.node == null) {
          if (toRead.size() == budget) {
            break;
          }
          toRead.add(s);
        } else if (toRead.isEmpty() && isLeaf(s)) {
          count += matching(s.node).size();
          if (count > limit) {
            break;
          }
        }
      }
      if (toRead.isEmpty()) {
        return CompletableFuture.completedFuture(finish(next));
      }
      rounds.incrementAndGet();
      List<CompletableFuture<Void>> fetches = new ArrayList<>();
      for (Slot s : toRead) {
        reads.incrementAndGet();
        fetches.add(store.read(codec, s.prefix).thenCompose(found -> {
          if (s.fallback != null && (found.isEmpty() || found.get().state() == State.FROZEN)) {
            // The split has not created this child (or only a leftover is there): the parent's entries are current.
            s.node = TrieNode.leaf(s.fallback);
            return CompletableFuture.completedFuture(null);
          }
          if (found.isPresent() && found.get().state() == State.FROZEN) {
            return trustFrozen(codec, s.prefix, reads).thenAccept(ok -> {
              if (ok) {
                s.node = found.get();
              } else if (s.parent != null && s.parent.hinted) {
                s.stale = true;
              } else {
                throw new RetryException();
              }
            });
          }
          if (found.isEmpty()) {
            if (s.parent != null && s.parent.hinted) {
              // The hint that skipped the parent is older than a merge there: read what it skipped instead.
              s.stale = true;
              return CompletableFuture.completedFuture(null);
            }
            // A child of an internal node vanishes only when a merge made its parent a leaf meanwhile.
            throw new RetryException();
          }
          s.node = found.get();
          if (s.node.state() == State.LEAF) {
            rememberLeaf(codec, s.prefix);
          }
          return CompletableFuture.completedFuture(null);
        }));
      }
      List<Slot> expandedFrontier = next;
      return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
          .thenCompose(v -> walk(unstale(expandedFrontier)));
    }

    /** Adds the wanted children of the internal (or splitting, or hinted) slot {@code s} to {@code out}. */
    private void expand(Slot s, List<Slot> out) {
      if (s.node.state() == State.SPLIT || s.node.state() == State.MERGE) {
        nudge(codec, s.prefix);
      }
      for (char bit : new char[] {'0', '1'}) {
        String child = s.prefix + bit;
        if (!wanted(child)) {
          continue;
        }
        List<Item> share = null;
        if (s.node.state() == State.SPLIT) {
          share = new ArrayList<>();
          for (Item i : s.node.entries()) {
            if (i.bits().startsWith(child)) {
              share.add(i);
            }
          }
        }
        Slot c = new Slot(child, share, s);
        if (s.node.state() == State.INTERNAL && s.node.hintsInternal(bit) && child.length() < codec.bits()) {
          c.node = new TrieNode(State.INTERNAL, List.of(), s.node.hintBelow(bit));
          c.hinted = true;
        }
        out.add(c);
      }
    }

    /** Replaces the slots under each stale hint by the outermost node the hint skipped, to be read this time. */
    private List<Slot> unstale(List<Slot> frontier) {
      List<Slot> out = new ArrayList<>();
      List<Slot> redo = new ArrayList<>();
      for (Slot s : frontier) {
        if (s.stale) {
          redo.add(s.skipped());
        }
      }
      if (redo.isEmpty()) {
        return frontier;
      }
      for (Slot s : frontier) {
        Slot outer = null;
        for (Slot r : redo) {
          if (s.prefix.startsWith(r.prefix) && (outer == null || r.prefix.length() < outer.prefix.length())) {
            outer = r;
          }
        }
        if (outer == null) {
          out.add(s);
        } else if (out.isEmpty() || !out.get(out.size() - 1).prefix.equals(outer.prefix)) {
          out.add(new Slot(outer.prefix, outer.fallback, outer.parent));
        }
      }
      return out;
    }

    private List<Item> matching(TrieNode node) {
      List<Item> out = new ArrayList<>();
      for (Item i : node.entries()) {
        if (region.contains(i.bits(), i.entry().key())
            && (after.isEmpty() || Item.ORDER.compare(i, after.get()) > 0)) {
          out.add(i);
        }
      }
      return out;
    }

    private RangeWalk finish(List<Slot> frontier) {
      for (Slot s : frontier) {
        if (s.node == null) {
          more = true;
          break;
        }
        if (!isLeaf(s)) {
          continue;
        }
        for (Item i : matching(s.node)) {
          if (entries.size() == limit) {
            more = true;
            return this;
          }
          entries.add(i.entry());
        }
      }
      return this;
    }
  }

  /** The trie changed under a read; the whole query starts again. */
  private static final class RetryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryException() {
      super("the trie changed under the query", null, false, false);
    }
  }

  @Override
  public CompletableFuture<IndexStats> stats(String index) {
    try {
      checkName(index);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return codec(index).thenCompose(codec -> attempt(0, () -> {
      int[] shape = new int[3];
      long[] entries = new long[1];
      return statsOf(codec, List.of(""), shape, entries).handle((v, e) -> {
        if (e != null && unwrap(e) instanceof RetryException) {
          return Optional.<IndexStats>empty();
        }
        if (e != null) {
          throw new java.util.concurrent.CompletionException(unwrap(e));
        }
        return Optional.of(new IndexStats(index, shape[0], shape[1], shape[2], entries[0]));
      });
    }));
  }

  /**
   * Reads the trie level by level. Nodes are reached only through internal parents, so frozen leaves met are part of
   * a merge in progress and hold the truth; a child that vanished means a merge finished meanwhile: start again.
   */
  private CompletableFuture<Void> statsOf(KeyCodec codec, List<String> level, int[] shape, long[] entries) {
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
              nudge(codec, p);
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

  // ---------------------------------------------------------------------------------------------------------------
  // Routing operations to keepers

  /** Sends {@code op} about trie node {@code prefix} to its keeper. */
  private CompletableFuture<JsonNode> call(KeyCodec codec, String prefix, ObjectNode op) {
    op.put("p", prefix);
    return route(TrieStore.namespace(codec.info().name()), KeyCodec.dhtKey(prefix), op);
  }

  /** The closest live node to {@code (namespace, key)} takes {@code op}; a closer one it knows of gets it instead. */
  private CompletableFuture<JsonNode> route(String namespace, String key, ObjectNode op) {
    NodeId target = dht.keyId(namespace, key);
    return dht.lookup(target, 1).thenCompose(closest -> follow(closest.isEmpty() ? dht.self() : closest.get(0), op, 0));
  }

  /**
   * Sends {@code op} to {@code keeper}; when it knows a closer node, to that one, and so on a few times. A closer node
   * that does not answer is most often just busy: taking the operation elsewhere then would give the trie node two
   * keepers, so the caller retries. Only a closer node that failed {@link #STRIKES} times in a row (seconds, across
   * attempts) is taken for gone, and the node that knows it takes the operation after all.
   */
  private CompletableFuture<JsonNode> follow(Contact keeper, ObjectNode op, int hops) {
    return send(keeper, op).thenCompose(answer -> {
      if (!answer.has("closer")) {
        return CompletableFuture.completedFuture(answer);
      }
      Optional<Contact> closer;
      try {
        closer = closerContact(answer);
      } catch (IllegalArgumentException e) {
        closer = Optional.empty();
      }
      ObjectNode forced = op.deepCopy().put("force", true);
      if (closer.isEmpty() || hops >= 3) {
        // A keeper that names a closer node we cannot reach, or a chain of them: it takes the operation itself.
        LOG.info("pht: {} takes {} of {} although it knows a closer node ({} hops)", keeper.id().shortHex(),
            op.path("op").asText(), op.path("p").asText(), hops);
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
              keeper.id().shortHex(), op.path("op").asText(), op.path("p").asText());
          return send(keeper, forced);
        }
        return CompletableFuture.<JsonNode>completedFuture(TrieKeeper.retry("closer keeper did not answer"));
      }).thenCompose(f -> f);
    });
  }

  /**
   * The closer node a keeper named: from our routing table, else from the addresses the keeper sent with it (a node we
   * have not met, or evicted under load, is still the keeper: going elsewhere would give the trie node two).
   */
  private Optional<Contact> closerContact(JsonNode answer) {
    NodeId id = NodeId.fromHex(answer.path("closer").asText());
    Optional<Contact> known = dht.contact(id);
    if (known.isPresent() || !answer.path("addrs").isArray()) {
      return known;
    }
    List<dev.weft.api.Address> addresses = new ArrayList<>();
    for (JsonNode a : answer.path("addrs")) {
      addresses.add(dev.weft.api.Address.parse(a.asText()));
    }
    return addresses.isEmpty() ? Optional.empty() : Optional.of(new Contact(id, addresses));
  }

  private CompletableFuture<JsonNode> send(Contact to, ObjectNode op) {
    if (to.id().equals(dht.self().id())) {
      // On the event loop, as a request from a peer would be: the keeper reads the routing table from there, and the
      // caller may be on any thread (another node's loop, in a simulation).
      return CompletableFuture.supplyAsync(() -> onRequest(to, op), dht.eventExecutor()).thenCompose(f -> f);
    }
    return dht.request(to, CHANNEL, op);
  }

  private CompletableFuture<JsonNode> onRequest(Contact from, JsonNode op) {
    try {
      String index = op.path("ix").asText();
      checkName(index);
      if (op.path("op").asText().equals("create")) {
        Optional<Contact> closer = closerKeeper(TrieStore.DEFINITIONS, index, op);
        return closer.isPresent() ? closerAnswer(closer.get()) : createHere(op);
      }
      return codec(index).thenCompose(codec -> {
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


  static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
        || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
