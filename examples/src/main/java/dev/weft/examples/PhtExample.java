package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.pht.Entry;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.pht.Query;
import dev.weft.pht.Results;

/** A range query over an index spread across two nodes (needs weft-pht). */
public final class PhtExample {
  private PhtExample() {}

  public static void main(String[] args) throws Exception {
    try (Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node other = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      other.join(node.addresses()).get(10, SECONDS);
      Pht pht = Pht.of(node);
      pht.create("ages", KeyType.LONG).get();
      pht.insert("ages", Key.of(42), JsonNodeFactory.instance.textNode("users/alice")).get();
      pht.insert("ages", Key.of(12), JsonNodeFactory.instance.textNode("users/bob")).get();
      Results adults = Pht.of(other).query(Query.range("ages", Key.of(18), Key.of(65))).get(); // in key order, paged
      for (Entry e : adults.entries()) {
        System.out.println(e.key() + " -> " + e.value());
      }
    }
  }
}
