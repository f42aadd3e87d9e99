package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /v1/sql} against the real query plugin of two joined nodes, each with its own API: a table created and
 * filled through one node's API is read through the other's, and errors keep their statuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class SqlOverHttpTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Http first;
  private Http second;
  private java.net.URI secondUri;

  @BeforeAll
  void start() throws Exception {
    Map<String, String> settings = Map.of("weft.query.ddl-settle", "100ms");
    Node a = TestNodes.start(71, settings);
    resources.add(a);
    Node b = TestNodes.startJoined(72, settings, a);
    resources.add(b);
    HttpApi apiA = TestNodes.serve(a, 1 << 20);
    HttpApi apiB = TestNodes.serve(b, 1 << 20);
    resources.add(0, apiA);
    resources.add(0, apiB);
    first = new Http(apiA.uri());
    second = new Http(apiB.uri());
    secondUri = apiB.uri();
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  @Test
  void rowsWrittenThroughOneNodeAreReadThroughTheOther() throws Exception {
    Http.Answer created = first.post("/v1/sql", "{\"sql\":\"CREATE TABLE items (id INTEGER PRIMARY KEY,"
        + " price DECIMAL(8, 2), name TEXT)\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    Http.Answer inserted = first.post("/v1/sql", "{\"sql\":\"INSERT INTO items VALUES (?, ?, ?), (2, 3.5, 'b')\","
        + "\"params\":[1, 12.25, \"a\"]}");
    assertThat(inserted.json().get("updated").asLong()).as(inserted.text()).isEqualTo(2);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
        second.post("/v1/sql", "{\"sql\":\"SELECT COUNT(*) AS n FROM items\"}").status() == 200);
    Http.Answer read = second.post("/v1/sql", "{\"sql\":\"SELECT id, price, name FROM items ORDER BY id\"}");
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(read.json().get("rows")).isEqualTo(Http.parse("[[1,12.25,\"a\"],[2,3.50,\"b\"]]"));
    assertThat(read.json().get("coverage").get("complete").asBoolean()).isTrue();

    Http.Answer dup = second.post("/v1/sql", "{\"sql\":\"INSERT INTO items VALUES (1, 1, 'again')\"}");
    assertThat(dup.status()).as(dup.text()).isEqualTo(409);
    assertThat(dup.text()).contains("duplicate key");
    Http.Answer syntax = second.post("/v1/sql", "{\"sql\":\"SELECT FROM WHERE\"}");
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.text()).contains("line 1, column");
  }

  @Test
  void aWatchStreamsTheAnswerThenItsChanges() throws Exception {
    assertThat(first.post("/v1/sql", "{\"sql\":\"CREATE TABLE board (id INTEGER PRIMARY KEY, done BOOLEAN)\"}")
        .status()).isEqualTo(200);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
        second.post("/v1/sql", "{\"sql\":\"SELECT COUNT(*) FROM board\"}").status() == 200);
    first.post("/v1/sql", "{\"sql\":\"INSERT INTO board VALUES (1, FALSE), (2, TRUE)\"}");
    try (StreamClient watch = new StreamClient(secondUri, "/v1/sql/watch",
        "{\"sql\":\"SELECT id FROM board WHERE NOT done\"}")) {
      JsonNode answer = watch.awaitLine("type", "answer");
      assertThat(answer.get("rows")).isEqualTo(Http.parse("[[1]]"));
      assertThat(answer.get("columns").get(0).get("name").asText()).isEqualTo("id");
      assertThat(answer.get("coverage").get("complete").asBoolean()).isTrue();
      first.post("/v1/sql", "{\"sql\":\"UPDATE board SET done = TRUE WHERE id = 1\"}");
      JsonNode change = watch.awaitLine("type", "change");
      assertThat(change.get("removed")).isEqualTo(Http.parse("[[1]]"));
      assertThat(change.get("added")).isEqualTo(Http.parse("[]"));
      assertThat(change.get("closed").asBoolean()).isFalse();
    }
    try (StreamClient bad = new StreamClient(secondUri, "/v1/sql/watch", "{\"sql\":\"SELECT * FROM nowhere\"}")) {
      JsonNode error = bad.awaitLine("type", "error");
      assertThat(error.get("error").get("code").asText()).isEqualTo("bad-request");
      assertThat(error.get("closed").asBoolean()).isTrue();
    }
    assertThat(second.post("/v1/sql/watch", "{\"sql\": 3}").status()).isEqualTo(400);
  }
}
