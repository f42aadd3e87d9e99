package dev.weft.benchmarks;

import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One DHT node in its own process, for the cluster benchmarks ({@link NodeProcesses}): {@code BenchNode
 * [bootstrap-address]}. Prints {@code READY <address> <pid> [<ws address>]} once joined (the ws address with {@code
 * -Dbench.ws=true}) and exits when its standard input closes (the benchmark ended or died). On standard input, an
 * empty line asks for a rejoin and {@code stats} for a line {@code STATS <messages out>}.
 */
public final class BenchNode {
  private BenchNode() {}

  public static void main(String[] args) throws Exception {
    var builder = Weft.builder().listen("udp://127.0.0.1:0");
    boolean ws = Boolean.getBoolean("bench.ws");
    if (ws) {
      // A super-node: browsers' gateway and WebSocket peers on a port of its own.
      builder.listen("ws://127.0.0.1:0");
    }
    // -Dweft.*=... settings pass straight through, so the benchmark can vary them.
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("weft."))
        .forEach(k -> builder.set(k, System.getProperty(k)));
    try (Node node = builder.build()) {
      if (args.length > 0) {
        node.join(List.of(Address.parse(args[0]))).get(30, TimeUnit.SECONDS);
      }
      System.out.println("READY " + node.addresses().get(0) + " " + ProcessHandle.current().pid()
          + (ws ? " " + node.addresses().get(1) : ""));
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals("stats")) {
            System.out.println("STATS " + node.stats().messagesOut());
            System.out.flush();
          } else {
            // a rejoin, so nodes that started early learn the late ones
            node.join(List.of(Address.parse(args.length > 0 ? args[0] : node.addresses().get(0).toString())));
          }
        }
      } catch (IOException e) {
        // parent gone
      }
    }
  }
}
