package dev.weft.pht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PhtSmokeTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void insertsSplitAndRangesMatchAModel() throws Exception {
    MemoryNetwork net = new MemoryNetwork(1);
    try (TestCluster c = TestCluster.builder().nodes(6).seed(2).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start()) {
      Pht pht = Pht.of(c.node(0));
      pht.create("nums", KeyType.LONG, 4, 0).get(10, TimeUnit.SECONDS);
      Random r = new Random(3);
      TreeMap<Long, TreeSet<String>> model = new TreeMap<>();
      for (int i = 0; i < 300; i++) {
        long k = r.nextInt(1000) - 500;
        JsonNode v = JSON.numberNode(i);
        Pht.of(c.node(r.nextInt(6))).insert("nums", Key.of(k), v).get(20, TimeUnit.SECONDS);
        model.computeIfAbsent(k, x -> new TreeSet<>()).add(v.toString());
      }
      IndexStats stats = pht.stats("nums").get(20, TimeUnit.SECONDS);
      System.out.println(stats);
      assertThat(stats.entries()).isEqualTo(model.values().stream().mapToInt(TreeSet::size).sum());
      for (int q = 0; q < 30; q++) {
        long a = r.nextInt(1200) - 600;
        long b = a + r.nextInt(300);
        Results res = pht.query(Query.range("nums", Key.of(a), Key.of(b))).get(20, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        model.subMap(a, true, b, true).forEach((k, vs) -> vs.forEach(v -> expected.add(k + "=" + v)));
        List<String> got = new ArrayList<>();
        res.entries().forEach(e -> got.add(((Key.LongKey) e.key()).value() + "=" + e.value()));
        assertThat(got).as("range %d..%d", a, b).isEqualTo(expected);
      }
    }
  }

  /** Every node purges an index: no node holds a trie node of it any more; another index is untouched. */
  @Test
  void aPurgedIndexLeavesNoTrieNodeAnywhere() throws Exception {
    MemoryNetwork net = new MemoryNetwork(1);
    try (TestCluster c = TestCluster.builder().nodes(5).seed(6).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start()) {
      for (String index : List.of("gone", "kept")) {
        Pht.of(c.node(0)).create(index, KeyType.LONG, 4, 0).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 60; i++) {
          Pht.of(c.node(i % 5)).insert(index, Key.of(i), JSON.numberNode(i)).get(20, TimeUnit.SECONDS);
        }
      }
      long trieNodes = Pht.of(c.node(0)).stats("gone").get(20, TimeUnit.SECONDS).leaves();
      assertThat(trieNodes).as("the inserts split the root").isGreaterThan(1);
      long purged = 0;
      for (int n = 0; n < 5; n++) {
        purged += Pht.of(c.node(n)).purge("gone").get(20, TimeUnit.SECONDS);
        assertThat(c.node(n).storage().lscan("pht:gone").get(20, TimeUnit.SECONDS).items()).isEmpty();
      }
      assertThat(purged).as("copies of trie nodes removed").isGreaterThanOrEqualTo(trieNodes);
      assertThat(Pht.of(c.node(2)).stats("kept").get(20, TimeUnit.SECONDS).entries()).isEqualTo(60);
      assertThat(Pht.of(c.node(1)).purge("bad name").handle((v, e) -> e)
          .get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * Once the shape hints have caught up with the splits, a range query reads the common-prefix node and then only
   * leaves: every leaf of the whole key space in one more round trip (the trie is small enough for the root's hint).
   */
  @Test
  void settledRangesReadOnlyLeaves() throws Exception {
    MemoryNetwork net = new MemoryNetwork(1);
    try (TestCluster c = TestCluster.builder().nodes(6).seed(4).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start()) {
      Pht pht = Pht.of(c.node(0));
      pht.create("spread", KeyType.LONG, 4, 0).get(10, TimeUnit.SECONDS);
      Random r = new Random(5);
      TreeMap<Long, Integer> model = new TreeMap<>();
      for (int i = 0; i < 250; i++) {
        long k = r.nextLong();
        Pht.of(c.node(r.nextInt(6))).insert("spread", Key.of(k), JSON.numberNode(i)).get(20, TimeUnit.SECONDS);
        model.put(k, i);
      }
      IndexStats stats = pht.stats("spread").get(20, TimeUnit.SECONDS);
      assertThat(stats.internal()).as("internal nodes, all in the root's hint").isLessThan(127);
      Query all = Query.range("spread", Key.of(Long.MIN_VALUE), Key.of(Long.MAX_VALUE)).limit(1000);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        Results res = Pht.of(c.node(3)).query(all).get(20, TimeUnit.SECONDS);
        assertThat(res.entries()).hasSize(model.size());
        assertThat(res.dhtGets()).as("gets of %s", stats).isEqualTo(stats.leaves() + 1);
        assertThat(res.rounds()).isEqualTo(2);
      });
      // A range inside the key space reads its common-prefix node, then the leaves overlapping it.
      Results part = Pht.of(c.node(2)).query(Query.range("spread", Key.of(0), Key.of(Long.MAX_VALUE / 2)))
          .get(20, TimeUnit.SECONDS);
      assertThat(part.entries()).hasSize(model.subMap(0L, true, Long.MAX_VALUE / 2, true).size());
      assertThat(part.rounds()).isEqualTo(2);
    }
  }
}
