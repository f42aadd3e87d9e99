package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  private final Random random = new Random(7);
  private final NodeId self = NodeId.random(random);

  private final java.util.Map<NodeId, Integer> ports = new java.util.HashMap<>();

  /** A contact at an address of its own (one address per id, as the table expects of honest nodes). */
  private Contact contact(NodeId id) {
    int port = ports.computeIfAbsent(id, i -> 1000 + ports.size());
    return new Contact(id, List.of(Address.parse("udp://127.0.0.1:" + port)));
  }

  /** A table with room for everyone it heard of stands in for a write's lookup; one full bucket ends that. */
  @Test
  void noneFullUntilABucketFills() {
    RoutingTable t = new RoutingTable(self, 4);
    assertThat(t.noneFull()).isTrue();
    int far = 0;
    for (int i = 0; far < 4 && i < 1000; i++) {
      NodeId id = NodeId.random(random);
      // The far half of the id space (the first bit differs from ours) is one bucket.
      if ((id.toBytes()[0] ^ self.toBytes()[0]) < 0) {
        assertThat(t.noneFull()).as("%d contacts in the far bucket", far).isTrue();
        t.seen(contact(id), i);
        far++;
      }
    }
    assertThat(far).isEqualTo(4);
    assertThat(t.noneFull()).as("the far bucket holds k = 4").isFalse();
  }

  @Test
  void closestMatchesBruteForce() {
    RoutingTable t = new RoutingTable(self, 20);
    List<NodeId> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      NodeId id = NodeId.random(random);
      if (t.seen(contact(id), i) != RoutingTable.SeenOutcome.BUCKET_FULL) {
        all.add(id);
      }
    }
    assertThat(t.size()).isEqualTo(all.size());
    for (int q = 0; q < 200; q++) {
      NodeId target = q % 2 == 0 ? NodeId.random(random) : all.get(random.nextInt(all.size()));
      List<NodeId> expected = all.stream().sorted((a, b) -> target.compareDistance(a, b)).limit(20).toList();
      assertThat(t.closest(target, 20).stream().map(Contact::id).toList()).isEqualTo(expected);
    }
  }

  /**
   * The walk visits buckets in distance order and stops early; this fills every bucket (ids near ours too), marks some
   * contacts failing, and checks every count against a full sort: nearest answering contacts first, failing ones only
   * to fill up, result in distance order.
   */
  @Test
  void closestWalksBucketsInDistanceOrderWithFailingContactsLast() {
    for (int round = 0; round < 20; round++) {
      RoutingTable t = new RoutingTable(self, 8);
      List<NodeId> all = new ArrayList<>();
      for (int bucket = 0; bucket < NodeId.BITS; bucket++) {
        for (int i = 0; i < 1 + random.nextInt(10); i++) {
          NodeId id = self.randomInBucket(bucket, random);
          if (t.seen(contact(id), i) != RoutingTable.SeenOutcome.BUCKET_FULL && !all.contains(id)) {
            all.add(id);
          }
        }
      }
      List<NodeId> failing = new ArrayList<>();
      for (NodeId id : all) {
        if (random.nextInt(4) == 0) {
          t.failed(id, 100);
          failing.add(id);
        }
      }
      for (int q = 0; q < 50; q++) {
        NodeId target = switch (q % 4) {
          case 0 -> NodeId.random(random);
          case 1 -> all.get(random.nextInt(all.size()));
          case 2 -> self;
          default -> self.randomInBucket(random.nextInt(NodeId.BITS), random);
        };
        int count = List.of(1, 3, 8, 20, 100, 2000).get(random.nextInt(6));
        assertThat(t.closest(target, count).stream().map(Contact::id).toList())
            .isEqualTo(expectedClosest(all, failing, target, count));
      }
    }
  }

  /** What {@code closest} should answer, by a full sort: the nearest answering, failing ones only to fill up. */
  private static List<NodeId> expectedClosest(List<NodeId> all, List<NodeId> failing, NodeId target, int count) {
    Comparator<NodeId> byDistance = target::compareDistance;
    List<NodeId> good = all.stream().filter(id -> !failing.contains(id)).sorted(byDistance).limit(count).toList();
    List<NodeId> fill = failing.stream().sorted(byDistance).limit(count - good.size()).toList();
    List<NodeId> expected = new ArrayList<>(good);
    expected.addAll(fill);
    expected.sort(byDistance);
    return expected;
  }

  /**
   * A table of at most 64 contacts answers from one array of them all: the same answers as a full sort, also after
   * contacts join, fail, leave and are replaced between queries (the array is rebuilt when membership changes).
   */
  @Test
  void aSmallTableAnswersClosestLikeAFullSortThroughJoinsAndDepartures() {
    // Eight buckets of eight: at most 64 contacts, and no replacement waits (joins go only where there is room).
    RoutingTable t = new RoutingTable(self, 8);
    List<NodeId> all = new ArrayList<>();
    List<NodeId> failing = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      int action = random.nextInt(10);
      if (action < 4 || all.isEmpty()) {
        NodeId id = self.randomInBucket(NodeId.BITS - 1 - random.nextInt(8), random);
        if (t.wouldAdd(id)) {
          assertThat(t.seen(contact(id), step)).isEqualTo(RoutingTable.SeenOutcome.ADDED);
          all.add(id);
        }
      } else if (action < 6) {
        NodeId id = all.get(random.nextInt(all.size()));
        if (t.failed(id, 2)) {
          all.remove(id);
          failing.remove(id);
        } else if (!failing.contains(id)) {
          failing.add(id);
        }
      } else if (action == 6) {
        NodeId id = all.remove(random.nextInt(all.size()));
        failing.remove(id);
        t.remove(id);
      }
      assertThat(t.size()).isEqualTo(all.size()).isLessThanOrEqualTo(64);
      NodeId target = NodeId.random(random);
      int count = List.of(1, 3, 8, 20).get(random.nextInt(4));
      assertThat(t.closest(target, count).stream().map(Contact::id).toList()).as("step " + step)
          .isEqualTo(expectedClosest(all, failing, target, count));
    }
  }

  /**
   * {@code closestAt} answers from the membership of an earlier generation: contacts that joined since are left out,
   * those that left since are back in; and once more changes than are remembered happened, it says it cannot.
   */
  @Test
  void closestAtAnswersFromAnEarlierMembership() {
    RoutingTable t = new RoutingTable(self, 20);
    List<NodeId> present = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      NodeId id = NodeId.random(random);
      if (t.seen(contact(id), i) == RoutingTable.SeenOutcome.ADDED) {
        present.add(id);
      }
    }
    long generation = t.generation();
    List<NodeId> then = List.copyOf(present);
    for (int i = 0; i < 60; i++) {
      if (random.nextBoolean()) {
        NodeId id = present.remove(random.nextInt(present.size()));
        t.remove(id);
      } else {
        NodeId id = NodeId.random(random);
        if (t.seen(contact(id), 1000 + i) == RoutingTable.SeenOutcome.ADDED) {
          present.add(id);
        }
      }
    }
    // One that left and came back is as it was.
    NodeId back = then.get(0);
    if (!present.contains(back)) {
      t.seen(contact(back), 2000);
      present.add(back);
    }
    for (int q = 0; q < 100; q++) {
      NodeId target = NodeId.random(random);
      int count = List.of(1, 8, 20).get(random.nextInt(3));
      List<NodeId> expected = then.stream().sorted(target::compareDistance).limit(count).toList();
      assertThat(t.closestAt(target, count, generation).stream().map(Contact::id).toList()).isEqualTo(expected);
      assertThat(t.closestAt(target, count, t.generation()).stream().map(Contact::id).toList())
          .isEqualTo(t.closest(target, count).stream().map(Contact::id).toList());
    }
    for (int i = 0; i < RoutingTable.CHANGES_KEPT; i++) {
      NodeId id = present.get(random.nextInt(present.size()));
      t.remove(id);
      t.seen(contact(id), 3000 + i);
    }
    assertThat(t.closestAt(self, 8, generation)).isNull();
  }

  @Test
  void fullBucketKeepsOldContactsAndQueuesReplacements() {
    RoutingTable t = new RoutingTable(self, 2);
    List<NodeId> farIds = new ArrayList<>();
    while (farIds.size() < 4) {
      NodeId id = NodeId.random(random);
      if (self.bucketIndex(id) == 159) {
        farIds.add(id);
      }
    }
    assertThat(t.seen(contact(farIds.get(0)), 1)).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(t.seen(contact(farIds.get(1)), 2)).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(t.seen(contact(farIds.get(2)), 3)).isEqualTo(RoutingTable.SeenOutcome.BUCKET_FULL);
    // The least recently seen is pinged, once.
    assertThat(t.headToPing(farIds.get(2)).map(RoutingTable.Entry::id)).contains(farIds.get(0));
    assertThat(t.headToPing(farIds.get(2))).isEmpty();
    // It answered: it stays, the newcomer waits.
    t.answered(farIds.get(0), 1.0, 4);
    t.seen(contact(farIds.get(0)), 4);
    assertThat(t.bucketContacts(159)).extracting(Contact::id).containsExactly(farIds.get(1), farIds.get(0));
    // Next time the head (now farIds[1]) fails to answer a ping, the freshest replacement takes its place.
    t.seen(contact(farIds.get(3)), 5);
    assertThat(t.headToPing(farIds.get(3)).map(RoutingTable.Entry::id)).contains(farIds.get(1));
    assertThat(t.failed(farIds.get(1), 3)).isTrue();
    assertThat(t.bucketContacts(159)).extracting(Contact::id).containsExactly(farIds.get(0), farIds.get(3));
  }

  @Test
  void contactsThatKeepFailingAreDropped() {
    RoutingTable t = new RoutingTable(self, 20);
    NodeId id = NodeId.random(random);
    t.seen(contact(id), 1);
    assertThat(t.failed(id, 3)).isFalse();
    assertThat(t.failed(id, 3)).isFalse();
    assertThat(t.failed(id, 3)).isTrue();
    assertThat(t.size()).isZero();
    assertThat(t.seen(contact(self), 1)).isEqualTo(RoutingTable.SeenOutcome.IGNORED);
  }

  @Test
  void snapshotListsBucketsFarthestFirst() {
    RoutingTable t = new RoutingTable(self, 20);
    for (int i = 0; i < 100; i++) {
      t.seen(contact(NodeId.random(random)), i);
    }
    List<Integer> indexes = t.snapshot().stream().map(b -> b.index()).toList();
    assertThat(indexes).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(t.snapshot().stream().mapToInt(b -> b.contacts().size()).sum()).isEqualTo(t.size());
  }

  private Contact at(NodeId id, String address) {
    return new Contact(id, List.of(Address.parse(address)));
  }

  @Test
  void aBucketTakesFewContactsFromOneAddressOrSubnet() {
    RoutingTable t = new RoutingTable(self, 20, new RoutingTable.IpBounds(2, 3, false));
    // All in the farthest bucket, so only the bounds (not k) decide.
    java.util.function.Function<String, RoutingTable.SeenOutcome> add =
        address -> t.seen(at(self.randomInBucket(159, random), address), 0);
    assertThat(add.apply("udp://10.0.0.1:1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://10.0.0.1:2")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://10.0.0.1:3")).isEqualTo(RoutingTable.SeenOutcome.IP_BOUND);
    assertThat(add.apply("udp://10.0.0.2:1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://10.0.0.3:1")).isEqualTo(RoutingTable.SeenOutcome.IP_BOUND);
    assertThat(add.apply("udp://10.0.1.3:1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://[2001:db8:1:2::1]:1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://[2001:db8:1:2::1]:2")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://[2001:db8:1:2::2]:1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(add.apply("udp://[2001:db8:1:2::3]:1")).isEqualTo(RoutingTable.SeenOutcome.IP_BOUND);
    // Loopback (unless configured) and host names are not counted.
    for (int port = 1; port <= 5; port++) {
      assertThat(add.apply("udp://127.0.0.1:" + port)).isEqualTo(RoutingTable.SeenOutcome.ADDED);
      assertThat(add.apply("sim://n" + port + ":1")).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    }
    // Another bucket has its own count.
    assertThat(t.seen(at(self.randomInBucket(158, random), "udp://10.0.0.1:9"), 0))
        .isEqualTo(RoutingTable.SeenOutcome.ADDED);

    RoutingTable strict = new RoutingTable(self, 20, new RoutingTable.IpBounds(1, 1, true));
    assertThat(strict.seen(at(self.randomInBucket(159, random), "udp://127.0.0.1:1"), 0))
        .isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(strict.seen(at(self.randomInBucket(159, random), "udp://127.0.0.1:2"), 0))
        .isEqualTo(RoutingTable.SeenOutcome.IP_BOUND);
  }

  @Test
  void aNewIdOnAKnownAddressEntersOnlyAfterTheOldOneStopsAnswering() {
    RoutingTable t = new RoutingTable(self, 20);
    NodeId old = self.randomInBucket(150, random);
    NodeId fresh = self.randomInBucket(155, random);
    assertThat(t.seen(at(old, "udp://10.0.0.7:4000"), 0)).isEqualTo(RoutingTable.SeenOutcome.ADDED);
    assertThat(t.seen(at(fresh, "udp://10.0.0.7:4000"), 1)).isEqualTo(RoutingTable.SeenOutcome.ADDRESS_TAKEN);
    assertThat(t.find(fresh)).isNull();
    RoutingTable.Entry holder = t.addressHolderToPing(at(fresh, "udp://10.0.0.7:4000")).orElseThrow();
    assertThat(holder.id()).isEqualTo(old);
    assertThat(t.addressHolderToPing(at(fresh, "udp://10.0.0.7:4000"))).isEmpty();
    // One missed answer drops a suspect (three are needed otherwise), and the address is free again.
    assertThat(t.failed(old, 3)).isTrue();
    assertThat(t.seen(at(fresh, "udp://10.0.0.7:4000"), 2)).isEqualTo(RoutingTable.SeenOutcome.ADDED);

    // A holder that answers stays, and is no longer suspect.
    NodeId third = self.randomInBucket(140, random);
    assertThat(t.seen(at(third, "udp://10.0.0.7:4000"), 3)).isEqualTo(RoutingTable.SeenOutcome.ADDRESS_TAKEN);
    assertThat(t.seen(at(fresh, "udp://10.0.0.7:4000"), 4)).isEqualTo(RoutingTable.SeenOutcome.UPDATED);
    assertThat(t.failed(fresh, 3)).isFalse();
    assertThat(t.find(fresh)).isNotNull();
  }
}
