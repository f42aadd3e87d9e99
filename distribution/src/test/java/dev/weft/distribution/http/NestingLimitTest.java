package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.JsonLimits;
import dev.weft.distribution.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Values nested up to {@link JsonLimits#MAX_NESTING} reach other nodes; deeper ones are refused with 400 where they
 * enter. (Found while checking the nesting limits for the fuzz tests: the API took values the wire cannot carry — a stored object 63 or 64 deep reached only
 * the writer's own store, and a broadcast 63 deep or a message 60 deep failed to encode on the event loop, leaving
 * the request to time out with 503.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class NestingLimitTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Http apiA;
  private Http apiB;

  @BeforeAll
  void startNodes() throws Exception {
    List<HttpApi> apis = TestNodes.servedPair(1, 200 * 1024, resources);
    apiA = new Http(apis.get(0).uri());
    apiB = new Http(apis.get(1).uri());
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  @Test
  void anObjectAtTheLimitIsStoredOnBothNodesOneLevelDeeperIsRefused() throws Exception {
    String atLimit = nested(JsonLimits.MAX_NESTING);
    Http.Answer put = apiA.put("/v1/objects/deep/ok", atLimit);
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.json().get("acknowledged").asInt()).isEqualTo(2);
    assertThat(apiB.get("/v1/objects/deep/ok").json().get("value")).isEqualTo(Json.parse(atLimit));

    for (int depth : new int[] {JsonLimits.MAX_NESTING + 1, 63, 64, 1000}) {
      Http.Answer refused = apiA.put("/v1/objects/deep/no" + depth, nested(depth));
      assertThat(refused.status()).as("depth %d: %s", depth, refused.text()).isEqualTo(400);
    }
  }

  @Test
  void messagesAndBroadcastsDeeperThanTheLimitAreRefusedNotLeftToTimeOut() throws Exception {
    for (String path : List.of("/v1/messages/key/deep/k", "/v1/messages/all")) {
      assertThat(apiA.post(path, nested(JsonLimits.MAX_NESTING)).status()).as(path).isEqualTo(200);
      Http.Answer refused = apiA.post(path, nested(63));
      assertThat(refused.status()).as("%s: %s", path, refused.text()).isEqualTo(400);
      assertThat(refused.json().get("error").asText()).contains("nests deeper than 32");
    }
  }

  @Test
  void globalsDeeperThanTheLimitAreRefused() throws Exception {
    assertThat(apiA.put("/v1/schema/globals/deep-ok", nested(JsonLimits.MAX_NESTING)).status()).isEqualTo(200);
    assertThat(apiA.put("/v1/schema/globals/deep-no", nested(JsonLimits.MAX_NESTING + 1)).status()).isEqualTo(400);
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }
}
