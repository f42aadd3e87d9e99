package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.examples.echo.Echo;

/** The echo plugin, found by ServiceLoader in both nodes; the second one answers with its own prefix. */
public final class EchoExample {
  private EchoExample() {}

  public static void main(String[] args) throws Exception {
    try (Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node other = Weft.builder().listen("udp://127.0.0.1:0").set("weft.echo.prefix", "other says:").build()) {
      other.join(node.addresses()).get(10, SECONDS);
      System.out.println(Echo.of(node).echo(other.id(), "hi").get(10, SECONDS));  // other says: hi
    }
  }
}
