package dev.weft.schema;

import static dev.weft.testkit.Futures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.Node;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.Version;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.messaging.Messaging;
import dev.weft.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bad names, oversize values, floods and hostile peers: clear errors, limits, and a node that keeps working. */
class SchemaInputTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** A plugin that hands tests the raw DHT of its node, to speak the schema protocol as a hostile peer would. */
  static final class Probe implements PluginProvider {
    final Map<Node, PluginContext> contexts = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public Plugin create(PluginContext context) {
      contexts.put(context.node(), context);
      return () -> { };
    }
  }

  @Test
  void badNamesAndValuesAreRefusedClearly() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(1).set(SchemaSettings.MAX_VALUE_BYTES.key(), "1KiB")
        .set(SchemaSettings.MAX_GLOBALS.key(), "3").start()) {
      Schema s = Schema.of(c.node(0));
      for (String bad : List.of("", " ", "a b", "-x", ".x", "x/y", "é", "x".repeat(129), "tab\t")) {
        assertThat(failureOf(s.setGlobal(bad, JSON.textNode("v")))).as("name '%s'", bad)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad global name");
        assertThat(failureOf(s.removeGlobal(bad))).isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(failureOf(s.setGlobal(null, JSON.textNode("v")))).isInstanceOf(IllegalArgumentException.class);
      assertThat(failureOf(s.setGlobal("ok", null))).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> s.addListener("a b", g -> { })).isInstanceOf(IllegalArgumentException.class);
      assertThat(s.getGlobal(null)).isEmpty();
      assertThat(Schema.isValidName("a b")).isFalse();
      assertThat(Schema.isValidName(null)).isFalse();
      assertThat(Schema.isValidName("_a.b:c-9")).isTrue();
      assertThat(s.getGlobal("never.set")).isEmpty();

      Throwable big = failureOf(s.setGlobal("big", JSON.textNode("x".repeat(1100))));
      assertThat(big).isInstanceOf(ValueTooLargeException.class).hasMessageContaining("over the limit of 1024 bytes");
      assertThat(s.getGlobal("big")).isEmpty();

      s.setGlobal("x".repeat(128), JSON.nullNode()).get(10, TimeUnit.SECONDS);
      s.setGlobal("A_1.b:c-d", JSON.arrayNode().add(1)).get(10, TimeUnit.SECONDS);
      s.setGlobal("_third", JSON.booleanNode(true)).get(10, TimeUnit.SECONDS);
      assertThat(s.getGlobal("x".repeat(128))).contains(JSON.nullNode());
      assertThat(failureOf(s.setGlobal("fourth", JSON.textNode("v")))).isInstanceOf(GlobalRefusedException.class)
          .hasMessageContaining(SchemaSettings.MAX_GLOBALS.key())
          .satisfies(e -> assertThat(((GlobalRefusedException) e).reason())
              .isEqualTo(GlobalRefusedException.Reason.TOO_MANY_GLOBALS));
      s.setGlobal("_third", JSON.booleanNode(false)).get(10, TimeUnit.SECONDS);
      assertThat(s.globals()).hasSize(3);
    }
  }

  @Test
  void theBytesANodeHoldsAreBounded() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(1).set(SchemaSettings.MAX_TOTAL_BYTES.key(), "2KiB").start()) {
      Schema s = Schema.of(c.node(0));
      s.setGlobal("a", JSON.textNode("x".repeat(1000))).get(10, TimeUnit.SECONDS);
      s.setGlobal("b", JSON.textNode("y".repeat(900))).get(10, TimeUnit.SECONDS);
      Throwable refused = failureOf(s.setGlobal("c", JSON.textNode("z".repeat(500))));
      assertThat(refused).isInstanceOf(GlobalRefusedException.class).hasMessageContaining(SchemaSettings.MAX_TOTAL_BYTES.key());
      assertThat(((GlobalRefusedException) refused).reason()).isEqualTo(GlobalRefusedException.Reason.TOO_MANY_BYTES);
      s.removeGlobal("a").get(10, TimeUnit.SECONDS);
      s.setGlobal("c", JSON.textNode("z".repeat(500))).get(10, TimeUnit.SECONDS);
      assertThat(s.globals()).containsOnlyKeys("b", "c");
    }
  }

  @Test
  void aFloodOfLocalWritesIsRateLimitedAndTheNodeKeepsWorking() throws Exception {
    try (TestCluster c = TestCluster.builder().nodes(2).seed(3).set(SchemaSettings.MAX_WRITES_PER_SECOND.key(), "10")
        .start()) {
      Schema s = Schema.of(c.node(0));
      int accepted = 0;
      int limited = 0;
      List<CompletableFuture<Global>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        writes.add(s.setGlobal("flood", JSON.numberNode(i)));
      }
      for (CompletableFuture<Global> w : writes) {
        try {
          w.get(10, TimeUnit.SECONDS);
          accepted++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(RateLimitedException.class)
              .hasMessageContaining(SchemaSettings.MAX_WRITES_PER_SECOND.key());
          limited++;
        }
      }
      assertThat(accepted).as("a burst of twice the rate passes").isBetween(20, 40);
      assertThat(limited).isEqualTo(200 - accepted);
      assertThat(s.stats().rateLimited()).isEqualTo(limited);
      // Once the bucket refills, writes pass again and reach the other node; storage is unaffected.
      await().atMost(Duration.ofSeconds(5)).until(() -> !s.setGlobal("after", JSON.textNode("ok")).handle(
          (g, e) -> e != null).get());
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(c.node(1)).getGlobal("after").isPresent());
      c.node(0).storage().put("ns", "k", JSON.textNode("v")).get(10, TimeUnit.SECONDS);
      assertThat(c.node(1).storage().get("ns", "k").get(10, TimeUnit.SECONDS)).isPresent();
    }
  }

  @Test
  void hostileBroadcastsAreDroppedOrLimited() throws Exception {
    Probe probe = new Probe();
    try (TestCluster c = TestCluster.builder().nodes(3).seed(4).set(SchemaSettings.MAX_WRITES_PER_SECOND.key(), "5")
        .customize(b -> b.addPlugin(probe)).start()) {
      Node victim = c.node(1);
      Messaging raw = Messaging.of(c.node(0)).channel("schema");
      long rejectedBefore = Schema.of(victim).stats().rejected();
      List<JsonNode> bad = new ArrayList<>();
      bad.add(JSON.objectNode().put("op", "nope"));
      bad.add(JSON.objectNode().put("op", "set"));
      bad.add(set("ok.name", "zz-1", JSON.textNode("bad version")));
      bad.add(set("bad name", new Version(1L << 40, 7).toString(), JSON.textNode("v")));
      ObjectNode both = set("both", new Version(1L << 40, 7).toString(), JSON.textNode("v"));
      ((ObjectNode) both.get("g")).put("d", true);
      bad.add(both);
      long future = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) << 16;
      bad.add(set("future", new Version(future, 7).toString(), JSON.textNode("wins forever?")));
      for (JsonNode m : bad) {
        raw.sendAll(m).get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(victim).stats().rejected() >= rejectedBefore + 5);
      assertThat(Schema.of(victim).getGlobal("future")).isEmpty();
      assertThat(Schema.of(victim).getGlobal("both")).isEmpty();

      // One writer floods: past its burst the victim drops its broadcasts.
      long now = System.currentTimeMillis() << 16;
      for (int i = 0; i < 60; i++) {
        raw.sendAll(set("spam." + i, new Version(now + i, 99).toString(), JSON.numberNode(i))).get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(victim).stats().rateLimited() > 0);
      assertThat(Schema.of(victim).globals().keySet().stream().filter(n -> n.startsWith("spam.")).count())
          .isLessThan(60);
      // Other writers are not held back by the flooder.
      Schema.of(c.node(2)).setGlobal("legit", JSON.textNode("yes")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(victim).getGlobal("legit").isPresent());
    }
  }

  @Test
  void malformedSyncRequestsGetErrorsAndChangeNothing() throws Exception {
    Probe probe = new Probe();
    try (TestCluster c = TestCluster.builder().nodes(2).seed(6).customize(b -> b.addPlugin(probe)).start()) {
      Node victim = c.node(1);
      Schema.of(victim).setGlobal("kept", JSON.textNode("v")).get(10, TimeUnit.SECONDS);
      String digest = Schema.of(victim).digest();
      PluginContext attacker = probe.contexts.get(c.node(0));
      Contact to = attacker.dht().contact(victim.id()).orElseThrow();
      List<JsonNode> requests = List.of(
          JSON.objectNode().put("op", "unknown"),
          JSON.objectNode(),
          pull(JSON.arrayNode().add(64), JSON.objectNode()),
          pull(JSON.arrayNode().add("x"), JSON.objectNode()),
          pull(JSON.arrayNode().add(1), JSON.objectNode().put("bad name", "1-1")),
          pull(JSON.arrayNode().add(1), JSON.objectNode().put("kept", "not a version")),
          pull(JSON.arrayNode().add(1), JSON.textNode("have")),
          push(JSON.arrayNode().add(JSON.textNode("not an object"))),
          push(JSON.arrayNode().add(set("kept", "ffffffffffffffff-1", JSON.textNode("x")).get("g"))
              .add(JSON.objectNode().put("n", "kept"))));
      for (JsonNode r : requests) {
        assertThat(failureOf(attacker.dht().request(to, "schema", r))).as("%s", r)
            .hasMessageContaining("bad schema request");
      }
      assertThat(Schema.of(victim).getGlobal("kept")).contains(JSON.textNode("v"));
      assertThat(Schema.of(victim).digest()).isEqualTo(digest);
      // A well-formed exchange still works afterwards.
      Schema.of(c.node(0)).setGlobal("after", JSON.numberNode(1)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> Schema.of(victim).getGlobal("after").isPresent());
    }
  }

  private static ObjectNode set(String name, String version, JsonNode value) {
    ObjectNode m = JSON.objectNode().put("op", "set");
    m.putObject("g").put("n", name).put("ver", version).set("v", value);
    return m;
  }

  private static ObjectNode pull(JsonNode buckets, JsonNode have) {
    ObjectNode r = JSON.objectNode().put("op", "pull");
    r.set("bk", buckets);
    r.set("have", have);
    return r;
  }

  private static ObjectNode push(JsonNode entries) {
    ObjectNode r = JSON.objectNode().put("op", "push");
    r.set("e", entries);
    return r;
  }
}
