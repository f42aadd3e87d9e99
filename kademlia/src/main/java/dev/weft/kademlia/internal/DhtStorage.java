package dev.weft.kademlia.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.JsonLimits;
import dev.weft.api.LookupFailedException;
import dev.weft.api.NodeId;
import dev.weft.api.Page;
import dev.weft.api.PutOutcome;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import dev.weft.api.RecordSigner;
import dev.weft.api.Scan;
import dev.weft.api.Storage;
import dev.weft.api.StoredObject;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import dev.weft.api.Write;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.VersionClock;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Storage API over the DHT: writes go to the replication-factor closest nodes, reads ask the closest until a quorum
 * of replicas answered and repair the stale ones they met, and both the writer and the holders republish.
 *
 * <p>State here is confined to the node's event loop, like the node's. The network is reached only through
 * {@link Network}; settings, store, clock and codec are given, not read from the node.
 */
final class DhtStorage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(DhtStorage.class);
  /** Republishing runs this many record writes at a time, so maintenance does not swamp the node. */
  private static final int REPUBLISH_PARALLELISM = 4;

  /** A record's (namespace, key). */
  record Ref(String namespace, String key) {}

  /**
   * A record this node wrote and keeps alive; a fixed expiry is the user's TTL, otherwise it is refreshed. A signed
   * record's expiry is signed: only a publication that still has its signer (not one reloaded after a restart, nor one
   * signed by a client) can be refreshed.
   */
  private record Publication(Record record, boolean fixedExpiry, RecordSigner signer) {
    boolean refreshable() {
      return !fixedExpiry && (signer != null || !record.signed());
    }
  }

  /** What storage does over the network, through the node (on its loop). */
  interface Network {
    /** The DHT key of {@code namespace}/{@code key}. */
    NodeId keyId(String namespace, String key);

    /**
     * Who to store a record of id {@code target} on, closest first: the {@code count} closest live nodes, by an
     * iterative FIND_NODE; or, where the routing table keeps every contact this node heard of (a network smaller than
     * a bucket), up to twice {@code count} known contacts without asking anyone, whose STOREs' answers confirm them.
     */
    CompletableFuture<Lookup.Result> replicaCandidates(NodeId target, int count);

    /** An iterative FIND_VALUE that stops once {@code stillNeeded} reaches zero. */
    CompletableFuture<Lookup.Result> lookupValue(NodeId target, String namespace, String key,
        ToIntFunction<Lookup> stillNeeded);

    /** A STORE to {@code to}, counted under {@code statName} (null: STORE); completes with the answer. */
    CompletableFuture<Message> store(Contact to, Record record, String statName);

    /** A STORE_MANY of {@code records} to {@code to}; completes with the answer. */
    CompletableFuture<Message> storeMany(Contact to, Message.StoreMany records);

    /** Up to {@code count} known contacts closest to {@code target}, closest first. */
    List<Contact> closest(NodeId target, int count);

    /** The routing table's membership generation: it changes whenever a contact enters or leaves. */
    long tableGeneration();

    /**
     * Whether the routing table keeps every contact this node heard of (no bucket is full): then
     * {@link #replicaCandidates} answers from it without asking anyone.
     */
    boolean knowsEveryone();

    /**
     * As {@link #closest}, among the contacts the table held at membership {@code generation}; null when the table no
     * longer remembers its changes since.
     */
    List<Contact> closestAt(NodeId target, int count, long generation);

    /** This node as a contact. */
    Contact self();

    boolean isClosed();
  }

  private final NodeId id;
  private final KademliaConfig cfg;
  private final LocalStore store;
  private final Executor loop;
  private final Scheduler clock;
  private final VersionClock hlc;
  private final Codec codec;
  private final Stats stats;
  private final Network network;
  private final Replicator replicator;
  private final BatchReplicator batches;
  private final Map<Ref, Publication> publications = new HashMap<>();
  private final Map<Ref, Long> lastStored = new HashMap<>();
  /** Each held record's replica view, and the hand-off of records to nodes that join it. */
  private final HandOff handOff;
  private boolean republishing;
  private boolean maintaining;

  /** Node-state names of saved publications: {@code pub/<namespace>\0<key>}. */
  static final String PUBLICATION_PREFIX = "pub/";

  DhtStorage(NodeId id, KademliaConfig cfg, LocalStore store, Executor loop, Scheduler clock, VersionClock hlc, Codec codec,
      Stats stats, Network network) {
    this.id = id;
    this.cfg = cfg;
    this.store = store;
    this.loop = loop;
    this.clock = clock;
    this.hlc = hlc;
    this.codec = codec;
    this.stats = stats;
    this.network = network;
    this.replicator = new Replicator(id, cfg, loop, clock, network, this::serveStore, this::publishes);
    this.batches = new BatchReplicator(id, cfg, loop, network, replicator);
    this.handOff = new HandOff(id, cfg, loop, network);
    loadPublications();
  }

  /** A writer that restarts on a persistent store goes on republishing what it wrote before. */
  private void loadPublications() {
    for (Map.Entry<String, String> e : store.loadMetaWithPrefix(PUBLICATION_PREFIX).entrySet()) {
      String v = e.getValue();
      try {
        if (v.isEmpty() || (v.charAt(0) != '0' && v.charAt(0) != '1')) {
          throw new MalformedMessageException("unknown format");
        }
        Record r = codec.decodeRecord(v.substring(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        publications.put(new Ref(r.namespace(), r.key()), new Publication(r, v.charAt(0) == '1', null));
      } catch (MalformedMessageException ex) {
        LOG.warn("ignoring unreadable saved publication {}: {}", e.getKey(), ex.getMessage());
      }
    }
    if (!publications.isEmpty()) {
      LOG.info("node {} republishes {} records it wrote before it restarted", id.shortHex(), publications.size());
    }
  }

  private static String publicationName(Ref ref) {
    return PUBLICATION_PREFIX + ref.namespace() + '\u0000' + ref.key();
  }

  private void remember(Ref ref, Publication p) {
    remember(ref, p, publicationValue(p.fixedExpiry(), codec.encodeRecord(p.record())));
  }

  /** A publication as saved: whether its expiry is fixed, then the record as {@link Codec#encodeRecord} writes it. */
  private static String publicationValue(boolean fixedExpiry, byte[] encoded) {
    return (fixedExpiry ? "1" : "0") + new String(encoded, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code value}: the publication as {@link #publicationValue} saves it. */
  private void remember(Ref ref, Publication p, String value) {
    publications.put(ref, p);
    store.saveMeta(publicationName(ref), value).whenComplete((v, e) -> {
      if (e != null) {
        LOG.warn("could not save publication {}/{}: {}", ref.namespace(), ref.key(), e.getMessage());
      }
    });
  }

  private void forget(Ref ref) {
    publications.remove(ref);
    store.removeMeta(publicationName(ref));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Storage API

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value) {
    return write(namespace, key, value, null, null);
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl) {
    return put(namespace, key, value, ttl, (RecordSigner) null);
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, RecordSigner signer) {
    return write(namespace, key, value, null, Objects.requireNonNull(signer, "signer"));
  }

  @Override
  public CompletableFuture<PutResult> put(String namespace, String key, JsonNode value, Duration ttl,
      RecordSigner signer) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("ttl must be positive, got " + ttl));
    }
    return write(namespace, key, value, ttl, signer);
  }

  @Override
  public CompletableFuture<PutResult> delete(String namespace, String key) {
    return write(namespace, key, null, null, null);
  }

  @Override
  public CompletableFuture<PutResult> delete(String namespace, String key, RecordSigner signer) {
    return write(namespace, key, null, null, Objects.requireNonNull(signer, "signer"));
  }

  @Override
  public CompletableFuture<PutResult> putSigned(Record record) {
    try {
      Objects.requireNonNull(record, "record");
      checkNames(record.namespace(), record.key());
      if (!RecordSigner.isOwned(record.namespace())) {
        throw new IllegalArgumentException("putSigned is for owned namespaces (@<key>/<name>), not '"
            + record.namespace() + "'");
      }
      if (!record.signatureValid()) {
        throw new IllegalArgumentException("the signature of " + record.namespace() + "/" + record.key()
            + " does not verify with the namespace's key");
      }
      if (!hlc.plausible(record.version())) {
        throw new IllegalArgumentException("version " + record.version() + " is more than "
            + VersionClock.MAX_DRIFT_MILLIS / 1000 + " s ahead of this node's clock");
      }
      if (record.isExpired(clock.currentTimeMillis())) {
        throw new IllegalArgumentException("the record's signed expiry has passed");
      }
      if (record.valueSize() > cfg.maxValueBytes()) {
        throw new ValueTooLargeException("value of " + record.namespace() + "/" + record.key(), record.valueSize(),
            cfg.maxValueBytes());
      }
      // Replicas check the signature against the value bytes as they arrive: they must travel unchanged.
      if (!codec.decodeRecord(codec.encodeRecord(record)).equals(record)) {
        throw new IllegalArgumentException("the value must be JSON text without whitespace around it");
      }
      if (!record.tombstone()) {
        JsonLimits.checkNesting(Codec.MAPPER.readTree(record.valueBytes()), "value of " + record.namespace() + "/"
            + record.key());
      }
    } catch (IllegalArgumentException | NullPointerException | WeftException e) {
      return CompletableFuture.failedFuture(e);
    } catch (MalformedMessageException | IOException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the value is not JSON: " + e.getMessage(),
          e));
    }
    CompletableFuture<PutResult> out = new CompletableFuture<>();
    onLoop(out, () -> {
      hlc.observe(record.version());
      remember(new Ref(record.namespace(), record.key()), new Publication(record, true, null));
      replicate(record).whenComplete((r, e) -> complete(out, r, e));
    });
    return out;
  }

  /**
   * Runs {@code task} on the loop. On a closed node, or when the task throws (a store closed under it), {@code out}
   * fails instead of staying pending: a caller without a timeout of its own would wait forever.
   */
  private void onLoop(CompletableFuture<?> out, Runnable task) {
    if (network.isClosed()) {
      out.completeExceptionally(closed());
      return;
    }
    loop.execute(() -> {
      if (network.isClosed()) {
        out.completeExceptionally(closed());
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    });
  }

  private static WeftException closed() {
    return new WeftException("node closed");
  }

  private static <T> void complete(CompletableFuture<T> out, T value, Throwable error) {
    if (error != null) {
      out.completeExceptionally(error);
    } else {
      out.complete(value);
    }
  }

  /** Owned namespaces take only their owner's signer, and a signer writes only into its own namespaces. */
  private static void checkSigner(String namespace, RecordSigner signer) {
    if (signer == null) {
      if (RecordSigner.isOwned(namespace)) {
        throw new IllegalArgumentException("namespace '" + namespace + "' is owned (it starts with '"
            + RecordSigner.OWNED_PREFIX + "'): write to it with its owner's RecordSigner"
            + (RecordSigner.owner(namespace).isEmpty() ? ", as @<key>/<name> with a 43-character base64url key" : ""));
      }
    } else if (!signer.owns(namespace)) {
      throw new IllegalArgumentException("namespace '" + namespace + "' is not owned by this signer; its namespaces are "
          + signer.namespace() + " and " + signer.namespace() + "/<name>");
    }
  }

  private CompletableFuture<PutResult> write(String namespace, String key, JsonNode value, Duration ttl,
      RecordSigner signer) {
    byte[] bytes;
    try {
      checkNames(namespace, key);
      checkSigner(namespace, signer);
      if (value != null) {
        JsonLimits.checkNesting(value, "value of " + namespace + "/" + key);
      }
      bytes = value == null ? null : Codec.MAPPER.writeValueAsBytes(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(e);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("value is not serialisable JSON: "
          + e.getOriginalMessage(), e));
    }
    if (bytes != null && bytes.length > cfg.maxValueBytes()) {
      return CompletableFuture.failedFuture(new ValueTooLargeException("value of " + namespace + "/" + key,
          bytes.length, cfg.maxValueBytes()));
    }
    CompletableFuture<PutResult> out = new CompletableFuture<>();
    onLoop(out, () -> {
      long now = clock.currentTimeMillis();
      Record record;
      boolean fixed;
      if (bytes == null) {
        record = Record.tombstone(namespace, key, hlc.next(), now + cfg.tombstoneTtl().toMillis(), id);
        fixed = true;
      } else {
        Duration life = ttl != null ? ttl : cfg.recordTtl();
        record = Record.value(namespace, key, bytes, hlc.next(), saturatedAdd(now, life.toMillis()), id);
        fixed = ttl != null;
      }
      if (signer != null) {
        record = record.signedBy(signer);
      }
      remember(new Ref(namespace, key), new Publication(record, fixed, signer));
      replicate(record).whenComplete((r, e) -> complete(out, r, e));
    });
    return out;
  }

  @Override
  public CompletableFuture<List<PutOutcome>> putAll(List<Write> writes) {
    return writeAll(writes, null);
  }

  @Override
  public CompletableFuture<List<PutOutcome>> putAll(List<Write> writes, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("ttl must be positive"));
    }
    return writeAll(writes, ttl);
  }

  /**
   * A batch: each write is checked and serialised here, on the caller's thread, as {@link #write} does; those that
   * fail get their outcome at once, the others become records and publications on the loop and go out together
   * ({@link BatchReplicator}).
   */
  private CompletableFuture<List<PutOutcome>> writeAll(List<Write> writes, Duration ttl) {
    Objects.requireNonNull(writes, "writes");
    PutOutcome[] outcomes = new PutOutcome[writes.size()];
    byte[][] values = new byte[writes.size()][];
    for (int i = 0; i < outcomes.length; i++) {
      Write w = Objects.requireNonNull(writes.get(i), "writes[" + i + "]");
      try {
        checkNames(w.namespace(), w.key());
        checkSigner(w.namespace(), null);
        JsonLimits.checkNesting(w.value(), "value of " + w.namespace() + "/" + w.key());
        values[i] = Codec.MAPPER.writeValueAsBytes(w.value());
        if (values[i].length > cfg.maxValueBytes()) {
          throw new ValueTooLargeException("value of " + w.namespace() + "/" + w.key(), values[i].length,
              cfg.maxValueBytes());
        }
      } catch (IllegalArgumentException | WeftException e) {
        outcomes[i] = PutOutcome.failed(e.getMessage());
      } catch (JsonProcessingException e) {
        outcomes[i] = PutOutcome.failed("value of " + w.namespace() + "/" + w.key() + " is not serialisable JSON: "
            + e.getOriginalMessage());
      }
    }
    // Records are made, encoded (once, for the saved publication and every replica's message) and hashed to their
    // key ids here too: the loop is left only the bookkeeping and the sending, as one loop serves a whole batch.
    long expiry = saturatedAdd(clock.currentTimeMillis(), (ttl != null ? ttl : cfg.recordTtl()).toMillis());
    List<Record> records = new ArrayList<>(outcomes.length);
    List<byte[]> encoded = new ArrayList<>(outcomes.length);
    List<NodeId> targets = new ArrayList<>(outcomes.length);
    List<String> saved = new ArrayList<>(outcomes.length);
    int[] positions = new int[outcomes.length];
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] == null) {
        Write w = writes.get(i);
        Record record = Record.value(w.namespace(), w.key(), values[i], hlc.next(), expiry, id);
        byte[] wire = codec.encodeRecord(record);
        positions[records.size()] = i;
        records.add(record);
        encoded.add(wire);
        targets.add(network.keyId(w.namespace(), w.key()));
        saved.add(publicationValue(ttl != null, wire));
      }
    }
    CompletableFuture<List<PutOutcome>> out = new CompletableFuture<>();
    onLoop(out, () -> {
      for (int j = 0; j < records.size(); j++) {
        Record record = records.get(j);
        remember(new Ref(record.namespace(), record.key()), new Publication(record, ttl != null, null), saved.get(j));
      }
      batches.replicate(records, encoded, targets).whenComplete((results, e) -> {
        if (e != null) {
          out.completeExceptionally(e);
          return;
        }
        for (int j = 0; j < results.size(); j++) {
          outcomes[positions[j]] = results.get(j);
        }
        out.complete(List.of(outcomes));
      });
    });
    return out;
  }

  @Override
  public CompletableFuture<Optional<StoredObject>> get(String namespace, String key) {
    try {
      checkNames(namespace, key);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Optional<StoredObject>> out = new CompletableFuture<>();
    onLoop(out, () -> store.get(namespace, key).whenCompleteAsync((local, storeError) -> {
      if (storeError != null) {
        out.completeExceptionally(storeError);
        return;
      }
      Record mine = authentic(live(local.orElse(null)), "signature.read");
      int quorum = cfg.readQuorum() - (mine != null ? 1 : 0);
      NodeId target = network.keyId(namespace, key);
      network.lookupValue(target, namespace, key, l -> quorum - countValues(l)).whenComplete((result, error) -> {
        if (error != null) {
          out.completeExceptionally(error);
          return;
        }
        try {
          out.complete(finishGet(namespace, key, target, mine, result));
        } catch (RuntimeException e) {
          out.completeExceptionally(e);
        }
      });
    }, loop));
    return out;
  }

  private static int countValues(Lookup l) {
    int n = 0;
    for (Lookup.Candidate c : l.answered()) {
      if (c.answer instanceof Message.Value v && v.record().signatureValid()) {
        n++;
      }
    }
    return n;
  }

  private Optional<StoredObject> finishGet(String namespace, String key, NodeId target, Record mine,
      Lookup.Result result) {
    Record newest = mine;
    for (Lookup.Candidate c : result.answered()) {
      Record r = c.answer instanceof Message.Value v ? authentic(live(v.record()), "signature.read") : null;
      if (r != null && r.namespace().equals(namespace) && r.key().equals(key)) {
        newest = newest == null ? r : newest.merge(r);
      }
    }
    if (newest == null) {
      if (result.answered().isEmpty()) {
        throw new LookupFailedException("could not look up " + namespace + "/" + key + ": "
            + (result.queried() == 0 ? "this node knows no peers" : "none of the " + result.queried()
            + " nodes asked answered"));
      }
      return Optional.empty();
    }
    hlc.observe(newest.version());
    repair(newest, target, mine, result);
    if (newest.tombstone()) {
      return Optional.empty();
    }
    return Optional.of(toObject(newest));
  }

  /**
   * Read repair: replicas that answered with an older version get the newest, and answering nodes closer to the key
   * than a holder that lack it get it too (a holder that joined late, or one that lost its store).
   */
  private void repair(Record newest, NodeId target, Record mine, Lookup.Result result) {
    int rank = 0;
    for (Lookup.Candidate c : result.answered()) {
      rank++;
      boolean stale = c.answer instanceof Message.Value v && newest.version().isNewerThan(v.record().version());
      boolean missing = c.answer instanceof Message.Nodes && rank <= cfg.replication()
          && closerThanFarthestHolder(c.contact.id(), target, result);
      if (stale || missing) {
        network.store(c.contact, newest, null);
      }
    }
    if (mine != null && newest.version().isNewerThan(mine.version())) {
      store.put(newest);
    }
  }

  /** Only fill in nodes that are at least as close as one that holds the record, so repair never widens the set. */
  private static boolean closerThanFarthestHolder(NodeId candidate, NodeId target, Lookup.Result result) {
    NodeId farthest = null;
    for (Lookup.Candidate c : result.answered()) {
      if (c.answer instanceof Message.Value) {
        farthest = c.contact.id();
      }
    }
    return farthest != null && target.compareDistance(candidate, farthest) < 0;
  }

  @Override
  public CompletableFuture<Page<StoredObject>> lscan(Scan scan) {
    Objects.requireNonNull(scan, "scan");
    if (network.isClosed()) {
      return CompletableFuture.failedFuture(closed());
    }
    long now = clock.currentTimeMillis();
    CompletableFuture<Page<Record>> scanned;
    try {
      scanned = store.scan(scan);
    } catch (IllegalStateException e) {
      // Closed between the check and the scan.
      return CompletableFuture.failedFuture(closed());
    }
    return scanned.thenApplyAsync(page -> {
      List<StoredObject> items = new ArrayList<>(page.items().size());
      for (Record r : page.items()) {
        if (!r.tombstone() && !r.isExpired(now)) {
          items.add(toObject(r));
        }
      }
      return new Page<>(items, page.next());
    }, loop);
  }

  /**
   * Removes this node's copies of {@code namespace}'s records stamped before {@code writtenBeforeMillis}, and forgets
   * those of them it wrote ({@link dev.weft.api.spi.plugin.Dht#purge}): page by page on the loop, so that serving goes
   * on between pages.
   */
  CompletableFuture<Long> purge(String namespace, long writtenBeforeMillis) {
    Objects.requireNonNull(namespace, "namespace");
    CompletableFuture<Long> out = new CompletableFuture<>();
    onLoop(out, () -> {
      List<Ref> written = new ArrayList<>();
      publications.forEach((ref, p) -> {
        if (ref.namespace().equals(namespace) && p.record().version().millis() < writtenBeforeMillis) {
          written.add(ref);
        }
      });
      written.forEach(this::forget);
      purgePage(namespace, Scan.namespace(namespace).limit(PURGE_PAGE), writtenBeforeMillis, new AtomicLong(), out);
    });
    return out;
  }

  /** Records removed per page of a purge. */
  private static final int PURGE_PAGE = 1000;

  private void purgePage(String namespace, Scan scan, long before, AtomicLong removed, CompletableFuture<Long> out) {
    store.scan(scan).thenComposeAsync(page -> {
      List<CompletableFuture<Boolean>> removals = new ArrayList<>();
      for (Record r : page.items()) {
        if (r.version().millis() < before) {
          Ref ref = new Ref(r.namespace(), r.key());
          lastStored.remove(ref);
          handOff.forget(ref);
          removals.add(store.remove(r.namespace(), r.key(), r.version()).thenApply(done -> {
            if (done) {
              removed.incrementAndGet();
            }
            return done;
          }));
        }
      }
      return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).thenApply(x -> page.next());
    }, loop).whenCompleteAsync((next, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else if (next.isPresent() && !network.isClosed()) {
        purgePage(namespace, next.get(), before, removed, out);
      } else {
        if (removed.get() > 0) {
          LOG.info("node {} purged {} records of {}", id.shortHex(), removed.get(), namespace);
        }
        out.complete(removed.get());
      }
    }, loop);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Replication

  /** Stores {@code record} on the replication-factor closest nodes (this one included when it is among them). */
  CompletableFuture<PutResult> replicate(Record record) {
    return replicator.replicate(record, v -> {});
  }

  /** Whether {@code record} is the version of its key this node publishes (and so still sends to missed replicas). */
  private boolean publishes(Record record) {
    Publication p = publications.get(new Ref(record.namespace(), record.key()));
    return p != null && p.record().version().equals(record.version());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Serving peers

  CompletableFuture<Record> serveFindValue(String namespace, String key) {
    return store.get(namespace, key).thenApply(r -> live(r.orElse(null)));
  }

  /**
   * {@code record} if it may be held and read here (see {@link Record#signatureValid()}), else null, counted as
   * refused for {@code reason}: a forged record in an owned namespace never replaces, nor outranks, the owner's.
   */
  Record authentic(Record record, String reason) {
    if (record == null || record.signatureValid()) {
      return record;
    }
    stats.refused(reason);
    return null;
  }

  /**
   * Completes when {@code record} may be stored here; fails (counted as refused for {@code "signature"}) when it is a
   * forgery. Checked before anything else a STORE costs.
   */
  CompletableFuture<Void> checkSignature(Record record) {
    return authentic(record, "signature") != null ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(new WeftException("the record's signature does not verify with its "
            + "namespace's key (" + record.namespace() + "/" + record.key() + ")"));
  }

  CompletableFuture<StoreResult> serveStore(Record record) {
    return checkSignature(record).thenCompose(ok -> storeHere(record));
  }

  private CompletableFuture<StoreResult> storeHere(Record record) {
    long now = clock.currentTimeMillis();
    if (record.isExpired(now)) {
      return CompletableFuture.failedFuture(new WeftException("record already expired"));
    }
    hlc.observe(record.version());
    Ref ref = new Ref(record.namespace(), record.key());
    lastStored.put(ref, now);
    handOff.stored(ref);
    return store.put(record);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Maintenance

  void sweep() {
    long now = clock.currentTimeMillis();
    store.sweepExpired(now).whenComplete((n, e) -> {
      if (e != null) {
        LOG.warn("expiry sweep failed", e);
      } else if (n > 0) {
        LOG.debug("swept {} expired records", n);
      }
    });
    List<Ref> expired = new ArrayList<>();
    publications.forEach((ref, p) -> {
      if (!p.refreshable() && p.record().isExpired(now)) {
        expired.add(ref);
      }
    });
    expired.forEach(this::forget);
    long horizon = now - 2 * cfg.republishInterval().toMillis();
    lastStored.values().removeIf(t -> t < horizon);
  }

  /**
   * Kademlia §2.5: holders republish what they hold (unless someone stored it here during the last interval, which
   * means another holder already did), and writers republish what they wrote with a refreshed expiry.
   */
  void republish() {
    if (republishing) {
      return;
    }
    republishing = true;
    long now = clock.currentTimeMillis();
    ArrayDeque<Record> queue = new ArrayDeque<>();
    for (Map.Entry<Ref, Publication> e : List.copyOf(publications.entrySet())) {
      Publication p = e.getValue();
      if (p.record().isExpired(now)) {
        forget(e.getKey());
        continue;
      }
      if (!p.refreshable()) {
        queue.add(p.record());
      } else {
        Record r = p.record().withExpiry(saturatedAdd(now, cfg.recordTtl().toMillis()));
        if (p.signer() != null) {
          r = r.signedBy(p.signer());
        }
        remember(e.getKey(), new Publication(r, false, p.signer()));
        queue.add(r);
      }
    }
    long recent = now - cfg.republishInterval().toMillis();
    List<Record> held = new ArrayList<>();
    collectLive(Scan.all().limit(1000), held, now).whenCompleteAsync((v, e) -> {
      if (e != null) {
        LOG.warn("republish scan failed", e);
      }
      for (Record r : held) {
        Ref ref = new Ref(r.namespace(), r.key());
        Long stored = lastStored.get(ref);
        if (!publications.containsKey(ref) && (stored == null || stored < recent)) {
          queue.add(r);
        }
      }
      drain(queue, new AtomicInteger(), new CompletableFuture<Void>()).whenComplete((x, y) -> republishing = false);
    }, loop);
  }

  private CompletableFuture<Void> drain(ArrayDeque<Record> queue, AtomicInteger running, CompletableFuture<Void> done) {
    while (running.get() < REPUBLISH_PARALLELISM && !queue.isEmpty() && !network.isClosed()) {
      Record r = queue.poll();
      running.incrementAndGet();
      AtomicBoolean superseded = new AtomicBoolean();
      replicator.replicate(r, v -> {
        if (v.isNewerThan(r.version())) {
          superseded.set(true);
        }
      }).whenCompleteAsync((res, e) -> {
        running.decrementAndGet();
        forgetIfSuperseded(r, superseded.get());
        drain(queue, running, done);
      }, loop);
    }
    if (running.get() == 0 && (queue.isEmpty() || network.isClosed())) {
      done.complete(null);
    }
    return done;
  }

  /**
   * A writer stops republishing a record of its own that a replica holds a newer version of (another node wrote or
   * deleted the key since): that version's writer keeps it alive now. Republishing the old one would bring a deleted
   * row back once the delete's tombstone expired.
   */
  private void forgetIfSuperseded(Record r, boolean superseded) {
    Ref ref = new Ref(r.namespace(), r.key());
    Publication p = publications.get(ref);
    if (superseded && p != null && !p.record().version().isNewerThan(r.version())) {
      forget(ref);
    }
  }

  /**
   * Hand-off and re-replication by holders (Kademlia §2.5: a node that learns of a new node close to a key it holds
   * stores the key there), run every maintenance interval. For each record held, compare the nodes now closest to its
   * key (this node's view) with the set seen at the previous run: members that are new (a node joined, or one that
   * was next in line after a holder left or stopped answering) get a STORE, from the {@link HandOff#PUSHERS} closest
   * of the members that were already there ({@link HandOff}). The first view is taken when the record is stored here (the writer, or
   * the holder that handed it over, stored it on the others it saw), or at the first run for a record held without
   * one (after a restart). Costs no message while the neighbourhood is unchanged.
   */
  void maintain() {
    if (maintaining) {
      return;
    }
    maintaining = true;
    long now = clock.currentTimeMillis();
    Runnable done = handOff.starting();
    List<Record> held = new ArrayList<>();
    collectLive(Scan.all().limit(1000), held, now).whenCompleteAsync((v, e) -> {
      maintaining = false;
      if (e != null) {
        LOG.warn("replica maintenance scan failed", e);
        return;
      }
      handOff.run(held);
      done.run();
    }, loop);
  }

  private CompletableFuture<Void> collectLive(Scan scan, List<Record> out, long now) {
    return store.scan(scan).thenComposeAsync(page -> {
      for (Record r : page.items()) {
        if (!r.isExpired(now)) {
          out.add(r);
        }
      }
      return page.next().isPresent() && !network.isClosed()
          ? collectLive(page.next().get(), out, now) : CompletableFuture.completedFuture(null);
    }, loop);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private Record live(Record r) {
    return r == null || r.isExpired(clock.currentTimeMillis()) ? null : r;
  }

  private static StoredObject toObject(Record r) {
    try {
      return new StoredObject(r.namespace(), r.key(), Codec.MAPPER.readTree(r.valueBytes()), r.version());
    } catch (IOException e) {
      throw new UncheckedIOException("stored value of " + r.namespace() + "/" + r.key() + " is not JSON", e);
    }
  }

  private static void checkNames(String namespace, String key) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    if (namespace.length() > KademliaConfig.MAX_NAME_CHARS || key.length() > KademliaConfig.MAX_NAME_CHARS) {
      throw new IllegalArgumentException("namespace and key are limited to " + KademliaConfig.MAX_NAME_CHARS
          + " characters");
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
