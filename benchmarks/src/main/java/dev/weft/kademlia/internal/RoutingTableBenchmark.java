package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The routing table's hot paths, on a table filled as a node of a {@code network}-node network fills it: it has
 * heard of every other node once, in random order (with 10,000 nodes and k = 20 that is about 200 contacts in full
 * top buckets and the replacement caches full). Every request and answer a node handles calls {@code seen}; every
 * FIND_NODE answer and lookup start calls {@code closest}; every answer calls {@code find}.
 *
 * <p>Uses only {@code seen}, {@code closest} and {@code find}, so it measures the same work after the table's
 * internals change. Contacts passed to {@code seen} are equal copies, not the stored objects, as decoded messages
 * are.
 *
 * <pre>benchmarks/jmh.sh RoutingTable</pre>
 *
 * <p>Public and not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingTableBenchmark {
  private static final int K = 20;
  /** Powers of two, so the cycling index is a mask. */
  private static final int NEWCOMERS = 1 << 14;
  private static final int TARGETS = 1 << 10;

  @Param({"10000"})
  public int network;

  private RoutingTable table;
  private Contact[] known;
  private Contact[] newcomers;
  private NodeId[] targets;
  private long now = 1_000_000L;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    NodeId self = NodeId.random(random);
    table = new RoutingTable(self, K);
    List<Contact> everyone = new ArrayList<>(network);
    for (int i = 0; i < network; i++) {
      everyone.add(contact(NodeId.random(random), i));
    }
    for (Contact c : everyone) {
      table.seen(c, now++);
    }
    List<Contact> in = new ArrayList<>();
    int[] perBucket = new int[NodeId.BITS];
    for (int i = 0; i < everyone.size(); i++) {
      Contact c = everyone.get(i);
      if (table.find(c.id()) != null) {
        in.add(contact(c.id(), i)); // an equal copy
        perBucket[self.bucketIndex(c.id())]++;
      }
    }
    // Shuffled, so consecutive calls touch different buckets as real traffic does.
    Collections.shuffle(in, random);
    known = in.toArray(Contact[]::new);
    // Strangers whose bucket is full: they go to the replacement cache, which is what a new contact does in a network
    // this size (all but ~k of every 2^n ids fall in the n top buckets, which are full). Enough of them that one has
    // left its cache before it comes round again.
    newcomers = new Contact[NEWCOMERS];
    for (int n = 0; n < NEWCOMERS; ) {
      NodeId id = NodeId.random(random);
      if (perBucket[self.bucketIndex(id)] == K) {
        newcomers[n] = contact(id, network + n);
        n++;
      }
    }
    targets = new NodeId[TARGETS];
    for (int i = 0; i < TARGETS; i++) {
      targets[i] = NodeId.random(random);
    }
  }

  private static Contact contact(NodeId id, int i) {
    return new Contact(id, List.of(Address.parse("udp://127.0.0.1:" + (1024 + i % 60_000))));
  }

  @Benchmark
  public Object seenKnown() {
    return table.seen(known[next++ % known.length], now++);
  }

  @Benchmark
  public Object seenNew() {
    return table.seen(newcomers[next++ & (NEWCOMERS - 1)], now++);
  }

  @Benchmark
  public List<Contact> closest20() {
    return table.closest(targets[next++ & (TARGETS - 1)], K);
  }

  @Benchmark
  public Object findKnown() {
    return table.find(known[next++ % known.length].id());
  }
}
