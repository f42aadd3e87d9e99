package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.CoreSettings;
import dev.weft.api.Node;
import dev.weft.api.Version;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import dev.weft.schema.SchemaSettings;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schema routes over real nodes: {@code a}, {@code b} and {@code c} form a network of three (b and c joined
 * through a), each with its API. Nodes of their own, alone, have small schema limits ({@code full}: one global of at
 * most 64 bytes; {@code slow}: one write a second) or no schema plugin ({@code bare}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class SchemaApiTest {
  private static final int MAX_REQUEST = 200 * 1024;
  private static final Duration WAIT = StreamClient.WAIT;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<StreamClient> watchers = new ArrayList<>();
  private Http apiA;
  private Http apiB;
  private Http apiC;
  private HttpApi serverB;
  private HttpApi serverC;
  private Http apiFull;
  private Http apiSlow;
  private Http apiBare;

  @BeforeAll
  void startNodes() throws Exception {
    Node a = start(TestNodes.start(41));
    Node b = start(TestNodes.startJoined(42, a));
    Node c = start(TestNodes.startJoined(43, a));
    apiA = new Http(serve(a).uri());
    serverB = serve(b);
    apiB = new Http(serverB.uri());
    serverC = serve(c);
    apiC = new Http(serverC.uri());
    apiFull = new Http(serve(start(TestNodes.start(44, Map.of(SchemaSettings.MAX_GLOBALS.key(), "1",
        SchemaSettings.MAX_VALUE_BYTES.key(), "64")))).uri());
    apiSlow = new Http(serve(start(TestNodes.start(45, Map.of(SchemaSettings.MAX_WRITES_PER_SECOND.key(), "1")))).uri());
    // Without schema, and so without query, which needs it.
    apiBare = new Http(serve(start(TestNodes.start(46, Map.of(CoreSettings.PLUGINS_DISABLED.key(),
        "schema,query")))).uri());
  }

  private Node start(Node node) {
    resources.add(node);
    return node;
  }

  private HttpApi serve(Node node) throws Exception {
    HttpApi api = TestNodes.serve(node, MAX_REQUEST);
    // Closed first: the API before its node.
    resources.add(0, api);
    return api;
  }

  private StreamClient watch(HttpApi api) throws Exception {
    StreamClient w = new StreamClient(api.uri(), "/v1/schema/watch");
    watchers.add(w);
    return w;
  }

  @AfterEach
  void closeWatchers() {
    watchers.forEach(StreamClient::close);
    watchers.clear();
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  private static String global(String name) {
    return "/v1/schema/globals/" + Urls.encodeSegment(name);
  }

  /** Waits until {@code api} answers {@code GET} of the global with {@code status}, and returns that answer. */
  private static Http.Answer awaitGet(Http api, String name, int status) {
    Http.Answer[] last = new Http.Answer[1];
    await().atMost(WAIT).until(() -> {
      last[0] = api.get(global(name));
      return last[0].status() == status;
    });
    return last[0];
  }

  @Test
  void setOnOneNodeIsReadOnTheOthers() throws Exception {
    String value = "{\"hue\":\"blue\",\"n\":1.50,\"big\":123456789012345678901234567890}";
    Http.Answer put = apiA.put(global("colour"), value);
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.headers().firstValue("Content-Type")).hasValue("application/json");
    String version = put.json().get("version").asText();
    assertThat(Version.parse(version)).isNotNull();
    assertThat(put.text()).isEqualTo("{\"name\":\"colour\",\"value\":" + value + ",\"version\":\"" + version + "\"}\n");

    for (Http api : List.of(apiA, apiB, apiC)) {
      Http.Answer get = awaitGet(api, "colour", 200);
      // Exactly as written: 1.50 stays 1.50, the big integer stays whole.
      assertThat(get.text()).isEqualTo(put.text());
    }
  }

  @Test
  void watchSeesSetsAndRemovalsFromOtherNodes() throws Exception {
    StreamClient atB = watch(serverB);
    StreamClient atC = watch(serverC);
    Http.Answer put = apiA.put(global("watched"), "[1,2,3]");
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    for (StreamClient w : List.of(atB, atC)) {
      assertThat(w.awaitLine("name", "watched")).isEqualTo(put.json());
    }

    Http.Answer removed = apiC.delete(global("watched"));
    assertThat(removed.status()).as(removed.text()).isEqualTo(200);
    assertThat(removed.json()).isEqualTo(Json.parse("{\"name\":\"watched\",\"removed\":true,\"version\":\""
        + removed.json().get("version").asText() + "\"}"));
    assertThat(Version.parse(removed.json().get("version").asText()))
        .isGreaterThan(Version.parse(put.json().get("version").asText()));
    assertThat(atB.awaitLine(l -> l.path("removed").asBoolean() && l.get("name").asText().equals("watched")))
        .isEqualTo(removed.json());
    // One line per change, in the order b learned them.
    assertThat(atB.lines.stream().filter(l -> l.get("name").asText().equals("watched")))
        .containsExactly(put.json(), removed.json());

    assertThat(awaitGet(apiA, "watched", 404).json()).isEqualTo(Json.parse("{\"error\":\"not found\"}"));
  }

  @Test
  void nullIsAValueNotARemoval() throws Exception {
    Http.Answer put = apiB.put(global("nothing"), "null");
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.json().has("value")).isTrue();
    assertThat(put.json().get("value").isNull()).isTrue();
    assertThat(put.json().has("removed")).isFalse();
    assertThat(awaitGet(apiA, "nothing", 200).json()).isEqualTo(put.json());
  }

  @Test
  void listHasEveryGlobalByNameAndNoRemovedOnes() throws Exception {
    for (String name : List.of("list.b", "list.c", "list.a", "list:gone")) {
      assertThat(apiA.put(global(name), "\"" + name + "\"").status()).isEqualTo(200);
    }
    assertThat(apiA.delete(global("list:gone")).status()).isEqualTo(200);

    Http.Answer list = apiA.get("/v1/schema/globals");
    assertThat(list.status()).isEqualTo(200);
    List<JsonNode> globals = new ArrayList<>();
    list.json().get("globals").forEach(globals::add);
    List<String> names = globals.stream().map(g -> g.get("name").asText()).toList();
    assertThat(names).isSorted().contains("list.a", "list.b", "list.c").doesNotContain("list:gone");
    for (JsonNode g : globals) {
      assertThat(g.get("version").isTextual()).isTrue();
      if (g.get("name").asText().startsWith("list.")) {
        assertThat(g.get("value").asText()).isEqualTo(g.get("name").asText());
        assertThat(Json.text(g)).startsWith("{\"name\":");
      }
    }
    assertThat(list.json().fieldNames()).toIterable().containsExactly("globals");
  }

  @ParameterizedTest
  @ValueSource(strings = {"never-set", "_never.set:either"})
  void unknownGlobalIs404NotFound(String name) throws Exception {
    Http.Answer get = apiA.get(global(name));
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.json()).isEqualTo(Json.parse("{\"error\":\"not found\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad name", "-dash-first", "slash/inside", "ünï", "%41"})
  void badNameIs400(String name) throws Exception {
    Http.Answer put = apiA.put(global(name), "1");
    assertThat(put.status()).as(put.text()).isEqualTo(400);
    assertThat(put.json().get("error").asText()).startsWith("bad global name").contains("A-Z a-z 0-9");
    assertThat(apiA.delete(global(name)).status()).isEqualTo(400);
    Http.Answer get = apiA.get(global(name));
    assertThat(get.status()).as(get.text()).isEqualTo(400);
    assertThat(get.json().get("error").asText()).startsWith("bad global name");
  }

  @Test
  void nameOver128CharactersOrEmptyIs400() throws Exception {
    assertThat(apiA.put(global("n".repeat(128)), "1").status()).isEqualTo(200);
    assertThat(apiA.put(global("n".repeat(129)), "1").status()).isEqualTo(400);
    Http.Answer empty = apiA.put("/v1/schema/globals/", "1");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("error").asText()).isEqualTo("the global name must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "text", "1 2", "{\"a\":1,\"a\":2}", "NaN"})
  void badJsonIs400(String body) throws Exception {
    Http.Answer put = apiA.put(global("bad-json"), body);
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("error").asText()).startsWith("invalid JSON value: ");
    assertThat(apiA.get(global("bad-json")).status()).isEqualTo(404);
  }

  @Test
  void valueOverTheSchemaLimitOrBodyOverTheRequestLimitIs413() throws Exception {
    Http.Answer overSchema = apiFull.put(global("big"), "\"" + "x".repeat(100) + "\"");
    assertThat(overSchema.status()).isEqualTo(413);
    assertThat(overSchema.json().get("error").asText())
        .isEqualTo("value of global big is 102 bytes, over the limit of 64 bytes");
    assertThat(apiFull.get(global("big")).status()).isEqualTo(404);

    byte[] huge = ("\"" + "y".repeat(MAX_REQUEST + 10) + "\"").getBytes(StandardCharsets.UTF_8);
    Http.Answer overRequest = apiA.send("PUT", global("huge"), HttpRequest.BodyPublishers.ofByteArray(huge));
    assertThat(overRequest.status()).isEqualTo(413);
    assertThat(overRequest.json().get("error").asText()).contains("larger than the limit");
  }

  @Test
  void oneGlobalTooManyIs409() throws Exception {
    assertThat(apiFull.put(global("only"), "1").status()).isEqualTo(200);
    // The same name again replaces it: no more names than before.
    assertThat(apiFull.put(global("only"), "2").status()).isEqualTo(200);
    Http.Answer second = apiFull.put(global("another"), "1");
    assertThat(second.status()).as(second.text()).isEqualTo(409);
    assertThat(second.json().get("error").asText()).contains(SchemaSettings.MAX_GLOBALS.key());
  }

  @Test
  void writingFasterThanTheLimitIs429WithRetryAfter() throws Exception {
    // One write a second, bursts of two: of ten writes at once, the first passes and some after it do not.
    List<Http.Answer> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(i % 2 == 0 ? apiSlow.put(global("fast"), "" + i) : apiSlow.delete(global("fast")));
    }
    assertThat(answers.get(0).status()).isEqualTo(200);
    Http.Answer limited = answers.stream().filter(a -> a.status() != 200).findFirst().orElseThrow();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(limited.json().get("error").asText()).contains("faster than 1 a second")
        .contains(SchemaSettings.MAX_WRITES_PER_SECOND.key());
  }

  @Test
  void statsCountWritesAndDigestsAgreeOnceNodesConverge() throws Exception {
    assertThat(apiB.put(global("counted"), "true").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> {
      String digest = apiA.get("/v1/schema/stats").json().get("digest").asText();
      return digest.equals(apiB.get("/v1/schema/stats").json().get("digest").asText())
          && digest.equals(apiC.get("/v1/schema/stats").json().get("digest").asText());
    });
    Http.Answer b = apiB.get("/v1/schema/stats");
    assertThat(b.status()).isEqualTo(200);
    // The counters of Schema.Stats, whatever they are, and the digest.
    assertThat(b.json().fieldNames()).toIterable().contains("globals", "tombstones", "written", "fromBroadcast",
        "fromSync", "rejected", "rateLimited", "syncs", "digest");
    assertThat(b.json().get("written").asLong()).isPositive();
    assertThat(b.json().get("globals").asInt()).isPositive();
    Http.Answer a = apiA.get("/v1/schema/stats");
    assertThat(a.json().get("fromBroadcast").asLong() + a.json().get("fromSync").asLong()).isPositive();
  }

  @Test
  void syncComparesWithTheNeighbours() throws Exception {
    Http.Answer sync = apiA.send("POST", "/v1/schema/sync", HttpRequest.BodyPublishers.noBody());
    assertThat(sync.status()).as(sync.text()).isEqualTo(200);
    assertThat(sync.json().fieldNames()).toIterable().containsExactly("peers", "learned", "taught");
    // a knows b and c.
    assertThat(sync.json().get("peers").asInt()).isEqualTo(2);
    assertThat(sync.json().get("learned").isInt()).isTrue();
    assertThat(sync.json().get("taught").isInt()).isTrue();
  }

  @Test
  void nodeWithoutSchemaIs501() throws Exception {
    List<Http.Answer> answers = List.of(apiBare.get("/v1/schema/globals"), apiBare.get(global("x")),
        apiBare.put(global("x"), "1"), apiBare.delete(global("x")), apiBare.get("/v1/schema/watch"),
        apiBare.get("/v1/schema/stats"),
        apiBare.send("POST", "/v1/schema/sync", HttpRequest.BodyPublishers.noBody()));
    for (Http.Answer answer : answers) {
      assertThat(answer.status()).isEqualTo(501);
      assertThat(answer.json().get("error").asText()).contains("no schema plugin");
    }
    // The rest of the API is there.
    assertThat(apiBare.get("/v1/info").status()).isEqualTo(200);
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    Http.Answer post = apiA.send("POST", global("x"), HttpRequest.BodyPublishers.ofString("1"));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
    assertThat(apiA.put("/v1/schema/globals", "1").headers().firstValue("Allow")).hasValue("GET");
    assertThat(apiA.delete("/v1/schema/watch").status()).isEqualTo(405);
    assertThat(apiA.put("/v1/schema/stats", "1").status()).isEqualTo(405);
    Http.Answer getSync = apiA.get("/v1/schema/sync");
    assertThat(getSync.status()).isEqualTo(405);
    assertThat(getSync.headers().firstValue("Allow")).hasValue("POST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/schema", "/v1/schema/", "/v1/schema/other", "/v1/schema/globals/a/b",
      "/v1/schema/watch/x", "/v1/schema/stats/x", "/v1/schema/sync/x"})
  void unknownSchemaRoutesAre404(String path) throws Exception {
    Http.Answer answer = apiA.get(path);
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).startsWith("no such resource").contains("/v1/schema/watch");
  }

  @Test
  void queryParametersAreRejected() throws Exception {
    assertThat(apiA.get("/v1/schema/globals?name=x").status()).isEqualTo(400);
    assertThat(apiA.put(global("q") + "?ttl=1m", "1").status()).isEqualTo(400);
    assertThat(apiA.get("/v1/schema/watch?since=0").status()).isEqualTo(400);
  }
}
