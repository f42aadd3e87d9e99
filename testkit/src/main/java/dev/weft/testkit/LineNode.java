package dev.weft.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.NodeId;
import dev.weft.api.NodeStats;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own process, driven line by line over stdin/stdout, so that a test can run it inside a network
 * namespace and talk to it without touching that namespace's network (see {@link LineProcess}). Arguments: an id
 * seed (the same seed gives the same id, so a restart on the same data directory is the same node), then listen
 * addresses and {@code key=value} settings in any order.
 *
 * <pre>
 *   join ADDR          → joined N
 *   put NS KEY TEXT    → put ACKNOWLEDGED ATTEMPTED
 *   get NS KEY         → value TEXT | none
 *   holds NS           → holds KEY...     (keys of NS in the local store)
 *   stored             → stored N         (records in the local store)
 *   contacts           → contacts N       (routing table size)
 *   served TYPE        → served N         (requests of an RPC type received)
 *   addr               → addr A1 A2 ...
 * </pre>
 * Any failure answers {@code error ...}; end of input stops the node.
 */
public final class LineNode {
  private LineNode() {}

  public static void main(String[] args) throws Exception {
    NodeBuilder b = Weft.builder().nodeId(NodeId.random(new Random(Long.parseLong(args[0]))));
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq > 0 && !args[i].contains("://")) {
        b.set(args[i].substring(0, eq), args[i].substring(eq + 1));
      } else {
        b.listen(args[i]);
      }
    }
    try (Node node = b.build()) {
      System.out.println("ready " + node.addresses());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] w = line.trim().split(" ", 4);
        try {
          System.out.println(answer(node, w));
        } catch (Exception e) {
          System.out.println("error " + e);
        }
      }
    }
  }

  private static String answer(Node node, String[] w) throws Exception {
    switch (w[0]) {
      case "join":
        return "joined " + node.join(List.of(Address.parse(w[1]))).get(30, TimeUnit.SECONDS);
      case "put": {
        PutResult r = node.storage().put(w[1], w[2], JsonNodeFactory.instance.textNode(w[3])).get(30,
            TimeUnit.SECONDS);
        return "put " + r.acknowledged() + " " + r.attempted();
      }
      case "get": {
        Optional<StoredObject> o = node.storage().get(w[1], w[2]).get(30, TimeUnit.SECONDS);
        return o.map(s -> "value " + s.value().asText()).orElse("none");
      }
      case "holds":
        return ("holds " + String.join(" ", node.storage().lscan(w[1]).get(30, TimeUnit.SECONDS).items().stream()
            .map(StoredObject::key).toList())).trim();
      case "stored":
        return "stored " + node.info().stored();
      case "contacts":
        return "contacts " + node.info().contacts();
      case "served": {
        NodeStats.Rpc r = node.stats().rpcs().get(w[1]);
        return "served " + (r == null ? 0 : r.received());
      }
      case "addr":
        return "addr " + String.join(" ", node.addresses().stream().map(Address::toString).toList());
      default:
        return "error unknown command " + w[0];
    }
  }
}
