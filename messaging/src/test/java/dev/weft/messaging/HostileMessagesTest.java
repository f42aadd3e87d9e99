package dev.weft.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.Node;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Replayed, forged and malformed messages sent straight onto the messaging channel by a raw peer. */
class HostileMessagesTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Gives the test the raw DHT of a node, as any plugin has. */
  interface Raw {
    Dht dht();
  }

  static final class RawProvider implements PluginProvider {
    @Override
    public String name() {
      return "raw";
    }

    @Override
    public Plugin create(PluginContext context) {
      final class RawPlugin implements Plugin, Raw {
        @Override
        public Dht dht() {
          return context.dht();
        }

        @Override
        public void close() {}
      }
      return new RawPlugin();
    }
  }

  @Test
  void replaysAreDroppedAndGarbageIsRefused() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(3).seed(45).customize(b -> b.addPlugin(new RawProvider()))
        .start()) {
      Node victim = c.node(1);
      List<JsonNode> got = Collections.synchronizedList(new ArrayList<>());
      Messaging.of(victim).registerMessageHandler(m -> got.add(m.payload()));
      Dht raw = c.node(0).service(Raw.class).orElseThrow().dht();
      Contact to = raw.contact(victim.id()).orElseThrow();

      ObjectNode bcast = JSON.objectNode().put("op", "bcast").put("id", "feedfacefeedfacefeedfacefeedface").put("ch", "user")
          .put("origin", c.node(2).id().toHex()).put("limit", 0);
      bcast.set("msg", JSON.textNode("once"));
      JsonNode first = raw.request(to, "messaging", bcast).get(10, TimeUnit.SECONDS);
      JsonNode replay = raw.request(to, "messaging", bcast).get(10, TimeUnit.SECONDS);
      ObjectNode forged = bcast.deepCopy();
      forged.set("msg", JSON.textNode("forged payload under a seen id"));
      JsonNode forgedAnswer = raw.request(to, "messaging", forged).get(10, TimeUnit.SECONDS);
      assertThat(first.get("dup").asBoolean()).isFalse();
      assertThat(replay.get("dup").asBoolean()).isTrue();
      assertThat(forgedAnswer.get("dup").asBoolean()).isTrue();

      ObjectNode deep = bcast.deepCopy().put("id", "deep");
      JsonNode nested = JSON.textNode("bottom");
      for (int i = 0; i < dev.weft.api.JsonLimits.MAX_NESTING + 8; i++) {
        nested = JSON.arrayNode().add(nested);
      }
      deep.set("msg", nested);
      for (ObjectNode bad : List.of(
          deep,
          JSON.objectNode().put("op", "bcast"),
          JSON.objectNode().put("op", "explode").put("id", "1").put("ch", "user").put("msg", 1),
          bcast.deepCopy().put("limit", 999).put("id", "other"),
          bcast.deepCopy().put("origin", "not-an-id").put("id", "other2"),
          bcast.deepCopy().put("id", "x".repeat(500)))) {
        assertThatThrownBy(() -> raw.request(to, "messaging", bad).get(10, TimeUnit.SECONDS))
            .hasMessageContaining("answered");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
      assertThat(got).containsExactly(JSON.textNode("once"));

      // Still working.
      Messaging.of(c.node(2)).sendNode(victim.id(), JSON.textNode("after")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
    }
  }
}
