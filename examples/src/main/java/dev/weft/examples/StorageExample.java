package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.Node;
import dev.weft.api.Page;
import dev.weft.api.PutOutcome;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.api.Weft;
import dev.weft.api.Write;
import java.util.List;
import java.util.Optional;

/** Two nodes in one JVM: one stores a value, the other reads it back. */
public final class StorageExample {
  private StorageExample() {}

  public static void main(String[] args) throws Exception {
    try (Node first = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node second = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      second.join(first.addresses()).get(10, SECONDS);                           // through any node of the network
      JsonNode value = new ObjectMapper().readTree("{\"text\":\"hi\"}");
      PutResult put = first.storage().put("notes", "hello", value).get();        // acknowledged replicas
      Optional<StoredObject> got = second.storage().get("notes", "hello").get(); // empty = not found
      Page<StoredObject> mine = first.storage().lscan("notes").get();            // this node's objects, paged
      List<PutOutcome> many = first.storage().putAll(List.of(                    // one message per replica, not
          new Write("notes", "a", value), new Write("notes", "b", value))).get(); // one per object; in order
      System.out.println("stored on " + put.acknowledged() + " nodes; read back " + got.orElseThrow().value()
          + "; " + mine.items().size() + " held here; batch " + many);
    }
  }
}
