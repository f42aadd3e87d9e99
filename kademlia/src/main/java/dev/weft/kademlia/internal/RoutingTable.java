package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * 160 k-buckets indexed by the highest bit in which a contact's id differs from ours. Each bucket keeps at most k
 * contacts, least recently seen first, and a replacement cache of up to k more.
 *
 * <p>Policy (Kademlia §2.2): a contact heard from moves to the tail. A new contact for a full bucket goes to the
 * replacement cache and the head (least recently seen) is pinged: if it answers it stays, if not it is replaced by the
 * most recently seen replacement. Long-lived contacts are thus preferred, which resists flooding with fresh ids.
 *
 * <p>Not thread-safe: used only on the node's event loop.
 */
final class RoutingTable {
  /** What a caller should do after {@link #seen}. */
  enum SeenOutcome {
    UPDATED,
    ADDED,
    /** The bucket is full; the returned head should be pinged. */
    BUCKET_FULL,
    IGNORED
  }

  static final class Entry {
    Contact contact;
    long lastSeenMillis;
    int failures;
    double srttMillis = -1;
    boolean pinging;

    Entry(Contact contact, long lastSeenMillis) {
      this.contact = contact;
      this.lastSeenMillis = lastSeenMillis;
    }

    NodeId id() {
      return contact.id();
    }
  }

  private final NodeId self;
  private final int k;
  private final List<ArrayDeque<Entry>> buckets = new ArrayList<>(NodeId.BITS);
  private final List<ArrayDeque<Entry>> replacements = new ArrayList<>(NodeId.BITS);
  private final long[] lastLookupMillis = new long[NodeId.BITS];
  private int size;

  RoutingTable(NodeId self, int k) {
    this.self = self;
    this.k = k;
    for (int i = 0; i < NodeId.BITS; i++) {
      buckets.add(new ArrayDeque<>());
      replacements.add(new ArrayDeque<>());
    }
  }

  int size() {
    return size;
  }

  /**
   * Records that {@code contact} was heard from.
   *
   * @return the outcome; for {@link SeenOutcome#BUCKET_FULL}, {@link #headToPing} names who to ping
   */
  SeenOutcome seen(Contact contact, long nowMillis) {
    int index = self.bucketIndex(contact.id());
    if (index < 0 || contact.addresses().isEmpty()) {
      return SeenOutcome.IGNORED;
    }
    ArrayDeque<Entry> bucket = buckets.get(index);
    for (Iterator<Entry> it = bucket.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.id().equals(contact.id())) {
        it.remove();
        e.contact = merge(e.contact, contact);
        e.lastSeenMillis = nowMillis;
        e.failures = 0;
        bucket.addLast(e);
        return SeenOutcome.UPDATED;
      }
    }
    if (bucket.size() < k) {
      bucket.addLast(new Entry(contact, nowMillis));
      size++;
      removeReplacement(index, contact.id());
      return SeenOutcome.ADDED;
    }
    ArrayDeque<Entry> cache = replacements.get(index);
    removeReplacement(index, contact.id());
    cache.addLast(new Entry(contact, nowMillis));
    while (cache.size() > k) {
      cache.removeFirst();
    }
    return SeenOutcome.BUCKET_FULL;
  }

  /** The least recently seen contact of the bucket {@code id} falls in, if not already being pinged. */
  Optional<Entry> headToPing(NodeId id) {
    int index = self.bucketIndex(id);
    if (index < 0) {
      return Optional.empty();
    }
    Entry head = buckets.get(index).peekFirst();
    if (head == null || head.pinging) {
      return Optional.empty();
    }
    head.pinging = true;
    return Optional.of(head);
  }

  /** A request to {@code id} was answered. */
  void answered(NodeId id, double rttMillis, long nowMillis) {
    Entry e = find(id);
    if (e != null) {
      e.failures = 0;
      e.pinging = false;
      e.lastSeenMillis = nowMillis;
      e.srttMillis = e.srttMillis < 0 ? rttMillis : 0.875 * e.srttMillis + 0.125 * rttMillis;
    }
  }

  /**
   * A request to {@code id} timed out. After {@code maxFailures} in a row, or at once when a replacement is waiting
   * and the contact was being pinged for eviction, it is dropped and the freshest replacement takes its place.
   *
   * @return whether the contact was removed
   */
  boolean failed(NodeId id, int maxFailures) {
    int index = self.bucketIndex(id);
    if (index < 0) {
      return false;
    }
    Entry e = find(id);
    if (e == null) {
      return false;
    }
    e.failures++;
    boolean evictForReplacement = e.pinging && !replacements.get(index).isEmpty();
    e.pinging = false;
    if (e.failures >= maxFailures || evictForReplacement) {
      buckets.get(index).remove(e);
      size--;
      Entry replacement = replacements.get(index).pollLast();
      if (replacement != null) {
        buckets.get(index).addLast(replacement);
        size++;
      }
      return true;
    }
    return false;
  }

  /** True when {@code id} is not in the table and its bucket has room for it. */
  boolean wouldAdd(NodeId id) {
    int index = self.bucketIndex(id);
    return index >= 0 && buckets.get(index).size() < k && find(id) == null;
  }

  /** Removes a contact outright (e.g. its id changed). */
  void remove(NodeId id) {
    int index = self.bucketIndex(id);
    if (index >= 0 && buckets.get(index).removeIf(e -> e.id().equals(id))) {
      size--;
    }
  }

  Entry find(NodeId id) {
    int index = self.bucketIndex(id);
    if (index < 0) {
      return null;
    }
    for (Entry e : buckets.get(index)) {
      if (e.id().equals(id)) {
        return e;
      }
    }
    return null;
  }

  /** Up to {@code count} contacts closest to {@code target}, closest first; contacts that keep failing come last. */
  List<Contact> closest(NodeId target, int count) {
    List<Entry> all = new ArrayList<>(size);
    // Distances to the target: bucket b (the target's own) holds the closest ids, then every lower bucket, then the
    // higher ones in increasing order. Stop widening once enough are collected.
    int own = self.bucketIndex(target);
    if (own >= 0) {
      all.addAll(buckets.get(own));
    }
    for (int i = own - 1; i >= 0; i--) {
      all.addAll(buckets.get(i));
    }
    for (int i = own + 1; i < NodeId.BITS && all.size() < count + k; i++) {
      all.addAll(buckets.get(i));
    }
    Comparator<Entry> byDistance = (a, b) -> target.compareDistance(a.id(), b.id());
    all.sort(Comparator.<Entry>comparingInt(e -> e.failures > 0 ? 1 : 0).thenComparing(byDistance));
    List<Contact> out = new ArrayList<>(Math.min(count, all.size()));
    for (Entry e : all) {
      if (out.size() == count) {
        break;
      }
      out.add(e.contact);
    }
    out.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return out;
  }

  /** Up to {@code max} contacts, most recently heard from first: what is saved for a fast rejoin. */
  List<Contact> recent(int max) {
    List<Entry> all = new ArrayList<>(size);
    for (ArrayDeque<Entry> b : buckets) {
      all.addAll(b);
    }
    all.sort(Comparator.comparingLong((Entry e) -> e.lastSeenMillis).reversed());
    List<Contact> out = new ArrayList<>(Math.min(max, all.size()));
    for (Entry e : all) {
      if (out.size() == max) {
        break;
      }
      out.add(e.contact);
    }
    return out;
  }

  List<Contact> bucketContacts(int index) {
    List<Contact> out = new ArrayList<>(buckets.get(index).size());
    for (Entry e : buckets.get(index)) {
      out.add(e.contact);
    }
    return out;
  }

  List<Contact> all() {
    List<Contact> out = new ArrayList<>(size);
    for (ArrayDeque<Entry> b : buckets) {
      for (Entry e : b) {
        out.add(e.contact);
      }
    }
    return out;
  }

  void lookedUp(NodeId target, long nowMillis) {
    int index = self.bucketIndex(target);
    if (index >= 0) {
      lastLookupMillis[index] = nowMillis;
    }
  }

  /** Non-empty buckets with no lookup since {@code olderThanMillis}. */
  List<Integer> staleBuckets(long olderThanMillis) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < NodeId.BITS; i++) {
      if (!buckets.get(i).isEmpty() && lastLookupMillis[i] < olderThanMillis) {
        out.add(i);
      }
    }
    return out;
  }

  List<NodeInfo.Bucket> snapshot() {
    List<NodeInfo.Bucket> out = new ArrayList<>();
    for (int i = NodeId.BITS - 1; i >= 0; i--) {
      ArrayDeque<Entry> b = buckets.get(i);
      if (b.isEmpty()) {
        continue;
      }
      List<NodeInfo.ContactInfo> cs = new ArrayList<>(b.size());
      for (Entry e : b) {
        cs.add(new NodeInfo.ContactInfo(e.contact, e.lastSeenMillis, e.srttMillis, e.failures));
      }
      out.add(new NodeInfo.Bucket(i, cs));
    }
    return out;
  }

  private void removeReplacement(int index, NodeId id) {
    replacements.get(index).removeIf(e -> e.id().equals(id));
  }

  /** Fresh addresses win, but a contact keeps addresses of schemes the new announcement did not mention. */
  private static Contact merge(Contact old, Contact fresh) {
    if (old.addresses().equals(fresh.addresses())) {
      return old;
    }
    List<Address> merged = new ArrayList<>(fresh.addresses());
    for (Address a : old.addresses()) {
      boolean schemeKnown = merged.stream().anyMatch(f -> f.scheme().equals(a.scheme()));
      if (!schemeKnown && merged.size() < Codec.MAX_ADDRESSES) {
        merged.add(a);
      }
    }
    return new Contact(fresh.id(), merged);
  }
}
