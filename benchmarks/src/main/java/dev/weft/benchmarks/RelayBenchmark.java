package dev.weft.benchmarks;

import static dev.weft.benchmarks.ClusterBenchmark.intArg;
import static dev.weft.benchmarks.ClusterBenchmark.pct;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What a relayed node costs its peers and its super-node: gets between UDP-only nodes and a node relayed by a
 * super-node (UDP and WebSocket), each key held by one node only (replication 1), on loopback in one JVM.
 *
 * <pre>benchmarks/run.sh RelayBenchmark --gets 2000</pre>
 *
 * Prints, per path, the latency of a get (p50 / p99) and the messages the reader sent and received per get (on a
 * relayed path the super-node forwards each of them: once in, once out).
 */
public final class RelayBenchmark {
  private RelayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int gets = intArg(args, "--gets", 2000);
    Random random = new Random(1);
    List<Node> nodes = new ArrayList<>();
    try {
      Node s = start(nodes, random, "udp://127.0.0.1:0", "ws://127.0.0.1:0");
      Node u1 = start(nodes, random, "udp://127.0.0.1:0");
      Node u2 = start(nodes, random, "udp://127.0.0.1:0");
      Address ws = s.addresses().stream().filter(a -> a.scheme().equals("ws")).findFirst().orElseThrow();
      Node r = start(nodes, random, "ws://127.0.0.1:" + ws.port() + "/relay");
      Address udp = s.addresses().get(0);
      for (Node n : nodes.subList(1, nodes.size())) {
        n.join(List.of(udp)).get(30, TimeUnit.SECONDS);
      }
      for (Node n : nodes) {
        n.join(List.of(udp)).get(30, TimeUnit.SECONDS);
      }
      // Two rounds, the first one only warming up every path (JIT, connections, address tokens).
      for (boolean print : new boolean[] {false, true}) {
        if (print) {
          System.out.printf("%-42s %9s %9s %14s%n", "get (one replica, loopback)", "p50 ms", "p99 ms", "msgs/get");
        }
        measure("UDP-only -> UDP-only (direct)", u1, u2, nodes, gets, print);
        measure("UDP-only -> relayed (UDP through super)", u1, r, nodes, gets, print);
        measure("relayed -> UDP-only (WS + UDP via super)", r, u2, nodes, gets, print);
        measure("UDP-only -> super-node (direct)", u1, s, nodes, gets, print);
      }
    } finally {
      nodes.forEach(Node::close);
    }
  }

  private static Node start(List<Node> nodes, Random random, String... listen) {
    var b = Weft.builder().nodeId(NodeId.random(random)).set("weft.kademlia.replication", "1")
        .set("weft.kademlia.read-quorum", "1");
    for (String l : listen) {
      b.listen(l);
    }
    Node n = b.build();
    nodes.add(n);
    return n;
  }

  /** Gets of keys held by {@code holder} alone, by {@code reader}. */
  private static void measure(String name, Node reader, Node holder, List<Node> nodes, int gets, boolean print)
      throws Exception {
    List<String[]> keys = keysHeldBy(holder, nodes, 64);
    for (String[] k : keys) {
      holder.storage().put(k[0], k[1], JsonNodeFactory.instance.textNode("x".repeat(200))).get(30, TimeUnit.SECONDS);
    }
    long before = reader.stats().messagesIn() + reader.stats().messagesOut();
    long[] nanos = new long[gets];
    for (int i = 0; i < gets; i++) {
      String[] k = keys.get(i % keys.size());
      long t0 = System.nanoTime();
      if (reader.storage().get(k[0], k[1]).get(30, TimeUnit.SECONDS).isEmpty()) {
        throw new IllegalStateException("lost " + k[0] + "/" + k[1]);
      }
      nanos[i] = System.nanoTime() - t0;
    }
    double messages = (reader.stats().messagesIn() + reader.stats().messagesOut() - before) / (double) gets;
    if (print) {
      System.out.printf("%-42s %9.2f %9.2f %14.1f%n", name, pct(nanos, 50), pct(nanos, 99), messages);
    }
  }

  /** Namespaces and keys whose ids are closest to {@code holder} among {@code nodes}. */
  private static List<String[]> keysHeldBy(Node holder, List<Node> nodes, int count) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      String ns = "bench" + i % 16;
      String key = holder.id().shortHex() + "-" + i;
      NodeId id = NodeId.forKey(ns, key, 2);
      if (nodes.stream().min(Comparator.comparing(Node::id, id::compareDistance)).orElseThrow() == holder) {
        out.add(new String[] {ns, key});
      }
    }
    return out;
  }
}
