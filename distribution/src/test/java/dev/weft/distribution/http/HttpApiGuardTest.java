package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.distribution.config.HostPort;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What a web page can make a browser send to a node's API on 127.0.0.1 (docs/security.md, "The HTTP API and web
 * pages"): requests with forged {@code Host} and {@code Origin} headers, sent over raw sockets as a browser would send
 * them, against real nodes. {@code open} has the default rules; {@code listing} lists a host name and an origin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class HttpApiGuardTest {
  private static final String EVIL = "http://evil.example";
  private static final String APP = "https://app.example.org";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<ReceivedMessage> receivedAtB = new CopyOnWriteArrayList<>();
  private Node a;
  private HttpApi open;
  private HttpApi listing;

  @BeforeAll
  void start() throws Exception {
    a = TestNodes.start(71);
    resources.add(a);
    Node b = TestNodes.startJoined(72, a);
    resources.add(b);
    Messaging.of(b).registerMessageHandler(receivedAtB::add);
    open = TestNodes.serve(a, 64 * 1024);
    resources.add(0, open);
    listing = HttpApi.start(a, new HttpApi.Options(new HostPort("127.0.0.1", 0), 64 * 1024, TestNodes.API_TIMEOUT)
        .withAccess(new ApiGuard.Rules(Set.of("node.example.org"), Set.of(APP))));
    resources.add(0, listing);
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  @Test
  void aCrossSitePageCannotBroadcastWithASimpleRequest() throws Exception {
    // fetch("http://127.0.0.1:7070/v1/messages/all", {method: "POST", body: "..."}): text/plain, no preflight.
    Answer refused = send(open, "POST", "/v1/messages/all", headers("Origin", EVIL, "Content-Type",
        "text/plain;charset=UTF-8"), "{\"from\":\"evil\"}");
    assertThat(refused.status).isEqualTo(403);
    assertThat(refused.json().get("error").asText()).contains("'" + EVIL + "'").contains("weft.api.origins");
    assertThat(refused.header("Access-Control-Allow-Origin")).isNull();

    // The same broadcast from the CLI (no Origin) reaches b; the refused one never does.
    Answer sent = send(open, "POST", "/v1/messages/all", headers(), "{\"from\":\"cli\"}");
    assertThat(sent.status).as(sent.body).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> receivedAtB.stream()
        .anyMatch(m -> m.id().equals(sent.json().get("id").asText())));
    assertThat(receivedAtB).extracting(m -> m.payload().get("from").asText()).doesNotContain("evil");
  }

  @Test
  void aCrossSitePageCannotWriteNorRead() throws Exception {
    String path = Http.object("guard", "k1");
    for (String method : new String[] {"PUT", "DELETE", "GET", "OPTIONS"}) {
      Answer refused = send(open, method, path, headers("Origin", EVIL), method.equals("PUT") ? "1" : null);
      assertThat(refused.status).as(method).isEqualTo(403);
      assertThat(refused.header("Access-Control-Allow-Origin")).as(method).isNull();
    }
    assertThat(a.storage().get("guard", "k1").get(10, TimeUnit.SECONDS)).as("nothing was written").isEmpty();
    // Every path, the UI's files and /metrics too.
    for (String p : new String[] {"/ui/", "/metrics", "/", "/nowhere"}) {
      assertThat(send(open, "GET", p, headers("Origin", EVIL), null).status).as(p).isEqualTo(403);
    }
  }

  @Test
  void dnsRebindingIsRefusedWhateverTheOrigin() throws Exception {
    String path = Http.object("guard", "rebound");
    String rebound = "rebind.evil.example:" + open.address().port();
    // Same-origin for the browser: the page's origin is the rebound name, so it may send anything, or no Origin.
    for (Map<String, String> h : List.of(headers("Host", rebound), headers("Host", rebound, "Origin",
        "http://" + rebound))) {
      Answer put = send(open, "PUT", path, h, "\"taken\"");
      assertThat(put.status).as(h.toString()).isEqualTo(403);
      assertThat(put.json().get("error").asText()).contains("does not answer to the host").contains("weft.api.hosts");
      assertThat(send(open, "GET", "/v1/info", h, null).status).isEqualTo(403);
    }
    assertThat(a.storage().get("guard", "rebound").get(10, TimeUnit.SECONDS)).as("nothing was written").isEmpty();
  }

  @Test
  void loopbackNamesAddressesAndListedNamesAreAnswered() throws Exception {
    int port = open.address().port();
    for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST.:" + port, "[::1]:" + port,
        "localhost"}) {
      assertThat(send(open, "GET", "/v1/info", headers("Host", host), null).status).as(host).isEqualTo(200);
    }
    assertThat(send(open, "GET", "/v1/info", headers("Host", "node.example.org"), null).status).isEqualTo(403);
    assertThat(send(listing, "GET", "/v1/info", headers("Host", "node.example.org:7070"), null).status)
        .isEqualTo(200);
    // HTTP/1.0 without Host: no browser sends that.
    assertThat(send(open, "GET", "/v1/info", headers("Host", null), null, "HTTP/1.0").status).isEqualTo(200);
    // HTTP/1.1 requires one: Jetty refuses the request before the API sees it.
    assertThat(send(open, "GET", "/v1/info", headers("Host", null), null).status).isEqualTo(400);
  }

  @Test
  void theWebUiOnItsOwnOriginPasses() throws Exception {
    int port = open.address().port();
    for (String host : new String[] {"127.0.0.1", "localhost", "[::1]"}) {
      Map<String, String> h = headers("Host", host + ":" + port, "Origin", "http://" + host + ":" + port,
          "Content-Type", "application/json");
      Answer put = send(open, "PUT", Http.object("guard", "ui-" + host), h, "{\"from\":\"ui\"}");
      assertThat(put.status).as(host + ": " + put.body).isEqualTo(200);
      assertThat(put.header("Access-Control-Allow-Origin")).as("same origin needs no CORS").isNull();
    }
    // Another port is another origin (a dev server on localhost:3000 must be listed).
    assertThat(send(open, "POST", "/v1/messages/all", headers("Origin", "http://127.0.0.1:" + (port + 1)), "1")
        .status).isEqualTo(403);
    assertThat(send(open, "POST", "/v1/messages/all", headers("Origin", "http://localhost:" + port), "1").status)
        .as("Origin localhost, Host 127.0.0.1: not the same origin").isEqualTo(403);
  }

  @Test
  void aListedOriginGetsCorsHeadersAndItsPreflightAnswered() throws Exception {
    Answer preflight = send(listing, "OPTIONS", Http.object("guard", "app"), headers("Origin", APP,
        "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,content-type"), null);
    assertThat(preflight.status).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PUT").contains("DELETE").contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization")
        .containsIgnoringCase("content-type");
    assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(preflight.header("Vary")).isEqualTo("Origin");

    Answer put = send(listing, "PUT", Http.object("guard", "app"), headers("Origin", APP, "Content-Type",
        "application/json"), "{\"from\":\"app\"}");
    assertThat(put.status).as(put.body).isEqualTo(200);
    assertThat(put.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(put.header("Access-Control-Expose-Headers")).contains("Retry-After");
    assertThat(put.header("Vary")).isEqualTo("Origin");
    Answer missing = send(listing, "GET", Http.object("guard", "absent"), headers("Origin", APP), null);
    assertThat(missing.status).isEqualTo(404);
    assertThat(missing.header("Access-Control-Allow-Origin")).as("errors readable too").isEqualTo(APP);

    // Unlisted origins: 403 and no CORS headers, preflight or not; no Origin: no CORS headers.
    Answer evil = send(listing, "OPTIONS", Http.object("guard", "app"), headers("Origin", EVIL,
        "Access-Control-Request-Method", "PUT"), null);
    assertThat(evil.status).isEqualTo(403);
    assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
    assertThat(evil.header("Vary")).isEqualTo("Origin");
    Answer curl = send(listing, "GET", "/v1/info", headers(), null);
    assertThat(curl.status).isEqualTo(200);
    assertThat(curl.header("Access-Control-Allow-Origin")).isNull();
    // Without an Origin, OPTIONS is no preflight: no route takes it.
    assertThat(send(listing, "OPTIONS", "/v1/info", headers(), null).status).isEqualTo(405);
  }

  @Test
  void plainHttpClientsKeepWorking() throws Exception {
    // The CLI's client: ApiClientTest.aGuardedNodeTakesTheClientsRequestsAndItsToken.
    HttpResponse<String> jdk = CLIENT.send(HttpRequest.newBuilder(URI.create(open.uri() + "/v1/info")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(jdk.statusCode()).isEqualTo(200);
  }

  @Test
  void theRootRedirectsToTheWebUi() throws Exception {
    Answer root = send(open, "GET", "/", headers(), null);
    assertThat(root.status).isEqualTo(302);
    assertThat(root.header("Location")).endsWith("/ui/");
    assertThat(send(open, "HEAD", "/", headers(), null).status).isEqualTo(302);
    Answer post = send(open, "POST", "/", headers(), "1");
    assertThat(post.status).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
    // The UI needs no token, nor does the way to it.
    HttpApi secured = HttpApi.start(a, new HttpApi.Options(new HostPort("127.0.0.1", 0), 64 * 1024,
        TestNodes.API_TIMEOUT).withToken("s3cret-token-0123456789"));
    try {
      assertThat(send(secured, "GET", "/", headers(), null).status).isEqualTo(302);
      assertThat(send(secured, "GET", "/v1/info", headers(), null).status).isEqualTo(401);
      assertThat(send(secured, "GET", "/v1/info", headers("Origin", EVIL), null).status).as("403 before 401")
          .isEqualTo(403);
    } finally {
      secured.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonNode json() {
      return Http.parse(body);
    }
  }

  /** Header pairs; a {@code Host} of null sends none, no {@code Host} pair sends the API's address. */
  private static Map<String, String> headers(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private static Answer send(HttpApi api, String method, String path, Map<String, String> headers, String body)
      throws IOException {
    return send(api, method, path, headers, body, "HTTP/1.1");
  }

  /** One request over a raw socket, so that Host can be anything (java.net.http will not forge it). */
  private static Answer send(HttpApi api, String method, String path, Map<String, String> headers, String body,
      String version) throws IOException {
    StringBuilder head = new StringBuilder(method + " " + path + " " + version + "\r\n");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", api.address().toString());
    all.putAll(headers);
    all.forEach((k, v) -> {
      if (v != null) {
        head.append(k).append(": ").append(v).append("\r\n");
      }
    });
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", api.address().port()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      in.transferTo(received);
      String text = received.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> answerHeaders = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        answerHeaders.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(), (x, y) -> x + ", " + y);
      }
      return new Answer(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders, text.substring(end + 4));
    }
  }
}
