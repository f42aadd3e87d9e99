package dev.weft.pht.internal;

import com.fasterxml.jackson.databind.JsonNode;
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

  private final Dht dht;
  private final Scheduler scheduler;
  private final TrieStore store;
  private final TrieKeeper keeper;
  private final int defaultCapacity;
  private final int defaultStringBytes;
  private final int maxValueBytes;
  private final int attempts;
  private final WriteGate gate;
  private final Map<String, KeyCodec> codecs = new ConcurrentHashMap<>();
  private final TrieReader reader;
  private final KeeperRouter router;
  private final Dht.Registration registration;

  PhtPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.store = new TrieStore(ctx.node().storage(), ctx.scheduler()::nanoTime);
    KeeperServer[] server = new KeeperServer[1];
    this.router = new KeeperRouter(dht, (from, op) -> server[0].onRequest(from, op));
    this.keeper = new TrieKeeper(store, router);
    this.reader = new TrieReader(store, router);
    server[0] = new KeeperServer(dht, store, keeper, this::codec);
    this.defaultCapacity = ctx.config().get(PhtSettings.LEAF_CAPACITY);
    this.defaultStringBytes = ctx.config().get(PhtSettings.MAX_STRING_BYTES);
    this.maxValueBytes = (int) (long) ctx.config().get(PhtSettings.MAX_VALUE_BYTES);
    this.attempts = ctx.config().get(PhtSettings.ATTEMPTS);
    this.gate = new WriteGate(ctx.config().get(PhtSettings.WRITES_IN_FLIGHT), dht.eventExecutor());
    this.registration = dht.handle(CHANNEL, server[0]::onRequest);
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
    KeeperRequest.Create op = new KeeperRequest.Create(index, type, leafCapacity, strlen, false);
    return attempt(0, () -> router.route(TrieStore.DEFINITIONS, index, op).thenApply(answer -> {
      if (KeeperAnswer.Retry.fromJson(answer).isPresent()) {
        return Optional.<IndexInfo>empty();
      }
      IndexInfo info = KeeperAnswer.Definition.fromJson(index, answer).info();
      if (info.type() != type) {
        throw new IllegalArgumentException("index " + index + " exists already, keyed by " + info.type());
      }
      codecs.putIfAbsent(index, new KeyCodec(info));
      return Optional.of(info);
    }));
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

  @Override
  public CompletableFuture<Long> purge(String index) {
    try {
      checkName(index);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    codecs.remove(index);
    return dht.purge(TrieStore.namespace(index), Long.MAX_VALUE);
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

  static void checkName(String index) {
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
      KeeperRequest op = KeeperRequest.OnKey.insert(index, codec.toJson(key), value);
      // An attempt whose answer was lost may have added the entry: then "already there" is this call's own doing.
      boolean[] unanswered = new boolean[1];
      return gate.run(() -> attempt(0, () -> atLeaf(codec, bits, op, unanswered)
          .thenApply(a -> a.map(x -> KeeperAnswer.Added.fromJson(x).added() || unanswered[0]))));
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
      KeeperRequest op = KeeperRequest.OnKey.remove(index, codec.toJson(key), value);
      return gate.run(() -> attempt(0, () -> atLeaf(codec, bits, op, new boolean[1])
          .thenApply(a -> a.map(x -> KeeperAnswer.Removed.fromJson(x).removed()))));
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
  private CompletableFuture<Optional<JsonNode>> atLeaf(KeyCodec codec, String bits, KeeperRequest op,
      boolean[] unanswered) {
    return reader.findLeaf(codec, bits, new AtomicInteger()).thenCompose(leaf -> leaf.isEmpty()
        ? CompletableFuture.completedFuture(Optional.empty())
        : router.call(codec, leaf.get().prefix(), op).handle((a, e) -> {
          if (e != null) {
            // No answer in time: the keeper may be busy with a split. Inserts and removes are idempotent.
            if (unwrap(e) instanceof java.util.concurrent.TimeoutException) {
              unanswered[0] = true;
              return Optional.<JsonNode>empty();
            }
            throw new java.util.concurrent.CompletionException(unwrap(e));
          }
          Optional<KeeperAnswer.Retry> retry = KeeperAnswer.Retry.fromJson(a);
          if (retry.isPresent()) {
            unanswered[0] |= retry.get().maybe();
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

  static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
        || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
