package dev.weft.pht;

import static dev.weft.testkit.Futures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.ValueTooLargeException;
import dev.weft.sim.MemoryNetwork;
import dev.weft.testkit.TestCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bad keys, unknown indexes, inverted ranges: clear errors, and nothing changes. */
class PhtInputTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void badInputGetsClearErrors() throws Exception {
    MemoryNetwork net = new MemoryNetwork(41);
    try (TestCluster c = TestCluster.builder().nodes(3).seed(42).listen("mem://n:0")
        .customize(b -> b.addTransport(net.provider())).start()) {
      Pht pht = Pht.of(c.node(0));
      pht.create("ints", KeyType.LONG).get(10, TimeUnit.SECONDS);
      pht.create("words", KeyType.STRING, 4, 5).get(10, TimeUnit.SECONDS);
      pht.create("places", KeyType.POINT).get(10, TimeUnit.SECONDS);

      assertThat(failureOf(pht.insert("nope", Key.of(1), JSON.numberNode(1)))).isInstanceOf(NoSuchIndexException.class)
          .hasMessageContaining("nope");
      assertThat(failureOf(pht.query(Query.range("nope", Key.of(1), Key.of(2))))).isInstanceOf(NoSuchIndexException.class);
      assertThat(Pht.of(c.node(1)).describe("nope").get(10, TimeUnit.SECONDS)).isEmpty();
      assertThat(Pht.of(c.node(2)).describe("words").get(10, TimeUnit.SECONDS)).hasValueSatisfying(i -> {
        assertThat(i.type()).isEqualTo(KeyType.STRING);
        assertThat(i.maxStringBytes()).isEqualTo(5);
        assertThat(i.keyBits()).isEqualTo(40);
      });

      assertThat(failureOf(pht.insert("ints", Key.of("text"), JSON.numberNode(1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyed by LONG");
      assertThat(failureOf(pht.insert("words", Key.of("toolong"), JSON.numberNode(1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound of 5 bytes");
      assertThat(failureOf(pht.insert("words", Key.of("a\0b"), JSON.numberNode(1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
      assertThat(failureOf(pht.insert("words", Key.of("éé€"), JSON.numberNode(1))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 UTF-8 bytes");
      assertThat(failureOf(pht.query(Query.range("ints", Key.of(5), Key.of(4)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than");
      assertThat(failureOf(pht.query(Query.rectangle("ints", new Key.PointKey(0, 0), new Key.PointKey(1, 1)))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(failureOf(pht.query(Query.rectangle("places", new Key.PointKey(5, 0), new Key.PointKey(1, 1)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corners");
      assertThat(failureOf(pht.insert("ints", Key.of(1), JSON.textNode("x".repeat(2000)))))
          .isInstanceOf(ValueTooLargeException.class);
      assertThat(failureOf(pht.create("bad name", KeyType.LONG))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bad index name");
      assertThat(failureOf(pht.create("ints", KeyType.STRING))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exists already");
      assertThat(failureOf(pht.create("x", KeyType.LONG, 1, 0))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Query.range("ints", Key.of(1), Key.of(2)).limit(0))
          .isInstanceOf(IllegalArgumentException.class);

      // Nothing was written by the refused calls; the indexes work.
      assertThat(pht.stats("ints").get(10, TimeUnit.SECONDS).entries()).isZero();
      assertThat(pht.insert("ints", Key.of(7), JSON.numberNode(7)).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pht.insert("ints", Key.of(7), JSON.numberNode(7)).get(10, TimeUnit.SECONDS)).isFalse();
      assertThat(Pht.of(c.node(2)).lookup("ints", Key.of(7)).get(10, TimeUnit.SECONDS)).containsExactly(
          JSON.numberNode(7));
      assertThat(pht.create("ints", KeyType.LONG).get(10, TimeUnit.SECONDS).leafCapacity()).isEqualTo(16);
    }
  }
}
