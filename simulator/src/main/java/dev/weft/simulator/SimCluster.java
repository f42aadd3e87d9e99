package dev.weft.simulator;

import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.kademlia.internal.KademliaEngineProvider;
import dev.weft.kademlia.internal.MemoryStoreProvider;
import dev.weft.sim.ManualScheduler;
import dev.weft.sim.MemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * N unmodified nodes in one JVM on an in-memory network with 20 ms links, in virtual time: simulations that run
 * hundreds of nodes on one thread, repeatably (seeded ids and loss).
 */
public final class SimCluster implements AutoCloseable {
  public final ManualScheduler clock = new ManualScheduler();
  public final MemoryNetwork net;
  public final List<Node> nodes = new ArrayList<>();
  public final Random random;

  /**
   * Starts {@code n} nodes with the given plugins and settings; all join through the first, twice (the second round
   * lets early joiners learn of late ones, as bucket refreshes would over time).
   */
  public SimCluster(int n, long seed, Map<String, String> settings, List<Supplier<PluginProvider>> plugins) {
    this.net = new MemoryNetwork(seed).latency(Duration.ofMillis(20));
    this.random = new Random(seed);
    for (int i = 0; i < n; i++) {
      NodeBuilder b = Weft.builder().discovery(false).addTransport(net.provider()).addStore(new MemoryStoreProvider())
          .engine(new KademliaEngineProvider()).scheduler(clock).nodeId(NodeId.random(random))
          .listen("mem://n" + i + ":1").set("weft.kademlia.rpc-timeout", "300ms");
      settings.forEach(b::set);
      plugins.forEach(p -> b.addPlugin(p.get()));
      nodes.add(b.build());
    }
    for (int round = 0; round < 2; round++) {
      List<CompletableFuture<Integer>> joins = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        joins.add(nodes.get(i).join(nodes.get(0).addresses()));
      }
      finish(joins);
    }
  }

  /** Advances virtual time in 10 ms steps until every future is done (or 1,000 virtual seconds passed). */
  public void finish(List<? extends CompletableFuture<?>> futures) {
    for (int step = 0; step < 100_000 && !futures.stream().allMatch(CompletableFuture::isDone); step++) {
      clock.advance(Duration.ofMillis(10));
    }
  }

  @Override
  public void close() {
    nodes.forEach(Node::close);
  }

  public static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  public static String arg(String[] args, String name, String def) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return def;
  }
}
