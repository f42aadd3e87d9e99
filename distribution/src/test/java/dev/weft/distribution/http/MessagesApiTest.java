package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import dev.weft.distribution.config.HostPort;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.UndeliverableException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The messaging routes over real nodes: {@code a} and {@code b} form a network of two, each with its API (short
 * heartbeats, so that the tests see them); {@code alone} has no peers. The tests of how a stream is written and ended
 * run on {@code /v1/schema/watch} as well, which shares that code ({@link NdjsonStream}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class MessagesApiTest {
  private static final int MAX_REQUEST = 200 * 1024;
  private static final Duration HEARTBEAT = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<StreamClient> listeners = new CopyOnWriteArrayList<>();
  private Node a;
  private Node b;
  private Node alone;
  private HttpApi serverA;
  private HttpApi serverB;
  private Http apiA;
  private Http apiB;
  private Http apiAlone;

  @BeforeAll
  void startNodes() throws Exception {
    a = TestNodes.start(21);
    resources.add(a);
    b = TestNodes.startJoined(22, a);
    resources.add(b);
    alone = TestNodes.start(23);
    resources.add(alone);
    serverA = serve(a, HttpApi.DEFAULT_STREAM_BUFFER);
    serverB = serve(b, HttpApi.DEFAULT_STREAM_BUFFER);
    apiA = new Http(serverA.uri());
    apiB = new Http(serverB.uri());
    apiAlone = new Http(serve(alone, HttpApi.DEFAULT_STREAM_BUFFER).uri());
  }

  private HttpApi serve(Node node, int streamBuffer) throws Exception {
    HttpApi api = HttpApi.start(node, new HttpApi.Options(new HostPort("127.0.0.1", 0), MAX_REQUEST,
        TestNodes.API_TIMEOUT, streamBuffer, HEARTBEAT));
    // Closed first: the API before its node.
    resources.add(0, api);
    return api;
  }

  @AfterEach
  void closeListeners() {
    listeners.forEach(StreamClient::close);
    listeners.clear();
  }

  @AfterAll
  void stopNodes() {
    TestNodes.closeAll(resources);
  }

  @Test
  void messageToANodeReachesItsStream() throws Exception {
    StreamClient atB = listen(serverB.uri());
    Http.Answer sent = apiA.send("POST", "/v1/messages/node/" + b.id().toHex(),
        HttpRequest.BodyPublishers.ofString("{\"hello\":\"b\",\"n\":1.50}"));
    assertThat(sent.status()).as(sent.text()).isEqualTo(200);
    assertThat(sent.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(sent.json().get("to").asText()).isEqualTo(b.id().toHex());
    String id = sent.json().get("id").asText();
    assertThat(id).isNotBlank();

    JsonNode received = atB.awaitLine("id", id);
    assertThat(received).isEqualTo(Json.parse("{\"kind\":\"node\",\"id\":\"" + id + "\",\"sender\":\""
        + a.id().toHex() + "\",\"channel\":\"user\",\"payload\":{\"hello\":\"b\",\"n\":1.50}}"));
    assertThat(received.has("namespace")).isFalse();
  }

  @Test
  void messageToAKeyReachesTheStreamOfItsNode() throws Exception {
    StreamClient atA = listen(serverA.uri());
    StreamClient atB = listen(serverB.uri());
    String namespace = "chat rooms";
    String key = "room/1 ✓";
    Http.Answer sent = apiA.send("POST", "/v1/messages/key/" + Urls.encodeSegment(namespace) + "/"
        + Urls.encodeSegment(key), HttpRequest.BodyPublishers.ofString("[1,2,3]"));
    assertThat(sent.status()).as(sent.text()).isEqualTo(200);
    String to = sent.json().get("to").asText();
    assertThat(to).isIn(a.id().toHex(), b.id().toHex());
    String id = sent.json().get("id").asText();

    JsonNode received = (to.equals(a.id().toHex()) ? atA : atB).awaitLine("id", id);
    assertThat(received.get("kind").asText()).isEqualTo("key");
    assertThat(received.get("sender").asText()).isEqualTo(a.id().toHex());
    assertThat(received.get("namespace").asText()).isEqualTo(namespace);
    assertThat(received.get("key").asText()).isEqualTo(key);
    assertThat(received.get("payload")).isEqualTo(Json.parse("[1,2,3]"));
  }

  @Test
  void messageToAllReachesEveryStream() throws Exception {
    StreamClient atA = listen(serverA.uri());
    StreamClient atB = listen(serverB.uri());
    Http.Answer sent = apiB.send("POST", "/v1/messages/all", HttpRequest.BodyPublishers.ofString("\"to everyone\""));
    assertThat(sent.status()).as(sent.text()).isEqualTo(200);
    assertThat(sent.json().get("subtrees").asInt()).isEqualTo(1);
    assertThat(sent.json().get("unreachable").asInt()).isZero();
    String id = sent.json().get("id").asText();

    for (StreamClient l : List.of(atA, atB)) {
      JsonNode received = l.awaitLine("id", id);
      assertThat(received.get("kind").asText()).isEqualTo("broadcast");
      assertThat(received.get("sender").asText()).isEqualTo(b.id().toHex());
      assertThat(received.get("payload").asText()).isEqualTo("to everyone");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/messages/stream", "/v1/schema/watch"})
  void streamIsChunkedNdjsonWithHeartbeats(String path) throws Exception {
    StreamClient atA = open(serverA.uri(), path);
    assertThat(atA.response.headers().firstValue("Content-Type")).hasValue(NdjsonStream.CONTENT_TYPE);
    assertThat(atA.response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(atA.response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    await().atMost(WAIT).until(() -> atA.heartbeats() >= 2);
    assertThat(atA.lines).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/messages/stream", "/v1/schema/watch"})
  void handlerIsRemovedWhenTheClientGoesAway(String path) throws Exception {
    // An API of its own: the streams of other tests end when they end, and must not move this count.
    HttpApi own = serve(a, HttpApi.DEFAULT_STREAM_BUFFER);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", own.address().port()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).startsWith("HTTP/1.1 200 ");
      assertThat(own.openStreams()).isEqualTo(1);
    }
    // Noticed at a write (a heartbeat at the latest): the one after the peer's reset fails.
    await().atMost(WAIT).until(() -> own.openStreams() == 0);
    assertThat(new Http(own.uri()).get("/v1/info").status()).isEqualTo(200);
  }

  @Test
  void readerThatFallsBehindIsDisconnected() throws Exception {
    HttpApi small = serve(a, 64 * 1024);
    try (Socket socket = new Socket()) {
      // A small window, and nobody reading: the node's socket buffer fills, then the stream's own.
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", small.address().port()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v1/messages/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      await().atMost(WAIT).until(() -> small.openStreams() == 1);

      Messaging messaging = Messaging.of(a);
      String big = "\"" + "m".repeat(60 * 1024) + "\"";
      JsonNode payload = Json.parse(big);
      // Far more than the socket buffers of loopback (a few MiB) and the stream's 64 KiB together.
      for (int i = 0; i < 300 && small.openStreams() > 0; i++) {
        messaging.sendNode(a.id(), payload).get(10, TimeUnit.SECONDS);
      }
      await().atMost(WAIT).until(() -> small.openStreams() == 0);

      // What the node had written arrives, then the connection ends without the final chunk.
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      try {
        in.transferTo(all);
      } catch (IOException e) {
        // a reset is an end too
      }
      String text = all.toString(StandardCharsets.UTF_8);
      assertThat(text).startsWith("HTTP/1.1 200 ").doesNotEndWith("\r\n0\r\n\r\n");
    }
    assertThat(new Http(small.uri()).get("/v1/info").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/messages/stream", "/v1/schema/watch"})
  void stoppingTheApiEndsStreamsCleanly(String path) throws Exception {
    HttpApi own = serve(a, HttpApi.DEFAULT_STREAM_BUFFER);
    StreamClient listener = open(own.uri(), path);
    own.close();
    await().atMost(WAIT).until(listener::ended);
    // Had the stream been left to the graceful stop, Jetty would have cut it after 2 s: a broken chunked body.
    assertThat(listener.failure.get()).as("a clean end of the chunked body, not a broken connection").isNull();
    assertThat(own.openStreams()).isZero();
  }

  @Test
  void noSuchNodeIs404NotFound() throws Exception {
    String nobody = NodeId.random(new Random(99)).toHex();
    Http.Answer sent = apiA.send("POST", "/v1/messages/node/" + nobody, HttpRequest.BodyPublishers.ofString("1"));
    assertThat(sent.status()).as(sent.text()).isEqualTo(404);
    assertThat(sent.json().get("error").asText()).startsWith("not found: ").contains(nobody)
        .contains("is not in the network");
  }

  @Test
  void sendingToSelfNeedsNoNetwork() throws Exception {
    StreamClient atA = listen(serverA.uri());
    Http.Answer sent = apiA.send("POST", "/v1/messages/node/" + a.id().toHex(),
        HttpRequest.BodyPublishers.ofString("{}"));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(atA.awaitLine("id", sent.json().get("id").asText()).get("sender").asText()).isEqualTo(a.id().toHex());
  }

  @Test
  void nodeWithoutPeersOwnsEveryKeyAndKnowsNoOtherNode() throws Exception {
    Http.Answer toKey = apiAlone.send("POST", "/v1/messages/key/ns/k", HttpRequest.BodyPublishers.ofString("1"));
    assertThat(toKey.status()).as(toKey.text()).isEqualTo(200);
    assertThat(toKey.json().get("to").asText()).isEqualTo(alone.id().toHex());

    Http.Answer toNode = apiAlone.send("POST", "/v1/messages/node/" + a.id().toHex(),
        HttpRequest.BodyPublishers.ofString("1"));
    assertThat(toNode.status()).as(toNode.text()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"xyz", "0123", "zz23456789012345678901234567890123456789"})
  void malformedNodeIdIs400(String id) throws Exception {
    String[] answer = apiA.raw("POST /v1/messages/node/" + id + " HTTP/1.1\r\nContent-Length: 0");
    assertThat(answer[0]).contains(" 400 ");
    assertThat(Http.parse(answer[1]).get("error").asText()).containsAnyOf("invalid node id", "percent-encoding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "text", "1 2", "{\"a\":1,\"a\":2}"})
  void badJsonIs400(String body) throws Exception {
    for (String path : List.of("/v1/messages/all", "/v1/messages/key/ns/k", "/v1/messages/node/" + b.id().toHex())) {
      Http.Answer sent = apiA.send("POST", path, HttpRequest.BodyPublishers.ofString(body));
      assertThat(sent.status()).as(path).isEqualTo(400);
      assertThat(sent.json().get("error").asText()).startsWith("invalid JSON message: ");
    }
  }

  @Test
  void messageOverTheLimitAndBodyOverTheRequestLimitAre413() throws Exception {
    String big = "\"" + "x".repeat(100 * 1024) + "\"";
    Http.Answer overMessageLimit = apiA.send("POST", "/v1/messages/all", HttpRequest.BodyPublishers.ofString(big));
    assertThat(overMessageLimit.status()).isEqualTo(413);
    assertThat(overMessageLimit.json().get("error").asText()).contains("over the limit");

    // Announced, not sent: the refusal comes before the body, so it cannot race the server's close of the
    // connection (a client still writing a refused body may see the connection reset before the answer).
    String[] overRequestLimit = apiA.raw("POST /v1/messages/node/" + b.id().toHex() + " HTTP/1.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + (MAX_REQUEST + 12));
    assertThat(overRequestLimit[0]).contains(" 413 ");
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    Http.Answer getAll = apiA.get("/v1/messages/all");
    assertThat(getAll.status()).isEqualTo(405);
    assertThat(getAll.headers().firstValue("Allow")).hasValue("POST");
    Http.Answer postStream = apiA.send("POST", "/v1/messages/stream", HttpRequest.BodyPublishers.ofString("1"));
    assertThat(postStream.status()).isEqualTo(405);
    assertThat(postStream.headers().firstValue("Allow")).hasValue("GET");
    assertThat(apiA.put("/v1/messages/key/ns/k", "1").status()).isEqualTo(405);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/messages", "/v1/messages/", "/v1/messages/other", "/v1/messages/key/ns",
      "/v1/messages/key/a/b/c", "/v1/messages/node", "/v1/messages/all/x", "/v1/messages/stream/x"})
  void unknownMessageRoutesAre404(String path) throws Exception {
    Http.Answer answer = apiA.send("POST", path, HttpRequest.BodyPublishers.ofString("1"));
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error").asText()).startsWith("no such resource").contains("/v1/messages/stream");
  }

  @Test
  void queryParametersAreRejected() throws Exception {
    assertThat(apiA.send("POST", "/v1/messages/all?x=1", HttpRequest.BodyPublishers.ofString("1")).status())
        .isEqualTo(400);
    assertThat(apiA.get("/v1/messages/stream?since=0").status()).isEqualTo(400);
  }

  // ----------------------------------------------------------------------------------------------------------------

  private StreamClient listen(URI api) throws Exception {
    return open(api, "/v1/messages/stream");
  }

  private StreamClient open(URI api, String path) throws Exception {
    StreamClient l = new StreamClient(api, path);
    listeners.add(l);
    return l;
  }
}
