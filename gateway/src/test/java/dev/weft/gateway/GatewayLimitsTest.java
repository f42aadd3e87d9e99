package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.junit.jupiter.api.Test;

/** A client that floods is cut off, and others on the same node are served on time all the while. */
class GatewayLimitsTest {
  @Test
  void aFloodingClientIsCutOffWhileAWellBehavedOneKeepsBeingAnswered() throws Exception {
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (GatewayCluster nodes = new GatewayCluster(2, 81, Map.of());
        TestClient good = TestClient.ready(nodes.clientUrl(0, null));
        TestClient flooder = TestClient.ready(nodes.clientUrl(0, null));
        TestClient flooder2 = TestClient.ready(nodes.clientUrl(0, null));
        TestClient flooder3 = TestClient.ready(nodes.clientUrl(0, null))) {
      good.ok("put", TestClient.args().put("namespace", "l-ns").put("key", "k").put("value", 1));

      // The well-behaved client: a get every 40 ms (25 a second, half its rate), each timed.
      int requests = 40;
      List<Long> latenciesMs = new CopyOnWriteArrayList<>();
      List<JsonNode> failures = new CopyOnWriteArrayList<>();
      AtomicInteger sent = new AtomicInteger();
      ScheduledFuture<?> paced = pacer.scheduleAtFixedRate(() -> {
        if (sent.getAndIncrement() >= requests) {
          return;
        }
        long start = System.nanoTime();
        good.call("get", TestClient.args().put("namespace", "l-ns").put("key", "k")).thenAccept(res -> {
          latenciesMs.add((System.nanoTime() - start) / 1_000_000);
          if (!res.get("ok").asBoolean()) {
            failures.add(res);
          }
        });
      }, 0, 40, TimeUnit.MILLISECONDS);

      // Once the well-behaved client is under way, three flooders write as many requests as they can, far over
      // 50 a second each.
      await().atMost(Duration.ofSeconds(10)).until(() -> latenciesMs.size() >= 5);
      for (TestClient f : List.of(flooder, flooder2, flooder3)) {
        int flooded = flood(f);
        TestClient.Closed cut = f.closed.get(20, TimeUnit.SECONDS);
        assertThat(cut.code()).as("%s (client error: %s)", cut, f.lastError).isEqualTo(4429);
        assertThat(cut.reason()).contains("rate-limited");
        // 100 answered (the burst), then 50 refused as rate-limited, then the cut.
        assertThat(flooded).as("requests written before the cut").isGreaterThan(150);
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> latenciesMs.size() == requests);
      paced.cancel(false);
      assertThat(failures).isEmpty();
      assertThat(latenciesMs.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("slowest answer to the well-behaved client, ms").isLessThan(1000);
      // Still served after the flooder is gone.
      assertThat(good.ok("info", TestClient.args()).get("id").asText()).isEqualTo(good.id());
    } finally {
      pacer.shutdownNow();
    }
  }

  /**
   * Writes 400 requests at once (or until the connection is closed), over twice what the limits let through before
   * the cut; returns how many were written.
   */
  private static int flood(TestClient c) {
    int n = 0;
    try {
      for (; n < 400 && !c.closed.isDone(); n++) {
        c.send("{\"t\":\"req\",\"rid\":" + n + ",\"op\":\"get\",\"namespace\":\"l-ns\",\"key\":\"k\"}");
      }
    } catch (WebsocketNotConnectedException e) {
      // Cut off while writing.
    }
    return n;
  }

  @Test
  void requestsOverTheRateAreRefusedBeforeTheClientIsCutOff() throws Exception {
    try (GatewayCluster nodes = new GatewayCluster(1, 82, Map.of(GatewaySettings.REQUESTS_PER_SECOND.key(), "1",
        GatewaySettings.BURST.key(), "3", GatewaySettings.MAX_REFUSED.key(), "20"));
        TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      List<JsonNode> answers = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 10; i++) {
        c.call("info", TestClient.args()).thenAccept(answers::add);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 10);
      assertThat(answers.stream().filter(a -> a.get("ok").asBoolean()).count()).isBetween(3L, 4L);
      assertThat(answers).filteredOn(a -> !a.get("ok").asBoolean())
          .allSatisfy(a -> assertThat(a.get("error").get("code").asText()).isEqualTo("rate-limited"));
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void aFullNodeTurnsClientsAway() throws Exception {
    try (GatewayCluster nodes = new GatewayCluster(1, 83, Map.of(GatewaySettings.MAX_CLIENTS.key(), "2"));
        TestClient a = TestClient.ready(nodes.clientUrl(0, null));
        TestClient b = TestClient.ready(nodes.clientUrl(0, null));
        TestClient c = TestClient.open(nodes.clientUrl(0, null))) {
      TestClient.Closed closed = c.closed.get(10, TimeUnit.SECONDS);
      assertThat(closed.code()).isEqualTo(4503);
      assertThat(closed.reason()).contains("2 clients");
      a.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (TestClient d = TestClient.open(nodes.clientUrl(0, null))) {
          assertThat(d.hello.get(10, TimeUnit.SECONDS).get("id").asText()).hasSize(40);
        }
      });
      assertThat(b.ok("info", TestClient.args()).get("id").asText()).isEqualTo(b.id());
    }
  }

  @Test
  void aNodeWithoutTheOptionalModulesOffersStorageOnly() throws Exception {
    try (GatewayCluster nodes = new GatewayCluster(1, 84, Map.of("weft.plugins.disabled", "messaging,schema,pht,query"));
        TestClient c = TestClient.ready(nodes.clientUrl(0, null))) {
      assertThat(c.hello.get().get("modules")).extracting(JsonNode::asText).containsExactly("storage");
      JsonNode e = c.error("sendAll", TestClient.args().put("message", 1));
      assertThat(e.get("code").asText()).isEqualTo("unsupported");
      assertThat(e.get("message").asText()).contains("messaging");
      assertThat(c.error("pht.create", TestClient.args().put("index", "x").put("type", "long")).get("code").asText())
          .isEqualTo("unsupported");
      c.ok("put", TestClient.args().put("namespace", "m").put("key", "k").put("value", true));
      assertThat(c.ok("get", TestClient.args().put("namespace", "m").put("key", "k")).get("value").asBoolean())
          .isTrue();
    }
  }
}
