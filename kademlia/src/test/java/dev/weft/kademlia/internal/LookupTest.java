package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Lookup convergence on a simulated network of routing tables, without sockets. */
class LookupTest {
  private static final int N = 1000;
  private static final Map<NodeId, RoutingTable> network = new HashMap<>();
  private static final Map<NodeId, Contact> contacts = new HashMap<>();
  private static final List<NodeId> ids = new ArrayList<>();
  private final Random random = new Random(12);

  @org.junit.jupiter.api.BeforeAll
  static void buildNetwork() {
    Random random = new Random(11);
    for (int i = 0; i < N; i++) {
      NodeId id = NodeId.random(random);
      ids.add(id);
      network.put(id, new RoutingTable(id, 20));
      contacts.put(id, new Contact(id, List.of(Address.parse("mem://n" + i + ":1"))));
    }
    // Every node offers every other to its table in a random order: full k-buckets as after a long uptime, which hold
    // only k of the far ids, so lookups must hop.
    for (NodeId id : ids) {
      List<NodeId> order = new ArrayList<>(ids);
      java.util.Collections.shuffle(order, random);
      for (NodeId other : order) {
        network.get(id).seen(contact(other), 0);
      }
    }
  }

  private static Contact contact(NodeId id) {
    return contacts.get(id);
  }

  private CompletableFuture<Message> answer(NodeId asker, Contact to, NodeId target, Set<NodeId> dead) {
    if (dead.contains(to.id())) {
      return CompletableFuture.failedFuture(new TimeoutException());
    }
    RoutingTable t = network.get(to.id());
    t.seen(contact(asker), 0);
    return CompletableFuture.completedFuture(new Message.Nodes(t.closest(target, 20)));
  }

  @Test
  void convergesOnTheTrueClosestNodes() {
    int exact = 0;
    List<Integer> hops = new ArrayList<>();
    for (int q = 0; q < 100; q++) {
      NodeId asker = ids.get(random.nextInt(N));
      NodeId target = NodeId.random(random);
      Lookup l = new Lookup(asker, target, 20, 3, network.get(asker).closest(target, 20),
          (c, stalled) -> answer(asker, c, target, Set.of()), x -> false);
      Lookup.Result r = l.start().join();
      List<NodeId> truth = ids.stream().filter(i -> !i.equals(asker))
          .sorted((a, b) -> target.compareDistance(a, b)).limit(20).toList();
      List<NodeId> found = r.closest().stream().map(Contact::id).toList();
      if (found.equals(truth)) {
        exact++;
      }
      assertThat(found.get(0)).isEqualTo(truth.get(0));
      hops.add(r.hops());
    }
    assertThat(exact).as("lookups that found exactly the 20 closest").isGreaterThanOrEqualTo(95);
    hops.sort(null);
    assertThat(hops.get(hops.size() / 2)).as("median hops for 1,000 nodes").isLessThanOrEqualTo(4);
  }

  @Test
  void routesAroundDeadNodes() {
    Set<NodeId> dead = new HashSet<>();
    while (dead.size() < N / 5) {
      dead.add(ids.get(random.nextInt(N)));
    }
    for (int q = 0; q < 50; q++) {
      NodeId asker;
      do {
        asker = ids.get(random.nextInt(N));
      } while (dead.contains(asker));
      NodeId target = NodeId.random(random);
      NodeId a = asker;
      Lookup.Result r = new Lookup(asker, target, 20, 3, network.get(asker).closest(target, 20),
          (c, stalled) -> answer(a, c, target, dead), x -> false).start().join();
      List<NodeId> truth = ids.stream().filter(i -> !i.equals(a) && !dead.contains(i))
          .sorted((x, y) -> target.compareDistance(x, y)).limit(5).toList();
      assertThat(r.closest().stream().map(Contact::id).toList()).startsWith(truth.get(0));
      assertThat(r.closest()).noneMatch(c -> dead.contains(c.id()));
    }
  }

  @Test
  void stopsEarlyWhenTheCallerHasEnough() {
    NodeId asker = ids.get(0);
    NodeId target = NodeId.random(random);
    Lookup.Result r = new Lookup(asker, target, 20, 3, network.get(asker).closest(target, 20),
        (c, stalled) -> answer(asker, c, target, Set.of()), l -> l.answered().size() >= 2).start().join();
    assertThat(r.answered()).hasSize(2);
    assertThat(r.queried()).isLessThanOrEqualTo(3);
  }

  @Test
  void withNoSeedsItEndsAtOnce() {
    Lookup.Result r = new Lookup(ids.get(0), ids.get(1), 20, 3, List.of(), (c, stalled) -> {
      throw new AssertionError("no query expected");
    }, x -> false).start().join();
    assertThat(r.answered()).isEmpty();
    assertThat(r.queried()).isZero();
  }

  @Test
  void aStalledRequestGivesUpItsPlaceAndItsLateAnswerStillCounts() {
    SlowClosest t = new SlowClosest(NodeId.random(random));

    CompletableFuture<Lookup.Result> result = t.lookup.start();
    assertThat(t.asked).containsExactly(t.seeds.get(0).id()); // alpha = 1: the closest holds the only place

    t.stalls.get(0).run();
    t.stalls.get(0).run(); // a second signal changes nothing
    assertThat(t.asked).as("the next two closest asked, the closest still counted among the 3")
        .containsExactly(t.seeds.get(0).id(), t.seeds.get(1).id(), t.seeds.get(2).id());
    assertThat(result).as("waits for the stalled request").isNotDone();

    t.slow.complete(noNodes(t.seeds.get(0)));
    assertThat(result).isCompleted();
    assertThat(result.join().closest()).containsExactlyElementsOf(t.seeds.subList(0, 3));
  }

  @Test
  void aStalledRequestThatFailsMakesRoomForTheNextContact() {
    SlowClosest t = new SlowClosest(NodeId.random(random));

    CompletableFuture<Lookup.Result> result = t.lookup.start();
    t.stalls.get(0).run();
    assertThat(result).isNotDone();
    t.slow.completeExceptionally(new TimeoutException());

    assertThat(result.join().closest()).containsExactlyElementsOf(t.seeds.subList(1, 4));
  }

  /**
   * A lookup for the 3 closest, alpha 1, seeded with the 4 nodes closest to the target: the closest answers only when
   * the test says so; the others at once, with no contacts.
   */
  private static final class SlowClosest {
    final NodeId asker = ids.get(0);
    final List<Contact> seeds;
    final CompletableFuture<Message> slow = new CompletableFuture<>();
    final List<Runnable> stalls = new ArrayList<>();
    final List<NodeId> asked = new ArrayList<>();
    final Lookup lookup;

    SlowClosest(NodeId target) {
      seeds = ids.stream().filter(i -> !i.equals(asker)).sorted(target::compareDistance).limit(4)
          .map(LookupTest::contact).toList();
      lookup = new Lookup(asker, target, 3, 1, seeds, (c, stalled) -> {
        asked.add(c.id());
        if (c.equals(seeds.get(0))) {
          stalls.add(stalled);
          return slow;
        }
        return CompletableFuture.completedFuture(noNodes(c));
      }, x -> false);
    }
  }

  private static Message noNodes(Contact from) {
    return new Message.Nodes(List.of());
  }
}
