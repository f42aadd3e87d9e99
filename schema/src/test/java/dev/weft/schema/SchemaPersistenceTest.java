package dev.weft.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.Weft;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Globals, removals included, survive a restart on a persistent store. */
class SchemaPersistenceTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static Node open(Path dir) {
    return Weft.builder().listen("udp://127.0.0.1:0").storage("mapdb").set("weft.data.dir", dir.toString()).build();
  }

  @Test
  void globalsSurviveARestart(@TempDir Path dir) throws Exception {
    SortedMap<String, Global> before;
    String digest;
    try (Node node = open(dir)) {
      Schema s = Schema.of(node);
      s.setGlobal("price", JSON.numberNode(new BigDecimal("2.50"))).get(10, TimeUnit.SECONDS);
      s.setGlobal("config", JSON.objectNode().put("replicas", 3).putNull("nothing")).get(10, TimeUnit.SECONDS);
      s.setGlobal("gone", JSON.textNode("soon")).get(10, TimeUnit.SECONDS);
      s.removeGlobal("gone").get(10, TimeUnit.SECONDS);
      s.setGlobal("config", JSON.objectNode().put("replicas", 5)).get(10, TimeUnit.SECONDS);
      before = s.globals();
      digest = s.digest();
    }
    try (Node node = open(dir)) {
      Schema s = Schema.of(node);
      assertThat(s.globals()).isEqualTo(before);
      assertThat(s.getGlobal("price")).hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("2.50"));
      assertThat(s.getGlobal("config")).contains(JSON.objectNode().put("replicas", 5));
      assertThat(s.getGlobal("gone")).isEmpty();
      assertThat(s.digest()).as("the removal is remembered too").isEqualTo(digest);
      assertThat(s.stats().tombstones()).isEqualTo(1);
      // The clock moved past what was saved: a new write orders after the old ones.
      Global next = s.setGlobal("config", JSON.objectNode().put("replicas", 7)).get(10, TimeUnit.SECONDS);
      assertThat(next.version().isNewerThan(before.get("config").version())).isTrue();
    }
  }
}
