package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.api.Version;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP API over real nodes: {@code a} and {@code b} form a network of two (b joined through a), each with its
 * API; {@code alone} has no peers, so its lookups fail for real.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class HttpApiTest {
  private static final int MAX_REQUEST = 200 * 1024;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Node a;
  private Node b;
  private Http apiA;
  private Http apiB;
  private Http apiAlone;

  @BeforeAll
  void startNodes() throws Exception {
    a = TestNodes.start(1);
    resources.add(a);
    b = TestNodes.startJoined(2, a);
    resources.add(b);
    Node alone = TestNodes.start(3);
    resources.add(alone);
    apiA = new Http(serve(a).uri());
    apiB = new Http(serve(b).uri());
    apiAlone = new Http(serve(alone).uri());
  }

  private HttpApi serve(Node node) throws Exception {
    HttpApi api = TestNodes.serve(node, MAX_REQUEST);
    // Closed first: the API before its node.
    resources.add(0, api);
    return api;
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  @Test
  void putThroughOneNodeAndGetThroughTheOther() throws Exception {
    Http.Answer put = apiA.put("/v1/objects/users/alice", "{\"name\":\"Alice\",\"age\":31}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(put.json().get("acknowledged").asInt()).isPositive();
    assertThat(put.json().get("attempted").asInt()).isGreaterThanOrEqualTo(put.json().get("acknowledged").asInt());
    assertThat(put.json().has("warning")).as("a node with contacts warns of nothing").isFalse();
    String version = put.json().get("version").asText();
    assertThat(Version.parse(version)).isNotNull();

    Http.Answer get = apiB.get("/v1/objects/users/alice");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json()).isEqualTo(Json.parse("{\"namespace\":\"users\",\"key\":\"alice\","
        + "\"value\":{\"name\":\"Alice\",\"age\":31},\"version\":\"" + version + "\"}"));
  }

  @Test
  void aBatchOfNdjsonLinesIsWrittenWithAResultPerLine() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      body.append("{\"namespace\":\"bulk\",\"key\":\"k").append(i).append("\",\"value\":{\"i\":").append(i)
          .append("}}\n");
    }
    body.append("\n");                                                             // line 301: blank, skipped
    body.append("not json\n");                                                     // line 302
    body.append("{\"namespace\":\"bulk\",\"key\":\"x\"}\n");                          // line 303: no value
    body.append("{\"namespace\":\"@owned\",\"key\":\"x\",\"value\":1}\n");             // line 304: owned
    body.append("{\"namespace\":\"bulk\",\"key\":\"x\",\"value\":2,\"ttl\":\"1h\"}\n");   // line 305: unknown field
    body.append("{\"namespace\":\"bulk\",\"key\":\"last\",\"value\":\"end\"}");           // line 306, no newline

    Http.Answer answer = apiA.post("/v1/objects?ttl=2h", body.toString());

    assertThat(answer.status()).isEqualTo(200);
    JsonNode results = answer.json().get("results");
    assertThat(answer.json().get("stored").asInt()).isEqualTo(301);
    assertThat(answer.json().get("failed").asInt()).isEqualTo(4);
    assertThat(results).hasSize(305);
    for (int i = 0; i < 300; i++) {
      assertThat(results.get(i).get("line").asInt()).isEqualTo(i + 1);
      assertThat(results.get(i).get("acknowledged").asInt()).as("line " + (i + 1)).isPositive();
    }
    assertThat(results.get(300).get("line").asInt()).isEqualTo(302);
    assertThat(results.get(300).get("error").asText()).isNotEmpty();
    assertThat(results.get(301).get("error").asText()).contains("\"value\" is missing");
    assertThat(results.get(302).get("error").asText()).contains("owned");
    assertThat(results.get(303).get("error").asText()).contains("unknown field 'ttl'");
    assertThat(results.get(304).get("line").asInt()).isEqualTo(306);
    assertThat(results.get(304).has("version")).isTrue();
    assertThat(apiB.get("/v1/objects/bulk/k123").json().get("value")).isEqualTo(Json.parse("{\"i\":123}"));
    assertThat(apiB.get("/v1/objects/bulk/last").json().get("value").asText()).isEqualTo("end");
    assertThat(apiB.get("/v1/objects/bulk/x").status()).isEqualTo(404);

    assertThat(apiA.post("/v1/objects?ttl=soon", "").status()).isEqualTo(400);
    assertThat(apiA.post("/v1/objects?limit=1", "").status()).isEqualTo(400);
    Http.Answer empty = apiA.post("/v1/objects", "");
    assertThat(empty.json()).isEqualTo(Json.parse("{\"stored\":0,\"failed\":0,\"results\":[]}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"with space", "a/b/c", "ünï©ødé ✓ 😀", "..", ".", "%41%", "a+b", "q?x=1#frag", "~-._",
      "semi;colon", "back\\slash", "tab\tand\nnewline"})
  void namespacesAndKeysAreArbitraryTextInPathSegments(String text) throws Exception {
    String path = Http.object("ns " + text, text);
    Http.Answer put = apiA.put(path, "\"" + "value of " + text.replace("\\", "\\\\").replace("\t", "\\t")
        .replace("\n", "\\n") + "\"");
    assertThat(put.status()).as("PUT %s: %s", path, put.text()).isEqualTo(200);

    Http.Answer get = apiB.get(path);
    assertThat(get.status()).as(get.text()).isEqualTo(200);
    assertThat(get.json().get("namespace").asText()).isEqualTo("ns " + text);
    assertThat(get.json().get("key").asText()).isEqualTo(text);
    assertThat(get.json().get("value").asText()).isEqualTo("value of " + text);

    Http.Answer scan = apiA.get("/v1/objects?namespace=" + Urls.encodeSegment("ns " + text));
    assertThat(scan.json().get("items")).extracting(i -> i.get("key").asText()).containsExactly(text);
  }

  @Test
  void unencodedUnicodeAndPlusInTheQueryAreTakenAsCurlSendsThem() throws Exception {
    apiA.put(Http.object("plus ns", "k"), "1");
    String[] answer = apiA.raw("GET /v1/objects?namespace=plus+ns HTTP/1.1");
    assertThat(answer[0]).contains(" 200 ");
    assertThat(Http.parse(answer[1]).get("items")).hasSize(1);
  }

  @Test
  void bigIntegersSurviveTheRoundTrip() throws Exception {
    String value = "{\"big\":123456789012345678901234567890,\"negative\":-98765432109876543210}";
    assertThat(apiA.put("/v1/objects/numbers/n", value).status()).isEqualTo(200);
    assertThat(apiB.get("/v1/objects/numbers/n").text()).contains(value);
  }

  /** The body of {@code PUT /v1/objects/{ns}/{key}/signed}; {@code value} null for a tombstone. */
  private static String signedBody(dev.weft.api.RecordSigner signer, String ns, String key, String value,
      Version version, long expires) {
    byte[] bytes = value == null ? new byte[0] : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String sig = java.util.Base64.getEncoder().encodeToString(signer.sign(ns, key, version, expires, value == null,
        bytes));
    return Json.MAPPER.createObjectNode().put("value", value).put("version", version.toString())
        .put("expires", expires).put("signature", sig).toString().replace("\"value\":null", "\"tombstone\":true");
  }

  @Test
  void signedRecordsAreStoredAsTheOwnerSignedThem() throws Exception {
    dev.weft.api.RecordSigner owner = dev.weft.testkit.TestSigners.seeded(51);
    String ns = owner.namespace("api");
    String path = Http.object(ns, "k");
    long now = System.currentTimeMillis();
    Version v1 = new Version(now << 16, 9);
    Http.Answer put = apiA.put(path + "/signed", signedBody(owner, ns, "k", "{\"n\":1.50}", v1, now + 3_600_000));
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.json().get("version").asText()).isEqualTo(v1.toString());
    Http.Answer get = apiB.get(path);
    assertThat(get.json().get("value").toString()).isEqualTo("{\"n\":1.50}");
    assertThat(get.json().get("owner").asText()).isEqualTo(ns.substring(1, 44));

    // A plain PUT or DELETE into an owned namespace, and signatures that do not verify: 400, nothing changes.
    Version v2 = new Version(v1.timestamp() + 1, 9);
    String forged = signedBody(owner, ns, "k", "2", v2, now + 3_600_000).replace("\"2\"", "\"3\"");
    String otherKey = signedBody(dev.weft.testkit.TestSigners.seeded(52), dev.weft.testkit.TestSigners.seeded(52)
        .namespace("api"), "k", "2", v2, now + 3_600_000);
    String ahead = signedBody(owner, ns, "k", "2", new Version((now + 600_000) << 16, 9), now + 3_600_000);
    for (Http.Answer refused : List.of(apiA.put(path, "2"), apiA.delete(path), apiA.put(path + "/signed", forged),
        apiA.put(path + "/signed", otherKey), apiA.put(path + "/signed", ahead),
        apiA.put(path + "/signed", "{\"value\":\"2\",\"version\":\"" + v2 + "\",\"expires\":1,\"signature\":\"AA\"}"),
        apiA.put(path + "/signed", "{\"value\":\"2\",\"extra\":1}"),
        apiA.put(Http.object("plain", "k") + "/signed", signedBody(owner, ns, "k", "2", v2, now + 3_600_000)))) {
      assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    }
    assertThat(apiA.put(path + "/signed", forged).json().get("error").asText()).contains("signature");
    assertThat(apiB.get(path).json().get("version").asText()).isEqualTo(v1.toString());

    // The owner's signed tombstone deletes it.
    Http.Answer delete = apiB.put(path + "/signed", signedBody(owner, ns, "k", null, v2, now + 3_600_000));
    assertThat(delete.status()).as(delete.text()).isEqualTo(200);
    assertThat(apiA.get(path).status()).isEqualTo(404);
  }

  @Test
  void missingObjectIs404NotFound() throws Exception {
    Http.Answer get = apiB.get("/v1/objects/users/nobody");
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.json()).isEqualTo(Json.parse("{\"error\":\"not found\"}"));
  }

  @Test
  void deleteThenGetIsNotFound() throws Exception {
    assertThat(apiA.put("/v1/objects/tmp/x", "[1,2,3]").status()).isEqualTo(200);
    Http.Answer delete = apiB.delete("/v1/objects/tmp/x");
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.json().get("acknowledged").asInt()).isPositive();
    assertThat(delete.json().has("version")).isTrue();
    assertThat(apiA.get("/v1/objects/tmp/x").status()).isEqualTo(404);
    assertThat(apiB.get("/v1/objects/tmp/x").status()).isEqualTo(404);
  }

  @Test
  void lookupThatCannotAskAnyoneIs503() throws Exception {
    Http.Answer get = apiAlone.get("/v1/objects/users/nobody");
    assertThat(get.status()).isEqualTo(503);
    assertThat(get.json().get("error").asText()).startsWith("lookup failed: ");
  }

  @Test
  void scanFollowsPagesInOrder() throws Exception {
    List<String> keys = IntStream.range(0, 25).mapToObj(i -> String.format("k%02d", i)).toList();
    List<CompletableFuture<Http.Answer>> puts = new ArrayList<>();
    for (String k : keys) {
      puts.add(CompletableFuture.supplyAsync(() -> {
        try {
          return apiA.put("/v1/objects/paged/" + k, "{\"k\":\"" + k + "\"}");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<Http.Answer> p : puts) {
      assertThat(p.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Answer page = apiA.get("/v1/objects?namespace=paged&limit=10" + (cursor == null ? "" : "&after=" + cursor));
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      for (JsonNode item : page.json().get("items")) {
        assertThat(item.get("namespace").asText()).isEqualTo("paged");
        assertThat(item.get("value").get("k").asText()).isEqualTo(item.get("key").asText());
        assertThat(item.get("version").asText()).isNotEmpty();
        seen.add(item.get("key").asText());
      }
      JsonNode next = page.json().get("next");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).containsExactlyElementsOf(keys);
    assertThat(pages).isBetween(3, 4);
  }

  @Test
  void scanWithoutNamespaceListsEverything() throws Exception {
    apiA.put("/v1/objects/all-1/k", "1");
    apiA.put("/v1/objects/all-2/k", "2");
    Http.Answer page = apiA.get("/v1/objects?limit=1000");
    assertThat(page.json().get("items")).extracting(i -> i.get("namespace").asText()).contains("all-1", "all-2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"limit=0", "limit=1001", "limit=x", "after=%%%", "after=bm9wZQ", "namespace=",
      "colour=blue", "limit=1&limit=2"})
  void badScanParametersAre400(String query) throws Exception {
    String[] answer = apiA.raw("GET /v1/objects?" + query + " HTTP/1.1");
    assertThat(answer[0]).contains(" 400 ");
    assertThat(Http.parse(answer[1]).get("error").asText()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "{\"a\":1}x", "1 2", "text", "{\"a\":1,\"a\":2}", "NaN", "'single'"})
  void badJsonIs400(String body) throws Exception {
    Http.Answer put = apiA.put("/v1/objects/bad/json", body);
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.json().get("error").asText()).startsWith("invalid JSON value: ");
    assertThat(apiA.get("/v1/objects/bad/json").status()).isEqualTo(404);
  }

  @Test
  void invalidUtf8BodyIs400() throws Exception {
    Http.Answer put = apiA.send("PUT", "/v1/objects/bad/utf8",
        HttpRequest.BodyPublishers.ofByteArray(new byte[] {'"', (byte) 0xc3, (byte) 0x28, '"'}));
    assertThat(put.status()).isEqualTo(400);
  }

  @Test
  void valueOverTheNodesLimitIs413() throws Exception {
    String big = "\"" + "x".repeat(100 * 1024) + "\"";
    Http.Answer put = apiA.put("/v1/objects/big/value", big);
    assertThat(put.status()).isEqualTo(413);
    assertThat(put.json().get("error").asText()).contains("over the limit");
  }

  @Test
  void bodyOverTheRequestLimitIs413WithOrWithoutContentLength() throws Exception {
    byte[] huge = ("\"" + "y".repeat(MAX_REQUEST + 10) + "\"").getBytes(StandardCharsets.UTF_8);
    // Announced, not sent: the refusal comes before the body, so it cannot race the server's close of the connection.
    String[] sized = apiA.raw("PUT /v1/objects/big/body HTTP/1.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + huge.length);
    assertThat(sized[0]).contains(" 413 ");
    assertThat(Http.parse(sized[1]).get("error").asText()).contains("larger than the limit");

    // Chunked: no Content-Length, so the limit is found while reading.
    Http.Answer chunked = apiA.send("PUT", "/v1/objects/big/body",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)));
    assertThat(chunked.status()).isEqualTo(413);

    assertThat(apiA.get("/v1/info").status()).isEqualTo(200);
  }

  @Test
  void tooLongKeyIsRejectedByTheNodeAs400() throws Exception {
    Http.Answer put = apiA.put(Http.object("ns", "k".repeat(5000)), "1");
    assertThat(put.status()).isEqualTo(400);
  }

  @Test
  void ttlIsValidated() throws Exception {
    assertThat(apiA.put("/v1/objects/ttl/ok?ttl=5m", "1").status()).isEqualTo(200);
    Http.Answer bad = apiA.put("/v1/objects/ttl/bad?ttl=soon", "1");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText()).contains("ttl").contains("soon");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1", "/v2/info", "/v1/info/", "/v1/objects/only-namespace", "/v1/objects/a/b/c",
      "/v1/nothing", "/favicon.ico"})
  void unknownRoutesAre404(String path) throws Exception {
    Http.Answer answer = apiA.get(path);
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).startsWith("no such resource");
  }

  @Test
  void emptyNamespaceOrKeyIs400() throws Exception {
    assertThat(apiA.get("/v1/objects//k").status()).isEqualTo(400);
    assertThat(apiA.get("/v1/objects/ns/").status()).isEqualTo(400);
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    Http.Answer post = apiA.send("POST", "/v1/objects/a/b", HttpRequest.BodyPublishers.ofString("1"));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, PUT, DELETE");
    assertThat(post.json().get("error").asText()).contains("POST");

    Http.Answer deleteInfo = apiA.delete("/v1/info");
    assertThat(deleteInfo.status()).isEqualTo(405);
    assertThat(deleteInfo.headers().firstValue("Allow")).hasValue("GET");
    assertThat(apiA.send("PATCH", "/v1/objects", HttpRequest.BodyPublishers.noBody()).status()).isEqualTo(405);
  }

  @Test
  void badPercentEncodingIs400AndJson() throws Exception {
    String[] answer = apiA.raw("GET /v1/objects/ns/%zz HTTP/1.1");
    assertThat(answer[0]).contains(" 400 ");
    assertThat(Http.parse(answer[1]).get("error").asText()).isNotBlank();

    String[] notUtf8 = apiA.raw("GET /v1/objects/ns/%C3%28 HTTP/1.1");
    assertThat(notUtf8[0]).contains(" 400 ");
  }

  @Test
  void garbageRequestsDoNotHurtTheServer() throws Exception {
    apiA.raw("NONSENSE");
    apiA.raw("GET /v1/info HTTP/9.9");
    apiA.raw("GET " + "/x".repeat(20_000) + " HTTP/1.1");
    assertThat(apiA.get("/v1/info").status()).isEqualTo(200);
  }

  @Test
  void aNodeThatKnowsNoOtherSaysSoOnWritesAndInfo() throws Exception {
    Http.Answer put = apiAlone.put("/v1/objects/alone/k", "1");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().get("acknowledged").asInt()).isEqualTo(1);
    assertThat(put.json().get("warning").asText()).isEqualTo(ApiHandler.ALONE).contains("knows no other node");
    assertThat(apiAlone.delete("/v1/objects/alone/k").json().get("warning").asText()).isEqualTo(ApiHandler.ALONE);
    Http.Answer info = apiAlone.get("/v1/info");
    assertThat(info.json().get("contacts").asInt()).isZero();
    assertThat(info.json().get("warning").asText()).isEqualTo(ApiHandler.ALONE);
    assertThat(apiA.get("/v1/info").json().has("warning")).isFalse();
  }

  @Test
  void infoHasIdAddressesContactsAndStored() throws Exception {
    apiA.put("/v1/objects/info/k", "true");
    Http.Answer info = apiA.get("/v1/info");
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.json().get("id").asText()).isEqualTo(a.id().toHex());
    assertThat(info.json().get("addresses")).extracting(JsonNode::asText)
        .containsExactlyElementsOf(a.addresses().stream().map(Object::toString).toList());
    assertThat(info.json().get("contacts").asInt()).isEqualTo(1);
    assertThat(info.json().get("stored").asLong()).isPositive();
    JsonNode contact = info.json().get("buckets").get(0).get("contacts").get(0);
    assertThat(contact.get("contact").get("id").asText()).isEqualTo(b.id().toHex());
    assertThat(info.json().get("weftVersion").asText()).isNotBlank();
  }

  @Test
  void statsCountRpcs() throws Exception {
    Http.Answer stats = apiB.get("/v1/stats");
    assertThat(stats.status()).isEqualTo(200);
    assertThat(stats.json().get("rpcs").isObject()).isTrue();
    assertThat(stats.json().get("messagesOut").asLong()).isPositive();
    assertThat(stats.json().has("lookupHops")).isTrue();
  }

  @Test
  void unknownQueryParameterIs400() throws Exception {
    assertThat(apiA.get("/v1/info?verbose=1").status()).isEqualTo(400);
    assertThat(apiA.get("/v1/objects/a/b?x=1").status()).isEqualTo(400);
  }

  @Test
  void manyConcurrentRequestsAllComplete() throws Exception {
    Random random = new Random(42);
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String key = "c" + random.nextInt(8);
      boolean write = random.nextBoolean();
      answers.add(CompletableFuture.supplyAsync(() -> {
        try {
          return write ? apiA.put("/v1/objects/concurrent/" + key, "1").status()
              : apiB.get("/v1/objects/concurrent/" + key).status();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<Integer> answer : answers) {
      assertThat(answer.get(30, TimeUnit.SECONDS)).isIn(200, 404);
    }
  }
}
