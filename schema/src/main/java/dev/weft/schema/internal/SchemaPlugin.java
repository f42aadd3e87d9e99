package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginState;
import dev.weft.api.util.TokenBucket;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.schema.Global;
import dev.weft.schema.GlobalListener;
import dev.weft.schema.GlobalRefusedException;
import dev.weft.schema.Schema;
import dev.weft.schema.SchemaSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
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
 * one-way message; a contact whose root differs starts an exchange with the sender: it asks for the 64 bucket sums,
 * then, for the buckets that differ, sends the versions it holds ({@code pull}); the peer answers with the globals
 * that are newer than those (paged) and the names it wants, which are then pushed. Both ends hold the newest of
 * either after one exchange. A node also runs an exchange with its two closest neighbours each time it joins.
 */
final class SchemaPlugin implements Plugin, Schema {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaPlugin.class);
  static final String CHANNEL = "schema";
  static final String STATE_PREFIX = "g/";
  /** Budget for globals in one sync answer or push; a single value is at most 48KiB, so one always fits. */
  private static final int PAGE_BYTES = 56 * 1024;
  /** Names whose versions one pull carries; with at most 20,000 names one bucket holds far fewer. */
  private static final int HAVE_NAMES = 600;
  private static final int MAX_PULLS = 64;
  private static final int MAX_CONCURRENT_SYNCS = 4;
  private static final int JOIN_PEERS = 2;
  private static final int SYNC_PEERS = 3;
  private static final int WRITER_LIMITERS = 4096;

  private final Dht dht;
  private final Scheduler scheduler;
  private final VersionClock clock;
  private final PluginState state;
  private final Messaging messaging;
  private final int maxValueBytes;
  private final long syncIntervalMillis;
  private final long tombstoneTtlMillis;
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
  private final Set<NodeId> syncing = ConcurrentHashMap.newKeySet();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Executor listenerExecutor;
  private final Random random;
  private final Messaging.Registration broadcasts;
  private final Dht.Registration requests;
  private volatile Scheduler.Cancellable timer;
  private volatile boolean closed;

  private final LongAdder written = new LongAdder();
  private final LongAdder fromBroadcast = new LongAdder();
  private final LongAdder fromSync = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder syncs = new LongAdder();
  private final LongAdder notices = new LongAdder();

  private record Listener(String name, GlobalListener listener) {}

  /** How a version reached this node. */
  private enum Source { LOCAL, BROADCAST, SYNC, STORE }

  SchemaPlugin(PluginContext ctx) {
    this.dht = ctx.dht();
    this.scheduler = ctx.scheduler();
    this.clock = ctx.versions();
    this.state = ctx.state();
    this.maxValueBytes = (int) (long) ctx.config().get(SchemaSettings.MAX_VALUE_BYTES);
    this.syncIntervalMillis = ctx.config().get(SchemaSettings.SYNC_INTERVAL).toMillis();
    this.tombstoneTtlMillis = ctx.config().get(SchemaSettings.TOMBSTONE_TTL).toMillis();
    this.writesPerSecond = ctx.config().get(SchemaSettings.MAX_WRITES_PER_SECOND);
    this.table = new GlobalTable(ctx.config().get(SchemaSettings.MAX_GLOBALS),
        ctx.config().get(SchemaSettings.MAX_TOTAL_BYTES));
    this.localWrites = new TokenBucket(writesPerSecond, 2 * writesPerSecond, scheduler.nanoTime());
    this.selfWriter = ByteBuffer.wrap(dht.self().id().toBytes()).getLong();
    this.random = new Random(selfWriter ^ scheduler.nanoTime());
    this.listenerExecutor = scheduler.sequential();
    this.messaging = ctx.service(Messaging.class).orElseThrow(
        () -> new WeftException("the schema plugin needs the messaging plugin")).channel(CHANNEL);
    load();
    this.broadcasts = messaging.registerMessageHandler(this::onBroadcast);
    this.requests = dht.handle(CHANNEL, this::onRequest);
    scheduleTick();
  }

  private void load() {
    Version newest = Version.ZERO;
    for (Map.Entry<String, String> e : state.loadAll(STATE_PREFIX).entrySet()) {
      try {
        Global g = GlobalCodec.parse(e.getValue(), maxValueBytes);
        table.apply(g, applied -> {});
        newest = g.version().isNewerThan(newest) ? g.version() : newest;
      } catch (IllegalArgumentException ex) {
        LOG.warn("ignoring an unreadable saved global {}: {}", e.getKey(), ex.getMessage());
      }
    }
    clock.observe(newest);
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
    nearest.stream().limit(JOIN_PEERS).forEach(this::syncWith);
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

  private CompletableFuture<Global> write(String name, Optional<JsonNode> value) {
    if (closed) {
      return CompletableFuture.failedFuture(new WeftException("node closed"));
    }
    if (!localWrites.tryTake(scheduler.nanoTime())) {
      rateLimited.increment();
      return CompletableFuture.failedFuture(new RateLimitedException("this node writes globals faster than "
          + (long) writesPerSecond + " a second (" + SchemaSettings.MAX_WRITES_PER_SECOND + "); retry later"));
    }
    Global g = new Global(name, value, clock.next());
    List<CompletableFuture<Void>> saved = new ArrayList<>(1);
    GlobalTable.Outcome outcome = table.apply(g, applied -> saved.add(applied(applied, Source.LOCAL)));
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
    ObjectNode message = GlobalCodec.JSON.objectNode().put("op", "set");
    message.set("g", GlobalCodec.encode(g));
    // Saved before it is announced: a node that crashes after telling others still knows what it told them.
    return saved.get(0)
        .thenCompose(v -> messaging.sendAll(message).handle((b, e) -> {
          if (e != null) {
            LOG.debug("broadcast of global {} failed; anti-entropy will spread it: {}", name, e.toString());
          }
          return g;
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
  public SortedMap<String, Global> globals() {
    return table.live();
  }

  @Override
  public Registration addListener(GlobalListener listener) {
    return register(new Listener(null, Objects.requireNonNull(listener, "listener")));
  }

  @Override
  public Registration addListener(String name, GlobalListener listener) {
    GlobalCodec.checkName(name);
    return register(new Listener(name, Objects.requireNonNull(listener, "listener")));
  }

  private Registration register(Listener l) {
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  @Override
  public CompletableFuture<SyncResult> sync() {
    List<Contact> contacts = contacts();
    java.util.Collections.shuffle(contacts, random);
    List<CompletableFuture<int[]>> runs = contacts.stream().limit(SYNC_PEERS).map(this::syncWith).toList();
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
    return new Stats(all.size() - removed, removed, written.sum(), fromBroadcast.sum(), fromSync.sum(),
        rejected.sum(), rateLimited.sum(), syncs.sum(), notices.sum());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Applying versions

  /** Takes a version from a peer or a broadcast; true when it was new here. */
  private boolean accept(Global g, Source source) {
    if (!clock.plausible(g.version())) {
      rejected.increment();
      LOG.debug("refusing global {} stamped {}: too far ahead of this node's clock", g.name(), g.version());
      return false;
    }
    if (expired(g)) {
      return false;
    }
    GlobalTable.Outcome outcome = table.apply(g, applied -> applied(applied, source));
    if (outcome == GlobalTable.Outcome.TOO_MANY_NAMES || outcome == GlobalTable.Outcome.TOO_MANY_BYTES) {
      rejected.increment();
      LOG.warn("refusing global {}: this node holds the most globals it may ({}, {})", g.name(),
          SchemaSettings.MAX_GLOBALS, SchemaSettings.MAX_TOTAL_BYTES);
    }
    if (outcome != GlobalTable.Outcome.APPLIED) {
      return false;
    }
    clock.observe(g.version());
    (source == Source.BROADCAST ? fromBroadcast : fromSync).increment();
    return true;
  }

  /** Under the table's lock: saves and announces a change in the order the table made them. */
  private CompletableFuture<Void> applied(Global g, Source source) {
    CompletableFuture<Void> saved = state.save(STATE_PREFIX + g.name(), GlobalCodec.text(g));
    saved.exceptionally(e -> {
      LOG.warn("could not save global {}: {}", g.name(), e.toString());
      return null;
    });
    listenerExecutor.execute(() -> {
      for (Listener l : listeners) {
        if (l.name == null || l.name.equals(g.name())) {
          try {
            l.listener.onGlobal(g);
          } catch (RuntimeException e) {
            LOG.warn("a global listener failed on {}", g.name(), e);
          }
        }
      }
    });
    return saved;
  }

  private boolean expired(Global g) {
    return g.removed() && g.version().millis() + tombstoneTtlMillis < scheduler.currentTimeMillis();
  }

  private void onBroadcast(ReceivedMessage m) {
    Global g;
    try {
      if (!"set".equals(m.payload().path("op").asText())) {
        throw new IllegalArgumentException("unknown op");
      }
      g = GlobalCodec.decode(m.payload().get("g"), maxValueBytes);
    } catch (IllegalArgumentException e) {
      rejected.increment();
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
    accept(g, Source.BROADCAST);
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
      for (Global g : table.all()) {
        if (expired(g)) {
          table.forget(g, f -> state.remove(STATE_PREFIX + f.name()));
        }
      }
      List<Contact> contacts = contacts();
      if (!contacts.isEmpty()) {
        Contact peer = contacts.get(random.nextInt(contacts.size()));
        dht.notify(peer, CHANNEL, GlobalCodec.JSON.objectNode().put("op", "digest").put("root", table.root()));
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
      return CompletableFuture.completedFuture(switch (body.path("op").asText()) {
        case "digest" -> {
          if (!table.root().equals(body.path("root").asText()) && syncing.size() < MAX_CONCURRENT_SYNCS) {
            syncWith(from);
          }
          yield GlobalCodec.JSON.objectNode();
        }
        case "buckets" -> bucketsAnswer();
        case "pull" -> pullAnswer(body);
        case "push" -> pushAnswer(body);
        default -> throw new IllegalArgumentException("unknown schema op '" + body.path("op").asText() + "'");
      });
    } catch (IllegalArgumentException e) {
      rejected.increment();
      return CompletableFuture.failedFuture(new WeftException("bad schema request: " + e.getMessage()));
    }
  }

  private ObjectNode bucketsAnswer() {
    ByteBuffer b = ByteBuffer.allocate(Digest.BUCKETS * 8);
    for (long s : table.sums()) {
      b.putLong(s);
    }
    return GlobalCodec.JSON.objectNode().put("root", table.root())
        .put("sums", Base64.getEncoder().encodeToString(b.array()));
  }

  /** The globals the asker lacks in the buckets it names (a page of them), and the names it has newer. */
  private ObjectNode pullAnswer(JsonNode body) {
    Set<Integer> buckets = new HashSet<>();
    for (JsonNode b : body.path("bk")) {
      int i = b.asInt(-1);
      if (!b.isInt() || i < 0 || i >= Digest.BUCKETS) {
        throw new IllegalArgumentException("bad bucket " + b);
      }
      buckets.add(i);
    }
    JsonNode have = body.path("have");
    if (!have.isObject() || have.size() > 2 * HAVE_NAMES) {
      throw new IllegalArgumentException("bad have list");
    }
    Map<String, Version> theirs = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = have.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      theirs.put(GlobalCodec.checkName(e.getKey()), Version.parse(e.getValue().asText()));
    }
    ArrayNode entries = GlobalCodec.JSON.arrayNode();
    ArrayNode want = GlobalCodec.JSON.arrayNode();
    int bytes = 0;
    boolean more = false;
    Set<String> mine = new HashSet<>();
    for (Global g : table.inBuckets(buckets)) {
      mine.add(g.name());
      Version v = theirs.get(g.name());
      if (v == null ? expired(g) : !g.version().isNewerThan(v)) {
        if (v != null && v.isNewerThan(g.version())) {
          want.add(g.name());
        }
        continue;
      }
      ObjectNode e = GlobalCodec.encode(g);
      int size = utf8Size(e);
      if (bytes + size > PAGE_BYTES) {
        more = true;
        continue;
      }
      bytes += size;
      entries.add(e);
    }
    theirs.keySet().stream().filter(n -> !mine.contains(n)).sorted().forEach(want::add);
    ObjectNode answer = GlobalCodec.JSON.objectNode();
    answer.set("e", entries);
    answer.set("want", want);
    return answer.put("more", more);
  }

  private ObjectNode pushAnswer(JsonNode body) {
    int applied = 0;
    for (JsonNode e : body.path("e")) {
      if (accept(GlobalCodec.decode(e, maxValueBytes), Source.SYNC)) {
        applied++;
      }
    }
    return GlobalCodec.JSON.objectNode().put("applied", applied);
  }

  /** One exchange with {@code peer}: both end with the newer version of every name either held. [learned, taught]. */
  CompletableFuture<int[]> syncWith(Contact peer) {
    if (closed || peer.id().equals(dht.self().id()) || !syncing.add(peer.id())) {
      return CompletableFuture.completedFuture(new int[2]);
    }
    syncs.increment();
    int[] counts = new int[2];
    return dht.request(peer, CHANNEL, GlobalCodec.JSON.objectNode().put("op", "buckets"))
        .thenCompose(answer -> {
          if (table.root().equals(answer.path("root").asText())) {
            return CompletableFuture.completedFuture(null);
          }
          byte[] raw = Base64.getDecoder().decode(answer.path("sums").asText());
          if (raw.length != Digest.BUCKETS * 8) {
            throw new IllegalArgumentException("bad bucket sums from " + peer.id().shortHex());
          }
          ByteBuffer theirs = ByteBuffer.wrap(raw);
          long[] ours = table.sums();
          List<Integer> differing = new ArrayList<>();
          for (int i = 0; i < Digest.BUCKETS; i++) {
            if (theirs.getLong() != ours[i]) {
              differing.add(i);
            }
          }
          return pullChunks(peer, differing, 0, counts);
        })
        .handle((v, e) -> {
          syncing.remove(peer.id());
          if (e != null) {
            LOG.debug("schema sync with {} failed: {}", peer.id().shortHex(), e.toString());
          }
          return counts;
        });
  }

  /** Pulls the buckets of {@code differing} from {@code index} on, a chunk of at most {@link #HAVE_NAMES} names. */
  private CompletableFuture<Void> pullChunks(Contact peer, List<Integer> differing, int index, int[] counts) {
    if (index >= differing.size()) {
      return CompletableFuture.completedFuture(null);
    }
    Set<Integer> chunk = new HashSet<>();
    int names = 0;
    int next = index;
    while (next < differing.size()) {
      int n = table.inBuckets(Set.of(differing.get(next))).size();
      if (!chunk.isEmpty() && names + n > HAVE_NAMES) {
        break;
      }
      chunk.add(differing.get(next++));
      names += n;
    }
    int resume = next;
    return pull(peer, chunk, 0, counts).thenCompose(v -> pullChunks(peer, differing, resume, counts));
  }

  private CompletableFuture<Void> pull(Contact peer, Set<Integer> buckets, int round, int[] counts) {
    ObjectNode have = GlobalCodec.JSON.objectNode();
    for (Global g : table.inBuckets(buckets)) {
      have.put(g.name(), g.version().toString());
    }
    ObjectNode request = GlobalCodec.JSON.objectNode().put("op", "pull");
    ArrayNode bk = request.putArray("bk");
    buckets.stream().sorted().forEach(bk::add);
    request.set("have", have);
    return dht.request(peer, CHANNEL, request).thenCompose(answer -> {
      int learned = counts[0];
      for (JsonNode e : answer.path("e")) {
        try {
          if (accept(GlobalCodec.decode(e, maxValueBytes), Source.SYNC)) {
            counts[0]++;
          }
        } catch (IllegalArgumentException ex) {
          rejected.increment();
        }
      }
      List<String> want = new ArrayList<>();
      answer.path("want").forEach(n -> want.add(n.asText()));
      CompletableFuture<Void> pushed = round == 0 ? push(peer, want, counts) : CompletableFuture.completedFuture(null);
      // Another page while pages teach us something; one that taught nothing would come back the same.
      if (answer.path("more").asBoolean(false) && counts[0] > learned && round + 1 < MAX_PULLS) {
        return pushed.thenCompose(v -> pull(peer, buckets, round + 1, counts));
      }
      return pushed;
    });
  }

  private CompletableFuture<Void> push(Contact peer, List<String> names, int[] counts) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    ArrayNode page = GlobalCodec.JSON.arrayNode();
    int bytes = 0;
    for (String name : names) {
      Global g = table.get(name);
      if (g == null || expired(g)) {
        continue;
      }
      ObjectNode e = GlobalCodec.encode(g);
      int size = utf8Size(e);
      if (bytes + size > PAGE_BYTES && !page.isEmpty()) {
        chain = chainPush(chain, peer, page, counts);
        page = GlobalCodec.JSON.arrayNode();
        bytes = 0;
      }
      page.add(e);
      bytes += size;
    }
    return page.isEmpty() ? chain : chainPush(chain, peer, page, counts);
  }

  private static int utf8Size(JsonNode json) {
    return json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
  }

  private CompletableFuture<Void> chainPush(CompletableFuture<Void> after, Contact peer, ArrayNode page, int[] counts) {
    ObjectNode request = GlobalCodec.JSON.objectNode().put("op", "push");
    request.set("e", page);
    return after.thenCompose(v -> dht.request(peer, CHANNEL, request))
        .thenAccept(answer -> counts[1] += answer.path("applied").asInt(0));
  }
}
