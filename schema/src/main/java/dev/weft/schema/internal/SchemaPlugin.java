package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.util.TokenBucket;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.schema.Global;
import dev.weft.schema.GlobalListener;
import dev.weft.schema.GlobalRefusedException;
import dev.weft.schema.Schema;
import dev.weft.schema.SchemaSettings;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Globals: applied locally, spread by broadcast on messaging's {@code schema} channel, and repaired by anti-entropy on
 * the DHT's {@code schema} channel.
 *
 * <h2>Anti-entropy</h2>
 * Every {@link SchemaSettings#SYNC_INTERVAL} (jittered) a node sends its digest root to one random contact, one
 * one-way message; a contact whose root differs starts an exchange with the sender ({@link AntiEntropy}). A node also
 * runs an exchange with its two closest neighbours each time it joins.
 */
final class SchemaPlugin implements Plugin, Schema {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaPlugin.class);
  static final String CHANNEL = "schema";
  private static final int JOIN_PEERS = 2;
  private static final int SYNC_PEERS = 3;
  private static final int WRITER_LIMITERS = 4096;

  private final Dht dht;
  private final Scheduler scheduler;
  private final VersionClock clock;
  private final GlobalState state;
  private final AntiEntropy antiEntropy;
  private final Messaging messaging;
  private final int maxValueBytes;
  private final long syncIntervalMillis;
  private final double writesPerSecond;
  private final long selfWriter;
  private final GlobalTable table;
  private final TokenBucket localWrites;
  private final Map<Long, TokenBucket> writerLimits = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, TokenBucket> eldest) {
      return size() > WRITER_LIMITERS;
    }
  };
  private final Random random;
  private final Messaging.Registration broadcasts;
  private final Dht.Registration requests;
  private volatile Scheduler.Cancellable timer;
  private volatile boolean closed;

  private final LongAdder written = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder notices = new LongAdder();

  SchemaPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.clock = ctx.versions();
    this.maxValueBytes = (int) (long) ctx.config().get(SchemaSettings.MAX_VALUE_BYTES);
    this.syncIntervalMillis = ctx.config().get(SchemaSettings.SYNC_INTERVAL).toMillis();
    this.writesPerSecond = ctx.config().get(SchemaSettings.MAX_WRITES_PER_SECOND);
    this.table = new GlobalTable(ctx.config().get(SchemaSettings.MAX_GLOBALS),
        ctx.config().get(SchemaSettings.MAX_TOTAL_BYTES));
    this.localWrites = new TokenBucket(writesPerSecond, 2 * writesPerSecond, scheduler.nanoTime());
    this.selfWriter = ByteBuffer.wrap(dht.self().id().toBytes()).getLong();
    this.random = new Random(selfWriter ^ scheduler.nanoTime());
    this.state = new GlobalState(table, maxValueBytes, ctx.config().get(SchemaSettings.TOMBSTONE_TTL).toMillis(),
        clock, ctx.state(), scheduler);
    this.antiEntropy = new AntiEntropy(dht, state, () -> closed);
    this.messaging = ctx.service(Messaging.class).orElseThrow(
        () -> new WeftException("the schema plugin needs the messaging plugin")).channel(CHANNEL);
    state.load();
    this.broadcasts = messaging.registerMessageHandler(this::onBroadcast);
    this.requests = dht.handle(CHANNEL, this::onRequest);
    scheduleTick();
  }

  @Override
  public void close() {
    closed = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
    broadcasts.close();
    requests.close();
  }

  @Override
  public void onJoined() {
    List<Contact> nearest = new ArrayList<>(dht.closestKnown(dht.self().id(), JOIN_PEERS + 1));
    nearest.removeIf(c -> c.id().equals(dht.self().id()));
    nearest.stream().limit(JOIN_PEERS).forEach(antiEntropy::syncWith);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Schema

  @Override
  public CompletableFuture<Global> setGlobal(String name, JsonNode value) {
    try {
      GlobalCodec.checkName(name);
      Objects.requireNonNull(value, "value (use a JSON null node, or removeGlobal to delete)");
      int size = GlobalCodec.size(value);
      if (size > maxValueBytes) {
        throw new ValueTooLargeException("value of global " + name, size, maxValueBytes);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(name, Optional.of(value.deepCopy()));
  }

  @Override
  public CompletableFuture<Global> removeGlobal(String name) {
    try {
      GlobalCodec.checkName(name);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(name, Optional.empty());
  }

  /** Tries of a local write that found a newer version than its own (one that arrived while it was being made). */
  private static final int STALE_ATTEMPTS = 3;

  private CompletableFuture<Global> write(String name, Optional<JsonNode> value) {
    if (closed) {
      return CompletableFuture.failedFuture(new WeftException("node closed"));
    }
    if (!localWrites.tryTake(scheduler.nanoTime())) {
      rateLimited.increment();
      return CompletableFuture.failedFuture(new RateLimitedException("this node writes globals faster than "
          + (long) writesPerSecond + " a second (" + SchemaSettings.MAX_WRITES_PER_SECOND + "); retry later"));
    }
    List<CompletableFuture<Void>> saved = new ArrayList<>(1);
    Global g;
    GlobalTable.Outcome outcome;
    for (int attempt = 1; ; attempt++) {
      g = new Global(name, value, clock.next());
      outcome = table.apply(g, applied -> saved.add(state.applied(applied, GlobalState.Source.LOCAL)));
      if (outcome != GlobalTable.Outcome.STALE || attempt == STALE_ATTEMPTS) {
        break;
      }
      Global held = table.get(name);
      if (held == null) {
        break;
      }
      // A peer's newer version was applied between our clock and the table (GlobalState.accept applies, then lets
      // the clock observe): observe it here too, and write after it, as a write made a moment later would.
      clock.observe(held.version());
    }
    if (outcome == GlobalTable.Outcome.TOO_MANY_NAMES) {
      return CompletableFuture.failedFuture(new GlobalRefusedException(GlobalRefusedException.Reason.TOO_MANY_GLOBALS,
          "this node holds " + table.size() + " globals, the most it may (" + SchemaSettings.MAX_GLOBALS
              + "): remove some first"));
    }
    if (outcome == GlobalTable.Outcome.TOO_MANY_BYTES) {
      return CompletableFuture.failedFuture(new GlobalRefusedException(GlobalRefusedException.Reason.TOO_MANY_BYTES,
          "this node holds " + table.bytes() + " bytes of globals; this one would pass the limit ("
              + SchemaSettings.MAX_TOTAL_BYTES + "): remove or shrink some first"));
    }
    if (outcome == GlobalTable.Outcome.STALE) {
      return CompletableFuture.failedFuture(new GlobalRefusedException(GlobalRefusedException.Reason.NEWER_VERSION,
          "global " + name + " has a newer version than "
          + g.version() + " here; the clock of its writer runs ahead of this node's"));
    }
    written.increment();
    Global done = g;
    ObjectNode message = new SetMessage(g).toJson();
    // Saved before it is announced: a node that crashes after telling others still knows what it told them.
    return saved.get(0)
        .thenCompose(v -> messaging.sendAll(message).handle((b, e) -> {
          if (e != null) {
            LOG.debug("broadcast of global {} failed; anti-entropy will spread it: {}", name, e.toString());
          }
          return done;
        }));
  }

  @Override
  public Optional<JsonNode> getGlobal(String name) {
    return global(name).flatMap(g -> g.value().map(JsonNode::deepCopy));
  }

  @Override
  public Optional<Global> global(String name) {
    Global g = name == null ? null : table.get(name);
    return g == null || g.removed() ? Optional.empty() : Optional.of(g);
  }

  @Override
  public Optional<Global> latest(String name) {
    return Optional.ofNullable(name == null ? null : table.get(name));
  }

  @Override
  public SortedMap<String, Global> globals() {
    return table.live();
  }

  @Override
  public Registration addListener(GlobalListener listener) {
    return state.listen(null, Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public Registration addListener(String name, GlobalListener listener) {
    GlobalCodec.checkName(name);
    return state.listen(name, Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public CompletableFuture<SyncResult> sync() {
    List<Contact> contacts = contacts();
    java.util.Collections.shuffle(contacts, random);
    List<CompletableFuture<int[]>> runs = contacts.stream().limit(SYNC_PEERS).map(antiEntropy::syncWith).toList();
    return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(v -> {
      int learned = 0;
      int taught = 0;
      for (CompletableFuture<int[]> r : runs) {
        learned += r.join()[0];
        taught += r.join()[1];
      }
      return new SyncResult(runs.size(), learned, taught);
    });
  }

  @Override
  public String digest() {
    return table.root();
  }

  @Override
  public Stats stats() {
    List<Global> all = table.all();
    int removed = (int) all.stream().filter(Global::removed).count();
    return new Stats(all.size() - removed, removed, written.sum(), state.fromBroadcast.sum(), state.fromSync.sum(),
        state.rejected.sum(), rateLimited.sum(), antiEntropy.syncs.sum(), notices.sum());
  }

  private void onBroadcast(ReceivedMessage m) {
    Global g;
    try {
      g = SetMessage.fromJson(m.payload(), maxValueBytes).global();
    } catch (IllegalArgumentException e) {
      state.rejected.increment();
      LOG.debug("dropped a malformed schema broadcast from {}: {}", m.sender().shortHex(), e.getMessage());
      return;
    }
    if (g.version().writer() == selfWriter) {
      return;
    }
    boolean allowed;
    synchronized (writerLimits) {
      allowed = writerLimits.computeIfAbsent(g.version().writer(),
          w -> new TokenBucket(writesPerSecond, 2 * writesPerSecond, scheduler.nanoTime())).tryTake(scheduler.nanoTime());
    }
    if (!allowed) {
      // Dropped, not lost: anti-entropy brings the newest version of the name later.
      rateLimited.increment();
      return;
    }
    state.accept(g, GlobalState.Source.BROADCAST);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Anti-entropy

  private List<Contact> contacts() {
    List<Contact> all = new ArrayList<>();
    dht.buckets().forEach(all::addAll);
    return all;
  }

  private void scheduleTick() {
    if (closed) {
      return;
    }
    long delay = (long) (syncIntervalMillis * (0.75 + 0.5 * random.nextDouble()));
    timer = scheduler.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      state.forgetExpired();
      List<Contact> contacts = contacts();
      if (!contacts.isEmpty()) {
        Contact peer = contacts.get(random.nextInt(contacts.size()));
        dht.notify(peer, CHANNEL, new SyncRequest.DigestNotice(table.root()).toJson());
        notices.increment();
      }
    } catch (RuntimeException e) {
      LOG.warn("schema maintenance failed", e);
    } finally {
      scheduleTick();
    }
  }

  private CompletableFuture<JsonNode> onRequest(Contact from, JsonNode body) {
    try {
      SyncRequest request = SyncRequest.fromJson(body, state.maxValueBytes);
      if (request instanceof SyncRequest.DigestNotice digest) {
        if (!table.root().equals(digest.root()) && antiEntropy.canStartAnother()) {
          antiEntropy.syncWith(from);
        }
        return CompletableFuture.completedFuture(GlobalCodec.JSON.objectNode());
      }
      return CompletableFuture.completedFuture(antiEntropy.answer(request));
    } catch (IllegalArgumentException e) {
      state.rejected.increment();
      return CompletableFuture.failedFuture(new WeftException("bad schema request: " + e.getMessage()));
    }
  }

  /** One exchange with {@code peer}: both end with the newer version of every name either held. [learned, taught]. */
  CompletableFuture<int[]> syncWith(Contact peer) {
    return antiEntropy.syncWith(peer);
  }
}
