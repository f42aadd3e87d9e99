package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.CoreSettings;
import dev.weft.api.Node;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import dev.weft.pht.PhtSettings;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * The pht routes over real nodes: {@code a}, {@code b} and {@code c} form a network of three (b and c joined through
 * a), each with its API, and take values of up to 8 KiB. Nodes of their own, alone, have no pht plugin ({@code bare})
 * or no network to ask ({@code alone}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class PhtApiTest {
  private static final int MAX_VALUE = 8 * 1024;
  private static final Map<String, String> SETTINGS = Map.of(PhtSettings.MAX_VALUE_BYTES.key(), "" + MAX_VALUE);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Http apiA;
  private Http apiB;
  private Http apiC;
  private Http apiBare;
  private Http apiAlone;

  @BeforeAll
  void startNodes() throws Exception {
    Node a = start(TestNodes.start(51, SETTINGS));
    Node b = start(TestNodes.startJoined(52, SETTINGS, a));
    Node c = start(TestNodes.startJoined(53, SETTINGS, a));
    apiA = serve(a);
    apiB = serve(b);
    apiC = serve(c);
    apiBare = serve(start(TestNodes.start(54, Map.of(CoreSettings.PLUGINS_DISABLED.key(), "pht,query"))));
    apiAlone = serve(start(TestNodes.start(55)));
  }

  private Node start(Node node) {
    resources.add(node);
    return node;
  }

  private Http serve(Node node) throws Exception {
    HttpApi api = TestNodes.serve(node, 200 * 1024);
    // Closed first: the API before its node.
    resources.add(0, api);
    return new Http(api.uri());
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  private static String index(String name) {
    return "/v1/pht/indexes/" + Urls.encodeSegment(name);
  }

  /** A query parameter's value: JSON text, percent-encoded. */
  private static String json(String text) {
    return Urls.encodeSegment(text);
  }

  private static Http.Answer ok(Http.Answer answer) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    return answer;
  }

  private static void create(Http api, String name, String definition) throws Exception {
    ok(api.put(index(name), definition));
  }

  private static Http.Answer insert(Http api, String name, String key, String value) throws Exception {
    return api.post(index(name) + "/entries", "{\"key\":" + key + ",\"value\":" + value + "}");
  }

  /** Every entry of a range or rectangle query ({@code route}), page after page of {@code limit}. */
  private static List<JsonNode> all(Http api, String name, String route, String lo, String hi, int limit)
      throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Answer page = ok(api.get(index(name) + "/" + route + "?lo=" + json(lo) + "&hi=" + json(hi) + "&limit="
          + limit + (cursor == null ? "" : "&after=" + cursor)));
      assertThat(page.json().fieldNames()).toIterable().containsExactly("entries", "next");
      assertThat(page.json().get("entries").size()).isLessThanOrEqualTo(limit);
      page.json().get("entries").forEach(entries::add);
      JsonNode next = page.json().get("next");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(cursor).as("the last page has no next cursor").isNull();
    return entries;
  }

  private static String entry(Object key, String value) {
    return "{\"key\":" + key + ",\"value\":" + value + "}";
  }

  @Test
  void insertThroughOneNodeRangeThroughAnother() throws Exception {
    Http.Answer created = ok(apiA.put(index("nums"), "{\"type\":\"long\",\"leafCapacity\":4}"));
    assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(created.text()).isEqualTo(
        "{\"name\":\"nums\",\"type\":\"long\",\"leafCapacity\":4,\"keyBits\":64,\"maxStringBytes\":0}\n");
    assertThat(ok(apiC.get(index("nums"))).text()).isEqualTo(created.text());

    // Keys 0, ±7, ±14 ..., and a value for each that says which: enough to split leaves of 4 several times.
    List<Long> keys = IntStream.range(-15, 15).mapToObj(i -> 7L * i).toList();
    for (long k : keys) {
      Http.Answer added = insert(apiA, "nums", "" + k, "{\"k\":" + k + "}");
      assertThat(ok(added).json()).isEqualTo(Http.parse("{\"added\":true}"));
    }

    List<JsonNode> range = all(apiB, "nums", "range", "-50", "49", 4);
    List<String> expected = keys.stream().filter(k -> k >= -50 && k <= 49).map(k -> entry(k, "{\"k\":" + k + "}"))
        .toList();
    assertThat(range).extracting(Json::text).containsExactlyElementsOf(expected);
    // One page of all of it says so.
    Http.Answer whole = ok(apiC.get(index("nums") + "/range?lo=" + json("" + Long.MIN_VALUE) + "&hi="
        + json("" + Long.MAX_VALUE)));
    assertThat(whole.json().get("entries")).hasSize(keys.size());
    assertThat(whole.json().get("next").isNull()).isTrue();

    Http.Answer stats = ok(apiC.get(index("nums") + "/stats"));
    assertThat(stats.json().fieldNames()).toIterable()
        .containsExactly("index", "depth", "leaves", "internal", "entries");
    assertThat(stats.json().get("index").asText()).isEqualTo("nums");
    assertThat(stats.json().get("entries").asLong()).isEqualTo(keys.size());
    assertThat(stats.json().get("leaves").asInt()).isGreaterThanOrEqualTo(keys.size() / 4);
    assertThat(stats.json().get("internal").asInt()).isEqualTo(stats.json().get("leaves").asInt() - 1);
    assertThat(stats.json().get("depth").asInt()).isPositive();
  }

  @Test
  void entriesAreSetsReadAndRemovedThroughAnyNode() throws Exception {
    create(apiA, "sets", "{\"type\":\"long\"}");
    assertThat(ok(insert(apiA, "sets", "5", "\"b\"")).json().get("added").asBoolean()).isTrue();
    assertThat(ok(insert(apiB, "sets", "5", "{\"a\":1.50}")).json().get("added").asBoolean()).isTrue();
    assertThat(ok(insert(apiC, "sets", "5", "\"b\"")).json().get("added").asBoolean()).isFalse();
    assertThat(ok(insert(apiC, "sets", "6", "null")).json().get("added").asBoolean()).isTrue();

    String five = index("sets") + "/entries?key=5";
    // In the order of the values' JSON text; 1.50 as written.
    assertThat(ok(apiB.get(five)).text()).isEqualTo("{\"key\":5,\"values\":[\"b\",{\"a\":1.50}]}\n");
    assertThat(ok(apiC.get(index("sets") + "/entries?key=6")).json().get("values"))
        .isEqualTo(Http.parse("[null]"));
    assertThat(ok(apiA.get(index("sets") + "/entries?key=7")).json())
        .isEqualTo(Http.parse("{\"key\":7,\"values\":[]}"));

    assertThat(ok(apiC.delete(five + "&value=" + json("\"b\""))).json()).isEqualTo(Http.parse("{\"removed\":1}"));
    assertThat(ok(apiA.delete(five + "&value=" + json("\"b\""))).json().get("removed").asInt()).isZero();
    assertThat(ok(apiA.get(five)).json().get("values")).isEqualTo(Http.parse("[{\"a\":1.50}]"));
    assertThat(ok(apiB.delete(five)).json().get("removed").asInt()).isEqualTo(1);
    assertThat(ok(apiB.delete(five)).json().get("removed").asInt()).isZero();
    assertThat(ok(apiC.get(five)).json().get("values")).isEmpty();
    assertThat(ok(apiC.get(index("sets") + "/stats")).json().get("entries").asInt()).isEqualTo(1);
  }

  @Test
  void stringKeysComeInCodePointOrder() throws Exception {
    Http.Answer created = ok(apiB.put(index("names"), "{\"type\":\"string\",\"leafCapacity\":2,"
        + "\"maxStringBytes\":8}"));
    assertThat(created.json().get("keyBits").asInt()).isEqualTo(64);
    assertThat(created.json().get("maxStringBytes").asInt()).isEqualTo(8);
    for (String k : List.of("b", "ü", "ab", "Z", "a", "", "a b/c")) {
      ok(insert(apiA, "names", Json.text(Json.MAPPER.getNodeFactory().textNode(k)), "1"));
    }
    assertThat(all(apiC, "names", "range", "\"\"", "\"zzzzzzzz\"", 2)).extracting(e -> e.get("key").textValue())
        .containsExactly("", "Z", "a", "a b/c", "ab", "b");
    assertThat(all(apiC, "names", "range", "\"a\"", "\"ab\"", 100)).extracting(e -> e.get("key").textValue())
        .containsExactly("a", "a b/c", "ab");

    // 9 UTF-8 bytes: over the bound.
    Http.Answer tooLong = insert(apiA, "names", "\"ünïcode\"", "1");
    assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
    assertThat(tooLong.json().get("error").asText()).contains("bound of 8 bytes");
  }

  @Test
  void rectangleOfAPointIndexFollowsPagesInZOrder() throws Exception {
    create(apiA, "grid", "{\"type\":\"point\",\"leafCapacity\":3}");
    for (int x = -2; x <= 2; x++) {
      for (int y = -2; y <= 2; y++) {
        ok(insert(x % 2 == 0 ? apiA : apiB, "grid", "[" + x + "," + y + "]", "\"" + x + "/" + y + "\""));
      }
    }
    List<JsonNode> inside = all(apiC, "grid", "rectangle", "[-1,-1]", "[1,2]", 5);
    List<int[]> expected = new ArrayList<>();
    for (int x = -1; x <= 1; x++) {
      for (int y = -1; y <= 2; y++) {
        expected.add(new int[] {x, y});
      }
    }
    expected.sort(Comparator.comparing(p -> z(p[0], p[1]), Long::compareUnsigned));
    assertThat(inside).extracting(Json::text).containsExactlyElementsOf(expected.stream()
        .map(p -> entry("[" + p[0] + "," + p[1] + "]", "\"" + p[0] + "/" + p[1] + "\"")).toList());

    // A range of a point index is a range of z-order: from (0,0) to (1,1), the four points of that square.
    assertThat(all(apiB, "grid", "range", "[0,0]", "[1,1]", 100)).extracting(e -> Json.text(e.get("key")))
        .containsExactly("[0,0]", "[0,1]", "[1,0]", "[1,1]");

    Http.Answer notPoints = apiA.get(index("grid") + "/rectangle?lo=1&hi=2");
    assertThat(notPoints.status()).isEqualTo(400);
    assertThat(notPoints.json().get("error").asText()).isEqualTo("the corners of a rectangle are points [x, y]");
    Http.Answer upsideDown = apiA.get(index("grid") + "/rectangle?lo=" + json("[1,1]") + "&hi=" + json("[0,2]"));
    assertThat(upsideDown.status()).isEqualTo(400);
  }

  /** The z-order of a point as the index orders points: bits of x and y interleaved, x first, sign bits flipped. */
  private static long z(int x, int y) {
    long ux = (x ^ Integer.MIN_VALUE) & 0xffffffffL;
    long uy = (y ^ Integer.MIN_VALUE) & 0xffffffffL;
    long z = 0;
    for (int i = 31; i >= 0; i--) {
      z = z << 2 | (ux >>> i & 1) << 1 | (uy >>> i & 1);
    }
    return z;
  }

  @Test
  void rectangleOfAnotherIndexIs400() throws Exception {
    create(apiA, "not-points", "{\"type\":\"long\"}");
    Http.Answer rect = apiB.get(index("not-points") + "/rectangle?lo=" + json("[0,0]") + "&hi=" + json("[1,1]"));
    assertThat(rect.status()).isEqualTo(400);
    assertThat(rect.json().get("error").asText()).contains("keyed by LONG");
  }

  @Test
  void valuesOfTheLargestSizeTravelInCursorsAndQueries() throws Exception {
    create(apiA, "big", "{\"type\":\"long\"}");
    List<String> values = new ArrayList<>();
    for (char c : new char[] {'a', 'b', 'c'}) {
      // The largest value there may be, with characters that are percent-encoded three times as long.
      String value = "\"" + (c + "/").repeat((MAX_VALUE - 2) / 2) + "\"";
      values.add(value);
      ok(insert(apiA, "big", "1", value));
    }
    assertThat(all(apiB, "big", "range", "0", "1", 1)).extracting(e -> Json.text(e.get("value")))
        .containsExactlyElementsOf(values);
    Http.Answer removed = ok(apiC.delete(index("big") + "/entries?key=1&value=" + json(values.get(1))));
    assertThat(removed.json().get("removed").asInt()).isEqualTo(1);
  }

  @Test
  void valueOverTheLimitIs413() throws Exception {
    create(apiA, "limited", "{\"type\":\"long\"}");
    Http.Answer over = insert(apiB, "limited", "1", "\"" + "x".repeat(MAX_VALUE) + "\"");
    assertThat(over.status()).isEqualTo(413);
    assertThat(over.json().get("error").asText()).contains("over the limit of " + MAX_VALUE);
    assertThat(ok(apiA.get(index("limited") + "/entries?key=1")).json().get("values")).isEmpty();
  }

  @Test
  void createIsIdempotentForTheSameTypeAnd409ForAnother() throws Exception {
    Http.Answer first = ok(apiA.put(index("again"), "{\"type\":\"point\"}"));
    assertThat(first.json().get("leafCapacity").asInt()).isEqualTo(16);
    // The same type with other parameters: the index as it is.
    assertThat(ok(apiB.put(index("again"), "{\"type\":\"point\",\"leafCapacity\":8}")).text())
        .isEqualTo(first.text());
    Http.Answer other = apiC.put(index("again"), "{\"type\":\"string\"}");
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.json().get("error").asText()).isEqualTo("index again exists already, keyed by point");
    assertThat(ok(apiA.get(index("again"))).text()).isEqualTo(first.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"type\":\"float\"}", "{\"type\":\"LONG\"}", "{\"type\":null}",
      "{\"type\":\"long\",\"leafCapacity\":1}", "{\"type\":\"long\",\"leafCapacity\":1001}",
      "{\"type\":\"long\",\"leafCapacity\":\"16\"}", "{\"type\":\"long\",\"leafCapacity\":16.5}",
      "{\"type\":\"long\",\"maxStringBytes\":8}", "{\"type\":\"string\",\"leafCapacity\":8}",
      "{\"type\":\"string\",\"leafCapacity\":8,\"maxStringBytes\":101}", "{\"type\":\"long\",\"colour\":1}",
      "[\"long\"]", "\"long\"", "{", ""})
  void badDefinitionIs400AndCreatesNothing(String body) throws Exception {
    Http.Answer put = apiA.put(index("bad-definition"), body);
    assertThat(put.status()).as(put.text()).isEqualTo(400);
    assertThat(put.json().get("error").asText()).isNotBlank();
    assertThat(apiB.get(index("bad-definition")).status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad name", "ünï", "slash/inside", "a:b"})
  void badIndexNameIs400(String name) throws Exception {
    List<Http.Answer> answers = List.of(apiA.put(index(name), "{\"type\":\"long\"}"), apiA.get(index(name)),
        insert(apiA, name, "1", "1"), apiA.get(index(name) + "/entries?key=1"),
        apiA.delete(index(name) + "/entries?key=1"), apiA.get(index(name) + "/range?lo=1&hi=2"),
        apiA.get(index(name) + "/stats"));
    for (Http.Answer answer : answers) {
      assertThat(answer.status()).as(answer.text()).isEqualTo(400);
      assertThat(answer.json().get("error").asText()).startsWith("bad index name");
    }
  }

  @Test
  void indexNameOver64CharactersOrEmptyIs400() throws Exception {
    create(apiA, "n".repeat(64), "{\"type\":\"long\"}");
    assertThat(apiA.put(index("n".repeat(65)), "{\"type\":\"long\"}").status()).isEqualTo(400);
    Http.Answer empty = apiA.get("/v1/pht/indexes//stats");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("error").asText()).isEqualTo("the index name must not be empty");
  }

  @Test
  void unknownIndexIs404() throws Exception {
    Http.Answer get = apiB.get(index("never-created"));
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.json()).isEqualTo(Http.parse("{\"error\":\"not found\"}"));
    List<Http.Answer> answers = List.of(apiB.get(index("never-created") + "/stats"),
        insert(apiB, "never-created", "1", "1"), apiB.get(index("never-created") + "/entries?key=1"),
        apiB.delete(index("never-created") + "/entries?key=1"),
        apiB.get(index("never-created") + "/range?lo=1&hi=2"),
        apiB.get(index("never-created") + "/rectangle?lo=" + json("[1,1]") + "&hi=" + json("[2,2]")));
    for (Http.Answer answer : answers) {
      assertThat(answer.status()).as(answer.text()).isEqualTo(404);
      assertThat(answer.json().get("error").asText()).startsWith("not found: ").contains("never-created");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"text\"", "1.5", "9223372036854775808", "[1,2]", "{\"k\":1}", "true", "null"})
  void keyThatIsNotALongIs400(String key) throws Exception {
    create(apiA, "longs", "{\"type\":\"long\"}");
    Http.Answer insert = insert(apiB, "longs", key, "1");
    assertThat(insert.status()).as(insert.text()).isEqualTo(400);
    assertThat(apiB.get(index("longs") + "/entries?key=" + json(key)).status()).isEqualTo(400);
    assertThat(apiB.get(index("longs") + "/range?lo=" + json(key) + "&hi=5").status()).isEqualTo(400);
  }

  @Test
  void pointsAre32BitIntegers() throws Exception {
    create(apiA, "points", "{\"type\":\"point\"}");
    ok(insert(apiA, "points", "[-2147483648,2147483647]", "1"));
    for (String key : List.of("[2147483648,0]", "[1]", "[1,2,3]", "[1,\"2\"]", "[1.5,2]", "5")) {
      assertThat(insert(apiB, "points", key, "1").status()).as(key).isEqualTo(400);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"key\":1}", "{\"value\":1}", "{\"key\":1,\"value\":2,\"ttl\":3}", "[1,2]", "{", "",
      "{\"key\":1,\"value\":2}x"})
  void badEntryIs400(String body) throws Exception {
    create(apiA, "entries", "{\"type\":\"long\"}");
    Http.Answer post = apiB.post(index("entries") + "/entries", body);
    assertThat(post.status()).as(post.text()).isEqualTo(400);
    assertThat(post.json().get("error").asText()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"range?hi=1", "range?lo=1", "range?lo=x&hi=1", "range?lo=2&hi=1", "range?lo=1&hi=2&limit=0",
      "range?lo=1&hi=2&limit=1001", "range?lo=1&hi=2&after=bm9wZQ", "range?lo=1&hi=2&after=WzEsMl0",
      "range?lo=1&hi=2&colour=blue", "range?lo=1&lo=1&hi=2", "entries", "entries?key=1&value=1", "stats?x=1"})
  void badQueryIs400(String query) throws Exception {
    create(apiA, "queried", "{\"type\":\"long\"}");
    Http.Answer answer = apiC.get(index("queried") + "/" + query);
    assertThat(answer.status()).as(answer.text()).isEqualTo(400);
    assertThat(answer.json().get("error").asText()).isNotBlank();
  }

  @Test
  void cursorOfAnotherQueryOrIndexTypeIs400() throws Exception {
    create(apiA, "cursors", "{\"type\":\"long\"}");
    ok(insert(apiA, "cursors", "1", "1"));
    ok(insert(apiA, "cursors", "2", "2"));
    String next = ok(apiB.get(index("cursors") + "/range?lo=0&hi=9&limit=1")).json().get("next").asText();
    assertThat(ok(apiC.get(index("cursors") + "/range?lo=0&hi=9&limit=1&after=" + next)).json().get("entries"))
        .isEqualTo(Http.parse("[{\"key\":2,\"value\":2}]"));
    create(apiA, "other-cursors", "{\"type\":\"string\"}");
    Http.Answer elsewhere = apiC.get(index("other-cursors") + "/range?lo=" + json("\"a\"") + "&hi=" + json("\"b\"")
        + "&after=" + next);
    assertThat(elsewhere.status()).as(elsewhere.text()).isEqualTo(400);
  }

  @Test
  void nodeWithoutPhtIs501() throws Exception {
    List<Http.Answer> answers = List.of(apiBare.put(index("x"), "{\"type\":\"long\"}"), apiBare.get(index("x")),
        insert(apiBare, "x", "1", "1"), apiBare.get(index("x") + "/entries?key=1"),
        apiBare.delete(index("x") + "/entries?key=1"), apiBare.get(index("x") + "/range?lo=1&hi=2"),
        apiBare.get(index("x") + "/rectangle?lo=" + json("[1,1]") + "&hi=" + json("[2,2]")),
        apiBare.get(index("x") + "/stats"));
    for (Http.Answer answer : answers) {
      assertThat(answer.status()).isEqualTo(501);
      assertThat(answer.json().get("error").asText()).contains("no pht plugin");
    }
    assertThat(apiBare.get("/v1/info").status()).isEqualTo(200);
  }

  @Test
  void nodeThatCannotAskTheNetworkIs503() throws Exception {
    Http.Answer create = apiAlone.put(index("lonely"), "{\"type\":\"long\"}");
    assertThat(create.status()).as(create.text()).isEqualTo(503);
    assertThat(apiAlone.get(index("lonely")).status()).isEqualTo(503);
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    Http.Answer post = apiA.post(index("x"), "{}");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, PUT");
    assertThat(apiA.put(index("x") + "/entries", "{}").headers().firstValue("Allow")).hasValue("GET, POST, DELETE");
    for (String route : List.of("stats", "range", "rectangle")) {
      Http.Answer answer = apiA.delete(index("x") + "/" + route);
      assertThat(answer.status()).isEqualTo(405);
      assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
    }
    assertThat(apiA.send("PATCH", index("x") + "/range", HttpRequest.BodyPublishers.noBody()).status())
        .isEqualTo(405);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/pht", "/v1/pht/", "/v1/pht/indexes", "/v1/pht/other/x",
      "/v1/pht/indexes/x/other", "/v1/pht/indexes/x/entries/y", "/v1/pht/indexes/x/"})
  void unknownPhtRoutesAre404(String path) throws Exception {
    Http.Answer answer = apiA.get(path);
    assertThat(answer.status()).as(answer.text()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).startsWith("no such resource").contains("/v1/pht/indexes/{index}");
  }
}
