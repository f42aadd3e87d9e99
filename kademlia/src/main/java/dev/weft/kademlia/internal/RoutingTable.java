package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
    /** Another id holds this contact's address; {@link #addressHolderToPing} names it, to be pinged. */
    ADDRESS_TAKEN,
    /** The bucket already holds as many contacts from this IP address or subnet as {@link IpBounds} allow. */
    IP_BOUND,
    IGNORED
  }

  /**
   * How many contacts of one bucket may share an IP address, or a subnet (/24 for IPv4, /64 for IPv6): an attacker
   * with few addresses then cannot fill a bucket with ids of its choosing (Sybil, eclipse). Hosts that are names, not
   * IP literals, are not counted; loopback addresses only when {@code loopback} (tests, and clusters on one machine,
   * run many nodes on 127.0.0.1).
   */
  record IpBounds(int perIp, int perSubnet, boolean loopback) {
    static final IpBounds NONE = new IpBounds(Integer.MAX_VALUE, Integer.MAX_VALUE, false);
  }

  static final class Entry {
    Contact contact;
    /** The id's first 64 bits, kept here so that ordering by distance rarely has to reach the id's bytes. */
    final long idHigh;
    long lastSeenMillis;
    int failures;
    double srttMillis = -1;
    /** Mean deviation of the round trips (RFC 6298's RTTVAR); a float fits beside the flags, per entry of millions. */
    float rttvarMillis;
    boolean pinging;
    /** Another id was heard from this entry's address: one missed answer drops it. */
    boolean suspect;

    Entry(Contact contact, long lastSeenMillis) {
      this.contact = contact;
      this.idHigh = high64(contact.id());
      this.lastSeenMillis = lastSeenMillis;
    }

    NodeId id() {
      return contact.id();
    }
  }

  private final NodeId self;
  private final int k;
  // Buckets and replacement caches are made on first use: a node's table fills only the ~log2(N) buckets farthest
  // from it, and 320 empty deques per node were a third of a simulated node's heap.
  private final ArrayDeque<Entry>[] buckets;
  private final ArrayDeque<Entry>[] replacements;
  private final long[] lastLookupMillis = new long[NodeId.BITS];
  /** Bucket entries by the address they were last heard from (their first), to notice an id changing on it. */
  private final Map<Address, Entry> byAddress = new HashMap<>();
  private final IpBounds bounds;
  private int size;

  RoutingTable(NodeId self, int k) {
    this(self, k, IpBounds.NONE);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  RoutingTable(NodeId self, int k, IpBounds bounds) {
    this.self = self;
    this.k = k;
    this.bounds = bounds;
    this.buckets = new ArrayDeque[NodeId.BITS];
    this.replacements = new ArrayDeque[NodeId.BITS];
  }

  private static final ArrayDeque<Entry> NONE = new ArrayDeque<>(0);

  /** The bucket at {@code index} for reading: an empty deque (never to be modified) when it was never used. */
  private ArrayDeque<Entry> bucket(int index) {
    ArrayDeque<Entry> b = buckets[index];
    return b == null ? NONE : b;
  }

  private ArrayDeque<Entry> bucketForWrite(int index) {
    ArrayDeque<Entry> b = buckets[index];
    if (b == null) {
      b = new ArrayDeque<>(4);
      buckets[index] = b;
    }
    return b;
  }

  private ArrayDeque<Entry> cache(int index) {
    ArrayDeque<Entry> c = replacements[index];
    return c == null ? NONE : c;
  }

  /**
   * Whether no bucket is full: this node keeps every contact it has heard of, as in a network of fewer nodes than a
   * bucket holds, where the closest contacts it knows to any id are the closest there are (once it heard of them all).
   */
  boolean noneFull() {
    for (ArrayDeque<Entry> b : buckets) {
      if (b != null && b.size() >= k) {
        return false;
      }
    }
    return true;
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
    ArrayDeque<Entry> bucket = bucketForWrite(index);
    long high = high64(contact.id());
    for (Iterator<Entry> it = bucket.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.idHigh == high && e.id().equals(contact.id())) {
        it.remove();
        Address before = e.contact.addresses().get(0);
        e.contact = merge(e.contact, contact);
        e.lastSeenMillis = nowMillis;
        e.failures = 0;
        e.suspect = false;
        bucket.addLast(e);
        Address now = e.contact.addresses().get(0);
        if (!now.equals(before)) {
          byAddress.remove(before, e);
          byAddress.putIfAbsent(now, e);
        }
        return SeenOutcome.UPDATED;
      }
    }
    Entry holder = byAddress.get(contact.addresses().get(0));
    if (holder != null) {
      // A node restarted with a new id, or someone cycling ids on one address: the old id goes if it no longer
      // answers there, and only then may the new one enter.
      holder.suspect = true;
      return SeenOutcome.ADDRESS_TAKEN;
    }
    if (!withinBounds(bucket, contact)) {
      return SeenOutcome.IP_BOUND;
    }
    if (bucket.size() < k) {
      Entry e = new Entry(contact, nowMillis);
      bucket.addLast(e);
      byAddress.put(contact.addresses().get(0), e);
      size++;
      changed(e.contact, true);
      removeReplacement(index, contact.id());
      return SeenOutcome.ADDED;
    }
    ArrayDeque<Entry> cache = replacements[index];
    if (cache == null) {
      cache = new ArrayDeque<>(4);
      replacements[index] = cache;
    } else {
      removeReplacement(index, contact.id());
    }
    cache.addLast(new Entry(contact, nowMillis));
    while (cache.size() > k) {
      cache.removeFirst();
    }
    return SeenOutcome.BUCKET_FULL;
  }

  /** The entry holding {@code contact}'s address under another id, if not already being pinged. */
  Optional<Entry> addressHolderToPing(Contact contact) {
    Entry holder = byAddress.get(contact.addresses().get(0));
    if (holder == null || holder.pinging || holder.id().equals(contact.id())) {
      return Optional.empty();
    }
    holder.pinging = true;
    return Optional.of(holder);
  }

  private boolean withinBounds(ArrayDeque<Entry> bucket, Contact contact) {
    if (bounds == IpBounds.NONE) {
      return true;
    }
    String ip = IpKeys.countedIp(contact.addresses().get(0), bounds.loopback());
    if (ip == null) {
      return true;
    }
    String subnet = IpKeys.subnetOf(ip);
    int sameIp = 0;
    int sameSubnet = 0;
    for (Entry e : bucket) {
      String other = IpKeys.countedIp(e.contact.addresses().get(0), bounds.loopback());
      if (other != null && IpKeys.subnetOf(other).equals(subnet)) {
        sameSubnet++;
        if (other.equals(ip)) {
          sameIp++;
        }
      }
    }
    return sameIp < bounds.perIp() && sameSubnet < bounds.perSubnet();
  }

  /** The least recently seen contact of the bucket {@code id} falls in, if not already being pinged. */
  Optional<Entry> headToPing(NodeId id) {
    int index = self.bucketIndex(id);
    if (index < 0) {
      return Optional.empty();
    }
    Entry head = bucket(index).peekFirst();
    if (head == null || head.pinging) {
      return Optional.empty();
    }
    head.pinging = true;
    return Optional.of(head);
  }

  /** A request to {@code id} was answered, after {@code rttMillis} (negative: not timed). */
  void answered(NodeId id, double rttMillis, long nowMillis) {
    Entry e = find(id);
    if (e != null) {
      e.failures = 0;
      e.pinging = false;
      e.lastSeenMillis = nowMillis;
      if (rttMillis < 0) {
        return; // an answer to a resent request: which send it answers is unknown (Karn), so it times nothing
      }
      if (e.srttMillis < 0) {
        e.srttMillis = rttMillis;
        e.rttvarMillis = (float) (rttMillis / 2);
      } else {
        e.rttvarMillis = (float) (0.75 * e.rttvarMillis + 0.25 * Math.abs(e.srttMillis - rttMillis));
        e.srttMillis = 0.875 * e.srttMillis + 0.125 * rttMillis;
      }
    }
  }

  /**
   * How long to wait for {@code id}'s answer before resending (RFC 6298: smoothed round trip plus four deviations),
   * within [{@code minMillis}, {@code maxMillis}]; {@code maxMillis} for a contact never timed.
   */
  long retransmitMillis(NodeId id, long minMillis, long maxMillis) {
    Entry e = find(id);
    if (e == null || e.srttMillis < 0) {
      return maxMillis;
    }
    return Math.max(minMillis, Math.min(maxMillis, (long) Math.ceil(e.srttMillis + 4 * e.rttvarMillis)));
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
    boolean evictForReplacement = e.pinging && !cache(index).isEmpty();
    e.pinging = false;
    if (e.failures >= maxFailures || evictForReplacement || e.suspect) {
      buckets[index].remove(e);
      byAddress.remove(e.contact.addresses().get(0), e);
      size--;
      changed(e.contact, false);
      Entry replacement = cache(index).pollLast();
      if (replacement != null) {
        buckets[index].addLast(replacement);
        byAddress.putIfAbsent(replacement.contact.addresses().get(0), replacement);
        size++;
        changed(replacement.contact, true);
      }
      return true;
    }
    return false;
  }

  /** True when {@code id} is not in the table and its bucket has room for it. */
  boolean wouldAdd(NodeId id) {
    int index = self.bucketIndex(id);
    return index >= 0 && bucket(index).size() < k && find(id) == null;
  }

  /** Removes a contact outright (e.g. its id changed). */
  void remove(NodeId id) {
    int index = self.bucketIndex(id);
    Entry e = find(id);
    if (e != null) {
      buckets[index].remove(e);
      byAddress.remove(e.contact.addresses().get(0), e);
      size--;
      changed(e.contact, false);
    }
  }

  Entry find(NodeId id) {
    int index = self.bucketIndex(id);
    if (index < 0) {
      return null;
    }
    long high = high64(id);
    for (Entry e : bucket(index)) {
      if (e.idHigh == high && e.id().equals(id)) {
        return e;
      }
    }
    return null;
  }

  /** Up to {@code count} contacts closest to {@code target}, closest first; contacts that keep failing come last. */
  List<Contact> closest(NodeId target, int count) {
    if (size <= FLAT_MAX) {
      return closestOfAll(target, count);
    }
    // Buckets are visited in increasing distance from the target, so the walk stops as soon as it holds `count`
    // contacts that answer, having sorted only the buckets it read (at most k entries each). With t = self ^ target
    // and `own` its highest set bit: bucket `own` is nearest (its ids share t's top bit); a lower bucket j lies
    // nearer than every bucket below it when bit j of t is set and farther when it is clear; every bucket above
    // `own` is farther than all of those, in increasing order.
    int own = self.bucketIndex(target);
    Comparator<Entry> byDistance = (a, b) -> target.compareDistance(a.id(), b.id());
    List<Entry> good = new ArrayList<>(count);
    List<Entry> failing = new ArrayList<>();
    List<Entry> scratch = new ArrayList<>(k);
    long[] keys = new long[Math.max(k, 1) + 1];
    long targetHigh = high64(target);
    if (own >= 0) {
      take(own, targetHigh, byDistance, scratch, keys, good, failing);
    }
    // Empty buckets are skipped before their bit is tested: most of the 160 are empty, and this runs for every record
    // a node stores.
    for (int j = own - 1; j >= 0 && good.size() < count; j--) {
      if (!isEmpty(j) && target.bit(NodeId.BITS - 1 - j) != self.bit(NodeId.BITS - 1 - j)) {
        take(j, targetHigh, byDistance, scratch, keys, good, failing);
      }
    }
    for (int j = 0; j < own && good.size() < count; j++) {
      if (!isEmpty(j) && target.bit(NodeId.BITS - 1 - j) == self.bit(NodeId.BITS - 1 - j)) {
        take(j, targetHigh, byDistance, scratch, keys, good, failing);
      }
    }
    for (int j = own + 1; j < NodeId.BITS && good.size() < count; j++) {
      take(j, targetHigh, byDistance, scratch, keys, good, failing);
    }
    // Both lists are in distance order: keep the `count` nearest answering contacts, fill up with the nearest failing
    // ones, and merge back into distance order.
    int fromGood = Math.min(count, good.size());
    int fromFailing = Math.min(count - fromGood, failing.size());
    List<Contact> out = new ArrayList<>(fromGood + fromFailing);
    int g = 0;
    int f = 0;
    while (g < fromGood || f < fromFailing) {
      boolean takeGood = f >= fromFailing || (g < fromGood && byDistance.compare(good.get(g), failing.get(f)) <= 0);
      out.add(takeGood ? good.get(g++).contact : failing.get(f++).contact);
    }
    return out;
  }

  /** Membership changes remembered for {@link #closestAt}: a busy node's last several minutes of joins and leaves. */
  static final int CHANGES_KEPT = 4096;

  /** A contact that entered ({@code added}) or left the table, making membership {@code generation}. */
  private record Change(long generation, Contact contact, boolean added) {}

  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  /** Counts membership changes: contacts entering or leaving the table (not their state or addresses). */
  private long generation;

  private void changed(Contact contact, boolean added) {
    flat = null;
    generation++;
    changes.addLast(new Change(generation, contact, added));
    if (changes.size() > CHANGES_KEPT) {
      changes.removeFirst();
    }
  }

  /** The table's membership generation: it changes whenever a contact enters or leaves. */
  long generation() {
    return generation;
  }

  /**
   * The {@code count} contacts closest to {@code target} among those the table held at {@code generation}, closest
   * first (as {@link #closest} ranks those still here, answering ones first); null when changes since then are no longer remembered ({@link #CHANGES_KEPT}).
   */
  List<Contact> closestAt(NodeId target, int count, long generation) {
    if (generation > this.generation) {
      throw new IllegalArgumentException("generation " + generation + " is ahead of " + this.generation);
    }
    if (generation < this.generation - changes.size()) {
      return null;
    }
    // Each contact's first change since then says whether it was in the table at that generation.
    Map<NodeId, Change> first = new HashMap<>();
    for (java.util.Iterator<Change> it = changes.descendingIterator(); it.hasNext(); ) {
      Change c = it.next();
      if (c.generation() <= generation) {
        break;
      }
      first.put(c.contact().id(), c);
    }
    int absent = 0;
    for (Change c : first.values()) {
      if (c.added()) {
        absent++;
      }
    }
    List<Contact> out = new ArrayList<>(count + first.size());
    for (Contact e : closest(target, count + absent)) {
      Change c = first.get(e.id());
      if (c == null || !c.added()) {
        out.add(e);
      }
    }
    for (Change c : first.values()) {
      if (!c.added() && find(c.contact().id()) == null) {
        out.add(c.contact());
      }
    }
    out.sort((a, b) -> target.compareDistance(a.id(), b.id()));
    return out.size() > count ? out.subList(0, count) : out;
  }

  /** Tables this small answer {@link #closest} from one array of all their entries rather than bucket by bucket. */
  private static final int FLAT_MAX = 64;
  /** Every entry, while the table holds at most {@link #FLAT_MAX}; null when contacts came or went since. */
  private Entry[] flat;

  /**
   * {@link #closest} in a small table: one pass over every entry, keeping the nearest {@code count} answering and
   * failing ones by insertion. A network smaller than a bucket asks this for every record it stores (its replica
   * view), where walking 160 mostly empty buckets cost more than storing the record.
   */
  private List<Contact> closestOfAll(NodeId target, int count) {
    if (flat == null) {
      List<Entry> all = new ArrayList<>(size);
      for (ArrayDeque<Entry> b : buckets) {
        if (b != null) {
          all.addAll(b);
        }
      }
      flat = all.toArray(new Entry[0]);
    }
    Comparator<Entry> byDistance = (a, b) -> target.compareDistance(a.id(), b.id());
    long targetHigh = high64(target);
    int cap = Math.max(0, Math.min(count, flat.length));
    Entry[] good = new Entry[cap];
    long[] goodKeys = new long[cap];
    Entry[] failing = new Entry[cap];
    long[] failingKeys = new long[cap];
    int g = 0;
    int f = 0;
    for (Entry e : flat) {
      long key = e.idHigh ^ targetHigh;
      if (e.failures > 0) {
        f = insert(e, key, failing, failingKeys, f, byDistance);
      } else {
        g = insert(e, key, good, goodKeys, g, byDistance);
      }
    }
    int fromGood = Math.min(count, g);
    int fromFailing = Math.min(count - fromGood, f);
    List<Contact> out = new ArrayList<>(fromGood + fromFailing);
    int i = 0;
    int j = 0;
    while (i < fromGood || j < fromFailing) {
      boolean takeGood = j >= fromFailing
          || (i < fromGood && compare(goodKeys[i], good[i], failingKeys[j], failing[j], byDistance) <= 0);
      out.add(takeGood ? good[i++].contact : failing[j++].contact);
    }
    return out;
  }

  /** Inserts {@code e} into the first {@code n} of {@code into}, kept nearest first and cut at its length. */
  private static int insert(Entry e, long key, Entry[] into, long[] keys, int n, Comparator<Entry> byDistance) {
    int cap = into.length;
    if (cap == 0 || n == cap && compare(key, e, keys[cap - 1], into[cap - 1], byDistance) >= 0) {
      return n;
    }
    int i = n < cap ? n : cap - 1;
    while (i > 0 && compare(key, e, keys[i - 1], into[i - 1], byDistance) < 0) {
      into[i] = into[i - 1];
      keys[i] = keys[i - 1];
      i--;
    }
    into[i] = e;
    keys[i] = key;
    return n < cap ? n + 1 : n;
  }

  private boolean isEmpty(int index) {
    ArrayDeque<Entry> b = buckets[index];
    return b == null || b.isEmpty();
  }

  private void take(int index, long targetHigh, Comparator<Entry> byDistance, List<Entry> scratch, long[] keys,
      List<Entry> good, List<Entry> failing) {
    ArrayDeque<Entry> b = buckets[index];
    if (b == null || b.isEmpty()) {
      return;
    }
    // Insertion sort on the first 64 bits of the distance (full comparison only on a tie): at most k entries, and
    // this runs for every FIND_NODE answered.
    scratch.clear();
    int n = 0;
    for (Entry e : b) {
      long key = e.idHigh ^ targetHigh;
      int i = n++;
      while (i > 0 && compare(key, e, keys[i - 1], scratch.get(i - 1), byDistance) < 0) {
        i--;
      }
      System.arraycopy(keys, i, keys, i + 1, n - 1 - i);
      keys[i] = key;
      scratch.add(i, e);
    }
    for (Entry e : scratch) {
      (e.failures > 0 ? failing : good).add(e);
    }
  }

  static long high64(NodeId id) {
    long d = 0;
    for (int i = 0; i < 8; i++) {
      d = (d << 8) | id.byteAt(i);
    }
    return d;
  }

  private static int compare(long keyA, Entry a, long keyB, Entry b, Comparator<Entry> byDistance) {
    int c = Long.compareUnsigned(keyA, keyB);
    return c != 0 ? c : byDistance.compare(a, b);
  }

  /** Up to {@code max} contacts, most recently heard from first: what is saved for a fast rejoin. */
  List<Contact> recent(int max) {
    List<Entry> all = new ArrayList<>(size);
    for (ArrayDeque<Entry> b : buckets) {
      if (b != null) {
        all.addAll(b);
      }
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
    List<Contact> out = new ArrayList<>(bucket(index).size());
    for (Entry e : bucket(index)) {
      out.add(e.contact);
    }
    return out;
  }

  List<Contact> all() {
    List<Contact> out = new ArrayList<>(size);
    for (ArrayDeque<Entry> b : buckets) {
      for (Entry e : b == null ? NONE : b) {
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
      if (!bucket(i).isEmpty() && lastLookupMillis[i] < olderThanMillis) {
        out.add(i);
      }
    }
    return out;
  }

  List<NodeInfo.Bucket> snapshot() {
    List<NodeInfo.Bucket> out = new ArrayList<>();
    for (int i = NodeId.BITS - 1; i >= 0; i--) {
      ArrayDeque<Entry> b = bucket(i);
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
    ArrayDeque<Entry> c = replacements[index];
    if (c == null) {
      return;
    }
    // A plain scan: removeIf allocates and was the table's hottest spot in a 2,000-node simulation.
    long high = high64(id);
    for (Iterator<Entry> it = c.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.idHigh == high && e.id().equals(id)) {
        it.remove();
        return;
      }
    }
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
