package dev.weft.kademlia.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.kademlia.internal.DhtStorage.Ref;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Hand-off and re-replication by holders (Kademlia §2.5: a node that learns of a new node close to a key it holds
 * stores the key there; docs/storage.md, "Replica maintenance"). For each record held, this node keeps its view of the
 * record's replica set; each maintenance run compares the nodes now closest with it, and new members get a STORE from
 * the {@link #PUSHERS} closest of the members that were already there.
 *
 * <p>A record's first view is the replica set when it was stored here. It is worked out at the next run, not on
 * arrival: {@link #stored} notes the routing table's membership generation, and the run rebuilds that membership's
 * closest set ({@link DhtStorage.Network#closestAt}) — a key's hash and a closest-nodes search per record stored cost
 * more than storing it.
 *
 * <p>Confined to the node's event loop, like {@link DhtStorage}, which runs it.
 */
final class HandOff {
  /**
   * Holders of a record that hand it to a node newly among its closest: the ones ranked first among those that were
   * already there, in each holder's own view. More than one, so a holder that left unnoticed does not stop the
   * hand-off; far fewer than the replication factor, so a newcomer is not sent the same record by every holder.
   */
  static final int PUSHERS = 2;
  /** The RPC counter ({@link dev.weft.api.NodeStats#rpcs}) of STOREs sent by hand-off. */
  static final String STAT = "STORE:handoff";

  private final NodeId id;
  private final KademliaConfig cfg;
  private final Executor loop;
  private final DhtStorage.Network network;
  /**
   * For each record held, the replica set as this node last saw it: the closest nodes to the key it knew (itself
   * included), as the first 64 bits of their ids. Maintenance hands the record to nodes that joined that set since.
   */
  private final Map<Ref, long[]> replicaViews = new HashMap<>();
  /**
   * Records stored here that have no view yet, with the routing table's membership generation when they were: their
   * view is that membership's replica set, worked out by the next run ({@link #viewAt}).
   */
  private final Map<Ref, Long> storedAt = new HashMap<>();

  HandOff(NodeId id, KademliaConfig cfg, Executor loop, DhtStorage.Network network) {
    this.id = id;
    this.cfg = cfg;
    this.loop = loop;
    this.network = network;
  }

  /**
   * A record was stored here. Whoever stores a record here stores it on the others it sees closest too: they start the
   * view a run compares with, so a node that joins from now on is handed it.
   */
  void stored(Ref ref) {
    if (!replicaViews.containsKey(ref)) {
      storedAt.putIfAbsent(ref, network.tableGeneration());
    }
  }

  /** A record was removed here (purged): no view is kept for it. */
  void forget(Ref ref) {
    replicaViews.remove(ref);
    storedAt.remove(ref);
  }

  /**
   * A run begins (before its scan of the store): returns what ends it, which forgets the records that waited for a
   * view since before the run and that the scan did not meet (expired or removed since).
   */
  Runnable starting() {
    List<Ref> waiting = List.copyOf(storedAt.keySet());
    return () -> waiting.forEach(storedAt::remove);
  }

  /** One run over the live records {@code held}: hands each to the new members of its replica set, renews the views. */
  void run(List<Record> held) {
    Map<Ref, long[]> next = new HashMap<>();
    for (Record r : held) {
      maintain(r, next);
    }
    replicaViews.clear();
    replicaViews.putAll(next);
  }

  /** The replication-factor closest nodes to {@code target} this node knows, itself included, closest first. */
  private List<Contact> replicaSet(NodeId target) {
    List<Contact> closest = new ArrayList<>(network.closest(target, cfg.replication()));
    closest.add(network.self());
    closest.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return closest.size() > cfg.replication() ? closest.subList(0, cfg.replication()) : closest;
  }

  /**
   * The replica set of {@code target} as this node saw it at the routing table's membership {@code generation}, as
   * ids; null when the table no longer remembers that far back (then the record is treated as one held without a
   * view, as after a restart).
   */
  private long[] viewAt(NodeId target, long generation) {
    List<Contact> then = network.closestAt(target, cfg.replication(), generation);
    if (then == null) {
      return null;
    }
    List<Contact> set = new ArrayList<>(then);
    set.add(network.self());
    set.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return ids(set.size() > cfg.replication() ? set.subList(0, cfg.replication()) : set);
  }

  private static long[] ids(List<Contact> contacts) {
    long[] out = new long[contacts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = prefix(contacts.get(i).id());
    }
    return out;
  }

  private void maintain(Record record, Map<Ref, long[]> next) {
    Ref ref = new Ref(record.namespace(), record.key());
    List<Contact> closest = replicaSet(network.keyId(record.namespace(), record.key()));
    long self = prefix(id);
    long[] now = ids(closest);
    long[] before = replicaViews.get(ref);
    if (before == null) {
      Long generation = storedAt.remove(ref);
      if (generation != null) {
        before = viewAt(network.keyId(record.namespace(), record.key()), generation);
      }
    }
    if (!contains(now, self)) {
      handOver(record, ref, closest, before, next);
      return;
    }
    if (before == null) {
      next.put(ref, now);
      return;
    }
    List<Contact> fresh = new ArrayList<>();
    int rank = 0;
    boolean pusher = false;
    for (Contact c : closest) {
      long p = prefix(c.id());
      if (p == self) {
        pusher = rank < PUSHERS;
      } else if (!contains(before, p)) {
        fresh.add(c);
      } else {
        rank++;
      }
    }
    if (fresh.isEmpty() || !pusher) {
      next.put(ref, remembered(now, before));
      return;
    }
    // Members handed the record join the view once they acknowledge it; the others are tried again next run.
    next.put(ref, remembered(new long[0], before));
    fresh.forEach(c -> push(record, ref, c));
  }

  /**
   * A record this node holds but is no longer one of the closest to (nodes closer to its key joined). When a member of
   * the current set was in this node's view, that member holds the record and hands it on: this node forgets its view.
   * When none was (newcomers took the whole set), no one closest holds it: the {@link #PUSHERS} holders of the
   * view closest to the key hand it over themselves, and keep the view, with the members that acknowledged, until one
   * of those is in the set. Without a view (after a restart) it is left to the holders that have one.
   */
  private void handOver(Record record, Ref ref, List<Contact> closest, long[] before, Map<Ref, long[]> next) {
    if (before == null) {
      return;
    }
    for (Contact c : closest) {
      if (contains(before, prefix(c.id()))) {
        return;
      }
    }
    next.put(ref, before);
    // Rank among the view's holders this node still knows of: one that left does not push.
    NodeId target = network.keyId(record.namespace(), record.key());
    int closer = 0;
    for (Contact c : network.closest(target, 2 * cfg.replication() + 1)) {
      if (target.compareDistance(c.id(), id) < 0 && contains(before, prefix(c.id()))) {
        closer++;
      }
    }
    if (closer < PUSHERS) {
      closest.forEach(c -> push(record, ref, c));
    }
  }

  /** Hands {@code record} to {@code c}; a member that acknowledges joins the record's view. */
  private void push(Record record, Ref ref, Contact c) {
    network.store(c, record, STAT).thenAcceptAsync(m -> {
      if (m instanceof Message.Stored) {
        replicaViews.computeIfPresent(ref, (k, view) -> contains(view, prefix(c.id())) ? view : append(view, c.id()));
      }
    }, loop);
  }

  /**
   * The next view: the current set, then members of the previous one that dropped out of it, up to twice the set's
   * size. A member that drops out for a while (it missed a few answers under load) and comes back is not handed the
   * record again: without this memory, a loaded node's contacts flapped in and out and every flap re-sent everything.
   */
  private long[] remembered(long[] now, long[] before) {
    int cap = 2 * cfg.replication();
    long[] out = Arrays.copyOf(now, Math.min(cap, now.length + before.length));
    int n = now.length;
    for (int i = 0; i < before.length && n < out.length; i++) {
      if (!contains(now, before[i])) {
        out[n++] = before[i];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static long prefix(NodeId id) {
    return ByteBuffer.wrap(id.toBytes()).getLong();
  }

  private static boolean contains(long[] ids, long id) {
    for (long x : ids) {
      if (x == id) {
        return true;
      }
    }
    return false;
  }

  private static long[] append(long[] ids, NodeId id) {
    long[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = prefix(id);
    return out;
  }
}
