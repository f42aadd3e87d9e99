package dev.weft.kademlia.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.api.WeftException;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.store.StoreResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A writer's side of replication: stores a record on its replication-factor closest nodes, replaces a closest node that
 * does not take it by the next candidate, and sends it again later to the ones that missed it. The single put and
 * republish use {@link #replicate}; batch writes ({@link BatchReplicator}) use the per-record steps.
 *
 * <p>Confined to the node's event loop, like {@link DhtStorage}, which owns it.
 */
final class Replicator {
  private final NodeId id;
  private final KademliaConfig cfg;
  private final Executor loop;
  private final Scheduler clock;
  private final DhtStorage.Network network;
  /** Stores a record in this node's own store, as a peer's STORE would. */
  private final Function<Record, CompletableFuture<StoreResult>> storeHere;
  /** Whether a record is still the version of its key this node publishes (else it is not sent again). */
  private final Predicate<Record> publishes;

  Replicator(NodeId id, KademliaConfig cfg, Executor loop, Scheduler clock, DhtStorage.Network network,
      Function<Record, CompletableFuture<StoreResult>> storeHere, Predicate<Record> publishes) {
    this.id = id;
    this.cfg = cfg;
    this.loop = loop;
    this.clock = clock;
    this.network = network;
    this.storeHere = storeHere;
    this.publishes = publishes;
  }

  /**
   * Stores {@code record} on the replication-factor closest nodes (this one included when it is among them), telling
   * {@code held} the version each replica that answered holds now. A closest node that does not take the record is
   * replaced by the next candidate, if the lookup gave more than the replication factor (it does where the routing
   * table stood in for it), and is sent the record again later.
   *
   * <p>The answer comes once write-quorum replicas acknowledged, the closest one among them, or else once every STORE
   * settled (it fails when none took the record). The STOREs still out are followed all the same (stand-ins, resends):
   * the slowest replicas no longer hold the caller's answer, but still get the record. The closest must be among the
   * first because a scan leaves each row to its closest holder (docs/query.md), and write-quorum plus read-quorum
   * exceeding the replication factor (the default) makes every quorum read meet one of them.
   */
  CompletableFuture<PutResult> replicate(Record record, Consumer<Version> held) {
    NodeId target = network.keyId(record.namespace(), record.key());
    List<Contact> known = knownBefore(target);
    return network.replicaCandidates(target, cfg.replication()).thenComposeAsync(result -> {
      Placement p = place(target, known, result);
      AtomicInteger acks = new AtomicInteger();
      int attempted = p.chosen().size();
      int quorum = Math.min(cfg.writeQuorum(), attempted);
      CompletableFuture<PutResult> answer = new CompletableFuture<>();
      List<CompletableFuture<?>> writes = new ArrayList<>(attempted);
      AtomicBoolean closestSettled = new AtomicBoolean();
      for (int i = 0; i < attempted; i++) {
        boolean isClosest = i == 0;
        // Each chain ends at the ack that counts for it (its own or its stand-in's), so checking here is exact.
        writes.add(storeOn(p.chosen().get(i), record, held, acks, p.spares(), p.missed()).handle((x, e) -> {
          if (isClosest) {
            closestSettled.set(true);
          }
          if (closestSettled.get() && acks.get() >= quorum && !answer.isDone()) {
            answer.complete(new PutResult(record.version(), acks.get(), attempted));
          }
          return null;
        }));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenRunAsync(() -> {
        p.missed().forEach(c -> storeLater(c, record, 0));
        if (acks.get() == 0) {
          answer.completeExceptionally(new WeftException(unacknowledged(record, attempted)));
        } else {
          answer.complete(new PutResult(record.version(), acks.get(), attempted));
        }
      }, loop);
      return answer;
    }, loop);
  }

  /**
   * Where one record goes: the replication-factor closest candidates ({@code chosen}, this node among them when it is
   * one of the closest), the next ones to stand in for a chosen one that does not take it ({@code spares}), and the
   * nodes this node knew, closer than the farthest chosen one, that the lookup left out ({@code missed}: sent the record
   * later).
   */
  record Placement(List<Contact> chosen, ArrayDeque<Contact> spares, List<Contact> missed) {}

  /**
   * The contacts to compare a lookup's answer with ({@link #place}), taken before the lookup, which marks the nodes
   * that do not answer it as failing; none where the table knows everyone (its candidates include them all).
   */
  List<Contact> knownBefore(NodeId target) {
    return network.knowsEveryone() ? List.of() : network.closest(target, cfg.replication());
  }

  /** Places a record of id {@code target} among {@code result}'s candidates (closest first) and this node. */
  Placement place(NodeId target, List<Contact> known, Lookup.Result result) {
    List<Contact> closest = result.closest();
    List<Contact> candidates = new ArrayList<>(closest.size() + 1);
    Contact self = network.self();
    for (Contact c : closest) {
      if (self != null && target.compareDistance(self.id(), c.id()) < 0) {
        candidates.add(self);
        self = null;
      }
      if (!c.id().equals(id)) {
        candidates.add(c);
      }
    }
    if (self != null) {
      candidates.add(self);
    }
    int size = Math.min(cfg.replication(), candidates.size());
    List<Contact> chosen = List.copyOf(candidates.subList(0, size));
    ArrayDeque<Contact> spares = new ArrayDeque<>(candidates.subList(size, candidates.size()));
    Contact farthest = chosen.get(chosen.size() - 1);
    List<Contact> missed = new ArrayList<>();
    for (Contact c : known) {
      if (target.compareDistance(c.id(), farthest.id()) < 0 && chosen.stream().noneMatch(x -> x.id().equals(c.id()))) {
        missed.add(c);
      }
    }
    return new Placement(chosen, spares, missed);
  }

  /** Why a write failed when no replica took it. */
  static String unacknowledged(Record record, int attempted) {
    return "no replica acknowledged " + record.namespace() + "/" + record.key() + " (" + attempted + " tried)";
  }

  /**
   * Stores {@code record} on {@code c}; when it does not take it, on the next of {@code spares} instead, and {@code c}
   * joins {@code missed}. On the loop.
   */
  CompletableFuture<Void> storeOn(Contact c, Record record, Consumer<Version> held,
      AtomicInteger acks, ArrayDeque<Contact> spares, List<Contact> missed) {
    if (c.id().equals(id)) {
      return storeHere.apply(record).thenAccept(r -> {
        held.accept(r.current().version());
        if (holdsAtLeast(r.current().version(), record)) {
          acks.incrementAndGet();
        }
      });
    }
    return network.store(c, record, null).handleAsync((m, e) -> {
      if (m instanceof Message.Stored s) {
        held.accept(s.version());
      }
      if (took(m, record)) {
        acks.incrementAndGet();
        return CompletableFuture.<Void>completedFuture(null);
      }
      missed.add(c);
      Contact next = spares.poll();
      return next == null ? CompletableFuture.<Void>completedFuture(null)
          : storeOn(next, record, held, acks, spares, missed);
    }, loop).thenCompose(f -> f);
  }

  /**
   * Sends {@code record} again, later, to one of its closest nodes that did not take it (its answers were lost, it
   * stalled, or it did not answer the lookup), while this node still publishes that version of it. Without this it
   * would lack the record until the next republish (an hour), as the hand-off only serves nodes that joined the
   * replica set, and a scan would leave the record to it.
   * At most {@link #RETRY_DELAYS_MILLIS} tries; the bytes waiting are bounded, past which the republish stays the
   * backstop.
   */
  void storeLater(Contact to, Record record, int attempt) {
    int size = record.valueBytes().length + 256;
    if (attempt >= RETRY_DELAYS_MILLIS.length || retryBytes + size > MAX_RETRY_BYTES) {
      return;
    }
    retryBytes += size;
    clock.schedule(() -> loop.execute(() -> {
      retryBytes -= size;
      if (network.isClosed() || !publishes.test(record)) {
        return;  // written again, deleted, purged or expired since: not this node's to send any more
      }
      network.store(to, record, RETRY_STAT).whenCompleteAsync((m, e) -> {
        if (!took(m, record)) {
          storeLater(to, record, attempt + 1);
        }
      }, loop);
    }), RETRY_DELAYS_MILLIS[attempt], TimeUnit.MILLISECONDS);
  }

  /** When a STORE that did not reach one of a record's closest nodes is sent again: three tries in some 40 s. */
  private static final long[] RETRY_DELAYS_MILLIS = {2_000, 8_000, 30_000};
  /** The name STOREs sent again are counted under in the node's stats. */
  static final String RETRY_STAT = "STORE_RETRY";
  /** Most bytes of records waiting to be sent again. */
  private static final long MAX_RETRY_BYTES = 16L << 20;
  /** Bytes of records waiting to be sent again; on the loop. */
  private long retryBytes;

  /** Whether a STORE's answer says the replica holds {@code record} now (it took it, or holds a newer version). */
  static boolean took(Message answer, Record record) {
    return answer instanceof Message.Stored s && (s.accepted() || holdsAtLeast(s.version(), record));
  }

  static boolean holdsAtLeast(Version held, Record record) {
    return held.compareTo(record.version()) >= 0;
  }
}
