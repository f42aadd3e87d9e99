package dev.weft.pht;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A burst of inserts issued at once from every node, keys bunched in a small part of the domain so that all of them go
 * down one deep path of the trie: every insert must succeed. Small in the suite; the figures in docs/pht.md ("Bounded
 * writes per node") come from {@code mvn -pl pht test -Dtest=PhtBurstTest -Dburst.ops=3000 -Dburst.nodes=20
 * [-Dburst.b=8 -Dburst.writes-in-flight=8]}, which prints the time.
 */
class PhtBurstTest {
  @Test
  void aBurstOfInsertsFromEveryNodeSucceeds() throws Exception {
    int nodes = Integer.getInteger("burst.nodes", 8);
    int ops = Integer.getInteger("burst.ops", 600);
    MemoryNetwork net = new MemoryNetwork(5);
    try (TestCluster c = TestCluster.builder().nodes(nodes).seed(6).listen("mem://n:0")
        .set("weft.pht.writes-in-flight", System.getProperty("burst.writes-in-flight", "8"))
        .customize(x -> x.addTransport(net.provider())).start()) {
      Pht.of(c.node(0)).create("burst", KeyType.LONG, Integer.getInteger("burst.b", 8), 0).get(10, TimeUnit.SECONDS);
      Random r = new Random(7);
      long t0 = System.nanoTime();
      List<CompletableFuture<Boolean>> all = new ArrayList<>();
      for (int i = 0; i < ops; i++) {
        all.add(Pht.of(c.node(r.nextInt(nodes))).insert("burst", Key.of((long) r.nextInt(1_000_000)),
            JsonNodeFactory.instance.numberNode(i)));
      }
      int failed = 0;
      for (CompletableFuture<Boolean> f : all) {
        try {
          f.get(300, TimeUnit.SECONDS);
        } catch (Exception e) {
          failed++;
        }
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      IndexStats stats = Pht.of(c.node(1)).stats("burst").get(60, TimeUnit.SECONDS);
      System.out.printf("pht burst: %d inserts from %d nodes in %d ms, %d failed; %s%n", ops, nodes, ms, failed, stats);
      assertThat(failed).isZero();
      assertThat(stats.entries()).isEqualTo(ops);
    }
  }
}
