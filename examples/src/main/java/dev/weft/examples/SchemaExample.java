package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.schema.Schema;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A global every node learns, with a listener (needs weft-schema, which needs weft-messaging). */
public final class SchemaExample {
  private SchemaExample() {}

  public static void main(String[] args) throws Exception {
    try (Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node other = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      other.join(node.addresses()).get(10, SECONDS);
      CountDownLatch learnt = new CountDownLatch(1);
      Schema.of(other).addListener("feature.dark-mode", g -> learnt.countDown());

      Schema schema = Schema.of(node);
      schema.addListener("feature.dark-mode", g -> System.out.println(g.name() + " = " + g.value().orElse(null)));
      schema.setGlobal("feature.dark-mode", BooleanNode.TRUE).get();   // here at once, then on every node
      Optional<JsonNode> on = schema.getGlobal("feature.dark-mode");   // answered locally, never over the network
      if (!learnt.await(10, SECONDS)) {
        throw new IllegalStateException("the other node did not learn the global");
      }
      System.out.println("the other node has " + Schema.of(other).getGlobal("feature.dark-mode").orElseThrow()
          + ", this one " + on.orElseThrow());
      schema.removeGlobal("feature.dark-mode").get();
    }
  }
}
