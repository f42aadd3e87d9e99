package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Node;
import dev.weft.distribution.Json;
import dev.weft.messaging.Messaging;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** What an operator uses besides the data routes: {@code /metrics}, {@code /v1/peers}, the token, {@code /ui/}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class HttpApiOpsTest {
  private static final String TOKEN = "s3cret-token-0123456789";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Node a;
  private Node b;
  private Http httpA;
  private Http secured;
  private String securedBase;

  @BeforeAll
  void start() throws Exception {
    a = TestNodes.start(31);
    resources.add(a);
    b = TestNodes.startJoined(32, a);
    resources.add(b);
    HttpApi apiA = TestNodes.serve(a, 1024 * 1024);
    resources.add(0, apiA);
    httpA = new Http(apiA.uri());
    HttpApi apiB = TestNodes.serve(b, 1024 * 1024, TOKEN);
    resources.add(0, apiB);
    securedBase = apiB.uri().toString();
    secured = new Http(apiB.uri(), "Bearer " + TOKEN);
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  @Test
  void metricsParseAsPrometheusTextAndMoveWithTraffic() throws Exception {
    Http.Answer first = httpA.get("/metrics");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain").contains("version=0.0.4"));
    PrometheusText before = PrometheusText.parse(first.text());
    assertThat(before.types).containsEntry("weft_rpcs_total", "counter").containsEntry("weft_contacts", "gauge")
        .containsKey("jvm_memory_used_bytes").containsKey("weft_stored_records");
    assertThat(before.sum("weft_contacts", Map.of())).isEqualTo(1);
    double sentBefore = before.sum("weft_rpcs_total", Map.of("outcome", "sent"));
    double servedBefore = before.sum("weft_rpcs_total", Map.of("outcome", "served"));
    double lookupsBefore = before.sum("weft_lookups_total", Map.of());
    double storedBefore = before.sum("weft_stored_records", Map.of());
    double bytesOutBefore = before.sum("weft_network_bytes_total", Map.of("direction", "out"));
    Map<String, String> puts = Map.of("route", "/v1/objects/{namespace}/{key}", "method", "PUT", "status", "200");
    Map<String, String> misses = Map.of("route", "/v1/objects/{namespace}/{key}", "method", "GET", "status", "404");
    double putsBefore = before.sum("weft_api_requests_seconds_count", puts);
    double missesBefore = before.sum("weft_api_requests_seconds_count", misses);

    assertThat(httpA.put(Http.object("metrics", "k1"), "{\"n\":1}").status()).isEqualTo(200);
    assertThat(httpA.get(Http.object("metrics", "k1")).status()).isEqualTo(200);
    assertThat(httpA.get(Http.object("metrics", "missing")).status()).isEqualTo(404);
    Messaging.of(b).sendNode(a.id(), Json.MAPPER.readTree("{\"hello\":1}")).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      PrometheusText after = PrometheusText.parse(httpA.get("/metrics").text());
      assertThat(after.sum("weft_rpcs_total", Map.of("outcome", "sent"))).isGreaterThan(sentBefore);
      assertThat(after.sum("weft_rpcs_total", Map.of("outcome", "served"))).isGreaterThan(servedBefore);
      assertThat(after.sum("weft_rpcs_total", Map.of("type", "STORE", "outcome", "sent"))).isPositive();
      assertThat(after.sum("weft_lookups_total", Map.of())).isGreaterThan(lookupsBefore);
      assertThat(after.sum("weft_lookup_hops_total", Map.of())).isPositive();
      assertThat(after.sum("weft_stored_records", Map.of())).isGreaterThan(storedBefore);
      assertThat(after.sum("weft_network_bytes_total", Map.of("direction", "out"))).isGreaterThan(bytesOutBefore);
      assertThat(after.sum("weft_messages_received_total", Map.of())).isEqualTo(1);
      assertThat(after.sum("weft_api_requests_seconds_count", puts)).isEqualTo(putsBefore + 1);
      assertThat(after.sum("weft_api_requests_seconds_count", misses)).isEqualTo(missesBefore + 1);
      assertThat(after.sum("weft_api_requests_seconds_bucket", Map.of("route", "/v1/objects/{namespace}/{key}",
          "method", "PUT", "le", "+Inf"))).isEqualTo(putsBefore + 1);
      assertThat(after.sum("weft_schema_globals", Map.of())).isZero();
    });
  }

  @Test
  void requestTimersHaveOneSeriesPerRouteNotPerKey() throws Exception {
    for (int i = 0; i < 3; i++) {
      httpA.get(Http.object("series", "key-" + i));
    }
    httpA.get("/v1/no/such/thing/" + System.nanoTime());
    PrometheusText text = PrometheusText.parse(httpA.get("/metrics").text());
    assertThat(text.samples).filteredOn(s -> s.name().equals("weft_api_requests_seconds_count"))
        .allSatisfy(s -> assertThat(s.labels().get("route")).matches("/v1/[a-z/{}]*|/metrics|/ui|other"));
    assertThat(text.sum("weft_api_requests_seconds_count", Map.of("route", "other", "status", "404")))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aSuperNodeCountsItsRelayedNodes() throws Exception {
    Node superNode = TestNodes.start(33, Map.of("weft.listen", "udp://127.0.0.1:0,ws://127.0.0.1:0"));
    resources.add(superNode);
    HttpApi api = TestNodes.serve(superNode, 1024 * 1024);
    resources.add(0, api);
    Http http = new Http(api.uri());
    assertThat(PrometheusText.parse(http.get("/metrics").text()).sum("weft_relayed_nodes", Map.of())).isZero();
    String ws = superNode.addresses().stream().filter(a -> a.scheme().equals("ws")).findFirst().orElseThrow()
        .toString();
    Node relayed = dev.weft.api.Weft.builder().listen(ws + "/relay")
        .nodeId(dev.weft.api.NodeId.random(new java.util.Random(34))).build();
    resources.add(relayed);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(PrometheusText.parse(http.get("/metrics").text()).sum("weft_relayed_nodes", Map.of())).isEqualTo(1));
    relayed.close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(PrometheusText.parse(http.get("/metrics").text()).sum("weft_relayed_nodes", Map.of())).isZero());
    superNode.close();
    // Closed: the transport's bean is gone, and the gauge says so rather than a stale figure.
    assertThat(PrometheusText.parse(http.get("/metrics").text()).sum("weft_relayed_nodes", Map.of())).isNaN();
  }

  @Test
  void peersListTheRoutingTable() throws Exception {
    Http.Answer peers = httpA.get("/v1/peers");
    assertThat(peers.status()).isEqualTo(200);
    assertThat(peers.json().get("count").asInt()).isEqualTo(1);
    assertThat(peers.json().get("peers").get(0).get("id").asText()).isEqualTo(b.id().toHex());
    assertThat(peers.json().get("peers").get(0).get("addresses").get(0).asText()).startsWith("udp://127.0.0.1:");
    assertThat(peers.json().get("peers").get(0).get("bucket").asInt()).isBetween(0, 159);
    assertThat(httpA.get("/v1/peers?x=1").status()).isEqualTo(400);
  }

  @Test
  void aTokenIsRequiredOnEveryRouteButTheUi() throws Exception {
    Http anonymous = new Http(java.net.URI.create(securedBase));
    for (String path : List.of("/v1/info", "/metrics", "/v1/peers", Http.object("n", "k"), "/nowhere")) {
      Http.Answer refused = anonymous.get(path);
      assertThat(refused.status()).as(path).isEqualTo(401);
      assertThat(refused.json().get("error").asText()).contains("requires a token");
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"weft\"");
    }
    assertThat(new Http(java.net.URI.create(securedBase), "Bearer wrong-token-0123456789").get("/v1/info").status())
        .isEqualTo(401);
    assertThat(new Http(java.net.URI.create(securedBase), TOKEN).get("/v1/info").status()).isEqualTo(401);
    assertThat(secured.get("/v1/info").status()).isEqualTo(200);
    assertThat(secured.get("/metrics").status()).isEqualTo(200);
    assertThat(anonymous.get("/ui/").status()).isEqualTo(200);
  }

  @Test
  void theUiIsServedFromTheClassPath() throws Exception {
    Http.Answer index = httpA.get("/ui/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.text()).contains("test fixture");
    Http.Answer js = httpA.get("/ui/app.js");
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(httpA.get("/ui").status()).isEqualTo(302);
    for (String path : List.of("/ui/missing.js", "/ui/%2e%2e/logback-test.xml", "/ui/..%2Flogback-test.xml",
        "/ui/.hidden", "/ui/a//b")) {
      Http.Answer answer = httpA.get(path);
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.json().get("error").asText()).as(path).startsWith("not found");
    }
    assertThat(httpA.post("/ui/", "x").status()).isEqualTo(405);
  }
}
