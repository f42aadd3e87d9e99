package dev.weft.kademlia.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.PutOutcome;
import dev.weft.api.PutResult;
import dev.weft.api.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch write's replication: each record goes to the same replicas, with the same stand-ins and later resends, as
 * {@link Replicator#replicate} would send it to, but the records bound for one replica travel together in STORE_MANY
 * messages.
 *
 * <pre>
 *   admit ─► candidates (the routing table, or a lookup) ─► one queue per replica ─► STORE_MANY ─► per-record results
 *                                                                  ▲                     │ a record not taken there:
 *                                                                  └── next batch ◄──────┘ next candidate (a STORE)
 * </pre>
 *
 * A replica's queue leaves as soon as it holds {@link #BATCH_BYTES}, or when nothing more arrived for it while it had
 * no batch in flight: a replica that answers fast gets small batches at once, a slow one larger batches less often
 * (self-clocking, like Nagle's algorithm). At most {@link #WINDOW} records are being placed at a time and
 * {@link #LOOKUPS} of them may be waiting for a lookup, so a batch of any size costs bounded memory and never floods a
 * large network with lookups.
 *
 * <p>A replica whose STORE_MANY goes unanswered (it left; or it predates the message type and drops it) is, for each
 * record of that batch, a replica that did not take it: the next candidate stands in and the record is sent to it again
 * later, one STORE at a time, as for a single put.
 *
 * <p>Confined to the node's event loop.
 */
final class BatchReplicator {
  /** Bytes of encoded records one STORE_MANY carries at most. */
  static final int BATCH_BYTES = 48 * 1024;
  /** STORE_MANY messages in flight to one replica at a time. */
  static final int PER_REPLICA = 2;
  /** Records being placed at a time by one batch write. */
  static final int WINDOW = 8192;
  /** Records of one batch write waiting for a lookup at a time (only networks larger than a bucket look up). */
  static final int LOOKUPS = 32;
  /** The RPC counter ({@link dev.weft.api.NodeStats#rpcs}) of STORE_MANY messages. */
  static final String STAT = "STORE_MANY";

  private final NodeId id;
  private final KademliaConfig cfg;
  private final Executor loop;
  private final DhtStorage.Network network;
  private final Replicator replicator;
  /** Replicas' queues, shared by every batch write running, so that concurrent batches fill the same messages. */
  private final Map<NodeId, Replica> replicas = new HashMap<>();
  private boolean flushScheduled;

  BatchReplicator(NodeId id, KademliaConfig cfg, Executor loop, DhtStorage.Network network, Replicator replicator) {
    this.id = id;
    this.cfg = cfg;
    this.loop = loop;
    this.network = network;
    this.replicator = replicator;
  }

  /**
   * Replicates {@code records}, {@code encoded} each as {@link Codec#encodeRecord} writes it and of key ids
   * {@code targets}; completes with one outcome per record, in order, once every one is settled. On the
   * loop.
   */
  CompletableFuture<List<PutOutcome>> replicate(List<Record> records, List<byte[]> encoded, List<NodeId> targets) {
    Run run = new Run(records, encoded, targets);
    run.admit();
    return run.done;
  }

  /** One record on its way to its replicas. */
  private static final class Slot {
    final int index;
    final Record record;
    final byte[] encoded;
    final NodeId target;
    final AtomicInteger acks = new AtomicInteger();
    final List<Contact> missed = new ArrayList<>();
    ArrayDeque<Contact> spares;
    int attempted;
    /** Replicas (or their stand-ins) not yet settled. */
    int pending;

    Slot(int index, Record record, byte[] encoded, NodeId target) {
      this.index = index;
      this.record = record;
      this.encoded = encoded;
      this.target = target;
    }

    int bytes() {
      return encoded.length + 1;
    }
  }

  /** A replica's queue: records waiting for a STORE_MANY to it, and how many of those are in flight. */
  private final class Replica {
    final Contact contact;
    final ArrayDeque<Entry> queue = new ArrayDeque<>();
    int queuedBytes;
    int inFlight;

    Replica(Contact contact) {
      this.contact = contact;
    }

    void add(Entry e) {
      queue.add(e);
      queuedBytes += e.slot.bytes();
      if (queuedBytes >= BATCH_BYTES && inFlight < PER_REPLICA) {
        send();
      } else {
        scheduleFlush();
      }
    }

    /** Sends the head of the queue, up to {@link #BATCH_BYTES}. */
    void send() {
      List<Entry> batch = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < Codec.MAX_BATCH_RECORDS
          && (batch.isEmpty() || bytes + queue.peek().slot.bytes() <= BATCH_BYTES)) {
        Entry e = queue.poll();
        bytes += e.slot.bytes();
        batch.add(e);
      }
      queuedBytes -= bytes;
      inFlight++;
      List<Record> records = new ArrayList<>(batch.size());
      List<byte[]> encoded = new ArrayList<>(batch.size());
      for (Entry e : batch) {
        records.add(e.slot.record);
        encoded.add(e.slot.encoded);
      }
      network.storeMany(contact, new Message.StoreMany(records, encoded)).whenCompleteAsync((answer, error) -> {
        inFlight--;
        List<Message.StoredMany.Result> results = answer instanceof Message.StoredMany many
            && many.results().size() == batch.size() ? many.results() : null;
        for (int i = 0; i < batch.size(); i++) {
          Entry e = batch.get(i);
          Message.StoredMany.Result r = results == null ? null : results.get(i);
          e.run.answered(e.slot, contact, r != null && !r.failed()
              && (r.accepted() || Replicator.holdsAtLeast(r.version(), e.slot.record)));
        }
        if (!queue.isEmpty()) {
          send();
        }
        while (queuedBytes >= BATCH_BYTES && inFlight < PER_REPLICA) {
          send();
        }
        if (queue.isEmpty() && inFlight == 0) {
          replicas.remove(contact.id());
        }
      }, loop);
    }
  }

  private record Entry(Run run, Slot slot) {}

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(this::flush);
    }
  }

  /** Sends what waits for replicas with no batch in flight: nothing more arrived for them in this turn of the loop. */
  private void flush() {
    flushScheduled = false;
    for (Replica r : List.copyOf(replicas.values())) {
      if (!r.queue.isEmpty() && r.inFlight == 0) {
        r.send();
      }
    }
  }

  /** One call's records. */
  private final class Run {
    final List<Record> records;
    final List<byte[]> encoded;
    final List<NodeId> targets;
    final PutOutcome[] outcomes;
    final CompletableFuture<List<PutOutcome>> done = new CompletableFuture<>();
    int next;
    int placing;
    int lookingUp;
    int settled;

    Run(List<Record> records, List<byte[]> encoded, List<NodeId> targets) {
      this.records = records;
      this.encoded = encoded;
      this.targets = targets;
      this.outcomes = new PutOutcome[records.size()];
    }

    void admit() {
      while (next < records.size() && placing < WINDOW && lookingUp < LOOKUPS) {
        if (network.isClosed()) {
          for (int i = next; i < records.size(); i++) {
            outcomes[i] = PutOutcome.failed("node closed");
          }
          settled += records.size() - next;
          next = records.size();
          break;
        }
        Record record = records.get(next);
        Slot slot = new Slot(next, record, encoded.get(next), targets.get(next));
        next++;
        placing++;
        List<Contact> known = replicator.knownBefore(slot.target);
        CompletableFuture<Lookup.Result> candidates = network.replicaCandidates(slot.target, cfg.replication());
        if (candidates.isDone() && !candidates.isCompletedExceptionally()) {
          place(slot, known, candidates.join());
        } else {
          lookingUp++;
          candidates.whenCompleteAsync((result, error) -> {
            lookingUp--;
            if (error != null) {
              settle(slot, "no replicas found for " + record.namespace() + "/" + record.key() + ": "
                  + PutOutcome.reason(error));
            } else {
              place(slot, known, result);
            }
            admit();
          }, loop);
        }
      }
      if (settled == records.size() && !done.isDone()) {
        done.complete(List.of(outcomes));
      }
    }

    /** Queues the record for its chosen replicas, as a single put would choose them; the others stand in. */
    void place(Slot slot, List<Contact> known, Lookup.Result result) {
      Replicator.Placement p = replicator.place(slot.target, known, result);
      slot.spares = p.spares();
      slot.missed.addAll(p.missed());
      slot.attempted = p.chosen().size();
      slot.pending = p.chosen().size();
      for (Contact c : p.chosen()) {
        if (c.id().equals(id)) {
          storeOne(slot, c);
        } else {
          replicas.computeIfAbsent(c.id(), k -> new Replica(c)).add(new Entry(this, slot));
        }
      }
    }

    /** {@code c} answered for the record (or its batch went unanswered: {@code took} false). */
    void answered(Slot slot, Contact c, boolean took) {
      if (took) {
        slot.acks.incrementAndGet();
        replicaDone(slot);
        return;
      }
      slot.missed.add(c);
      Contact spare = slot.spares.poll();
      if (spare == null) {
        replicaDone(slot);
      } else {
        storeOne(slot, spare);
      }
    }

    /** A single STORE (this node's own store, or a stand-in), with the single put's stand-ins after it. */
    void storeOne(Slot slot, Contact c) {
      replicator.storeOn(c, slot.record, v -> {}, slot.acks, slot.spares, slot.missed)
          .whenCompleteAsync((x, e) -> replicaDone(slot), loop);
    }

    void replicaDone(Slot slot) {
      if (--slot.pending > 0) {
        return;
      }
      slot.missed.forEach(c -> replicator.storeLater(c, slot.record, 0));
      Record r = slot.record;
      settle(slot, slot.acks.get() == 0 ? Replicator.unacknowledged(r, slot.attempted) : null);
    }

    /** The record's outcome: stored, or failed for {@code error}. */
    void settle(Slot slot, String error) {
      outcomes[slot.index] = error != null ? PutOutcome.failed(error)
          : PutOutcome.stored(new PutResult(slot.record.version(), slot.acks.get(), slot.attempted));
      placing--;
      settled++;
      admit();
    }
  }
}
