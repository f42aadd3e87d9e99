package dev.weft.pht;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many writers at once, and nodes dying: no entry lost or duplicated. */
class PhtConcurrencyTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static List<String> everything(Pht pht, String index) throws Exception {
    List<String> out = new ArrayList<>();
    Optional<Query> q = Optional.of(Query.range(index, Key.of(Long.MIN_VALUE), Key.of(Long.MAX_VALUE)).limit(700));
    while (q.isPresent()) {
      Results page = pht.query(q.get()).get(60, TimeUnit.SECONDS);
      page.entries().forEach(e -> out.add(e.key() + "=" + e.value()));
      q = page.next();
    }
    return out;
  }

  @Test
  void tenWritersSplittingThenRemovingAndMergingLoseNothing() throws Exception {
    MemoryNetwork net = new MemoryNetwork(21);
    try (TestCluster c = TestCluster.builder().nodes(10).seed(22).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start()) {
      Pht.of(c.node(0)).create("busy", KeyType.LONG, 4, 0).get(10, TimeUnit.SECONDS);
      // Writer w owns keys w, w + 10, w + 20, ...: dense, so the writers keep splitting the same leaves.
      CyclicBarrier start = new CyclicBarrier(10);
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 10; w++) {
        Pht pht = Pht.of(c.node(w));
        int writer = w;
        writers.add(CompletableFuture.runAsync(() -> {
          try {
            start.await(10, TimeUnit.SECONDS);
            List<CompletableFuture<Boolean>> mine = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
              long key = (long) i * 10 + writer - 750;
              mine.add(pht.insert("busy", Key.of(key), JSON.numberNode(writer)));
            }
            for (CompletableFuture<Boolean> f : mine) {
              assertThat(f.get(120, TimeUnit.SECONDS)).isTrue();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      Pht reader = Pht.of(c.node(3));
      IndexStats full = reader.stats("busy").get(60, TimeUnit.SECONDS);
      assertThat(full.entries()).isEqualTo(1500);
      List<String> all = everything(reader, "busy");
      assertThat(all).hasSize(1500).doesNotHaveDuplicates();

      // Each writer removes two thirds of its keys at once: leaves shrink and siblings merge.
      Set<String> expected = new HashSet<>(all);
      List<CompletableFuture<?>> removals = new ArrayList<>();
      for (int w = 0; w < 10; w++) {
        Pht pht = Pht.of(c.node(w));
        for (int i = 0; i < 150; i++) {
          if (i % 3 != 0) {
            long key = (long) i * 10 + w - 750;
            expected.remove(key + "=" + w);
            removals.add(pht.remove("busy", Key.of(key)));
          }
        }
      }
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      List<String> left = everything(Pht.of(c.node(6)), "busy");
      assertThat(left).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
      IndexStats after = reader.stats("busy").get(60, TimeUnit.SECONDS);
      assertThat(after.entries()).isEqualTo(expected.size());
      assertThat(after.leaves()).as("merges shrank the trie: %s then %s", full, after).isLessThan(full.leaves());
    }
  }

  @Test
  void aQuarterOfTheNodesDyingLosesNoEntry() throws Exception {
    MemoryNetwork net = new MemoryNetwork(31);
    try (TestCluster c = TestCluster.builder().nodes(16).seed(32).listen("mem://n:0")
        .set("weft.kademlia.rpc-timeout", "200ms")
        .customize(b -> b.addTransport(net.provider())).start()) {
      Random r = new Random(33);
      Pht.of(c.node(0)).create("durable", KeyType.LONG, 8, 0).get(10, TimeUnit.SECONDS);
      List<CompletableFuture<Boolean>> inserts = new ArrayList<>();
      java.util.TreeMap<Long, String> model = new java.util.TreeMap<>();
      for (int i = 0; i < 800; i++) {
        long k = r.nextLong();
        model.put(k, k + "=" + i);
        inserts.add(Pht.of(c.node(r.nextInt(16))).insert("durable", Key.of(k), JSON.numberNode(i)));
      }
      for (CompletableFuture<Boolean> f : inserts) {
        f.get(120, TimeUnit.SECONDS);
      }
      List<Integer> victims = new ArrayList<>();
      for (int i = 1; i < 16; i++) {
        victims.add(i);
      }
      Collections.shuffle(victims, r);
      victims.subList(0, 4).forEach(c::stop);
      Node survivor = c.runningNodes().get(1);
      Pht pht = Pht.of(survivor);
      assertThat(everything(pht, "durable")).containsExactlyElementsOf(model.values());
      for (int q = 0; q < 30; q++) {
        long a = r.nextLong();
        long b = r.nextLong();
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        List<String> got = new ArrayList<>();
        for (Entry e : pht.query(Query.range("durable", Key.of(lo), Key.of(hi)).limit(100_000))
            .get(60, TimeUnit.SECONDS).entries()) {
          got.add(e.key() + "=" + e.value());
        }
        assertThat(got).as("%d..%d", lo, hi).containsExactlyElementsOf(model.subMap(lo, true, hi, true).values());
      }
      // The index keeps working: the surviving nodes took over the trie nodes of the dead ones.
      assertThat(pht.insert("durable", Key.of(42), JSON.textNode("after")).get(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Pht.of(c.runningNodes().get(2)).lookup("durable", Key.of(42)).get(60, TimeUnit.SECONDS))
          .contains(JSON.textNode("after"));
    }
  }
}
