package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.StoredObject;
import dev.weft.api.ValueCipher;
import dev.weft.testkit.TestCluster;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A value sealed on the writer travels and rests encrypted: replicas hold only the sealed form. */
class SealedValueTest {
  @Test
  void replicasHoldOnlyCiphertextAndTheKeyHolderReadsTheValue() throws Exception {
    byte[] key = ValueCipher.newKey();
    ValueCipher cipher = ValueCipher.of(key);
    try (TestCluster c = TestCluster.builder().nodes(6).seed(71).start()) {
      String secret = "the launch code is 0000";
      c.node(0).storage().put("private", "note", cipher.seal("private", "note",
          JsonNodeFactory.instance.textNode(secret))).get(30, TimeUnit.SECONDS);
      int holders = 0;
      for (var n : c.nodes()) {
        List<StoredObject> held = n.storage().lscan("private").join().items();
        for (StoredObject o : held) {
          holders++;
          assertThat(o.value().toString()).doesNotContain("launch");
          assertThat(ValueCipher.isSealed(o.value())).isTrue();
        }
      }
      assertThat(holders).isGreaterThanOrEqualTo(3);
      StoredObject read = c.node(5).storage().get("private", "note").get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(ValueCipher.of(key).open("private", "note", read.value()).asText()).isEqualTo(secret);
    }
  }
}
