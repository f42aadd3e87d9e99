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
  private final TrieReader reader;
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
    this.reader = new TrieReader(store, this::call);
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
    return withKey(index, key, (codec, bits) -> attempt(0, () -> reader.findLeaf(codec, bits, new AtomicInteger())
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
    return reader.findLeaf(codec, bits, new AtomicInteger()).thenCompose(leaf -> leaf.isEmpty()
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
      return attempt(0, () -> new RangeWalk(store, reader, codec, r, lo, hi, after, q.limit()).run().handle((w, e) -> {
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
      return new StatsWalk(store, reader).statsOf(codec, List.of(""), shape, entries).handle((v, e) -> {
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
