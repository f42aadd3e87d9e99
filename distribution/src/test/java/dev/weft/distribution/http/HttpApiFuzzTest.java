package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testkit.Memory;
import dev.weft.testkit.Mutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Any request — method, raw target (path and query), body — gets an answer below 500 from the HTTP API of a real
 * node (one of two on loopback, so lookups succeed), and the node keeps answering. The {@code @FuzzTest} runs its seeds
 * in every build and fuzzes with {@code JAZZER_FUZZ=1} (docs/reliability.md); a seeded run of mutated requests and the
 * hostile shapes (declared lengths to 2³¹, nesting bombs, oversize bodies) run in every build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiFuzzTest {
  private static final int MAX_REQUEST = 200 * 1024;
  private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"};

  private final List<AutoCloseable> resources = new ArrayList<>();
  private URI base;

  @BeforeAll
  void start() throws Exception {
    base = TestNodes.servedPair(11, MAX_REQUEST, resources).get(0).uri();
  }

  @AfterAll
  void stop() {
    TestNodes.closeAll(resources);
  }

  @FuzzTest
  void request(FuzzedDataProvider data) throws IOException {
    String method = data.pickValue(METHODS);
    String target = data.consumeString(300);
    byte[] body = data.consumeRemainingAsBytes();
    int status = send(method, target, body);
    assertThat(status).as("%s %s with %d bytes", method, target, body.length).isLessThan(500);
  }

  /**
   * Sends one request over a fresh connection with a correct Content-Length, and returns the status, or 0 when the
   * server closed the connection without one (Jetty does that for a request line it cannot parse at all).
   */
  private int send(String method, String target, byte[] body) throws IOException {
    return sendRaw((method + " /" + clean(target) + " HTTP/1.1\r\nContent-Length: " + body.length + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), body);
  }

  /**
   * The request head as given (request line and headers, without Host and the blank line), then the body. The body is
   * written from another thread while this one reads: the server may answer (413, 400) before it has read all of it.
   */
  private int sendRaw(byte[] head, byte[] body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(head);
          out.write(("Host: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(body);
          out.flush();
          socket.shutdownOutput();
        } catch (IOException e) {
          // the server answered and closed before reading everything: the answer is what counts
        }
      }, "http-fuzz-writer");
      writer.start();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.write(c);
      }
      writer.join(30_000);
      String status = line.toString(StandardCharsets.ISO_8859_1);
      if (status.isEmpty()) {
        return 0;
      }
      assertThat(status).startsWith("HTTP/1.1 ");
      return Integer.parseInt(status.substring(9, 12));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Line breaks would start a header of the fuzzer's choosing (such as a Content-Length the body does not have). */
  private static String clean(String target) {
    return target.replace('\r', ' ').replace('\n', ' ');
  }

  @Test
  void seededMutationsOfRealRequestsAreAnsweredBelow500() throws Exception {
    List<byte[]> targets = new ArrayList<>();
    for (String t : List.of("v1/objects/users/alice", "v1/objects?namespace=users&limit=10&cursor=abc",
        "v1/messages/key/users/alice", "v1/messages/all", "v1/messages/node/" + "ab".repeat(20),
        "v1/schema/globals/flag", "v1/schema/globals", "v1/pht/indexes/ages", "v1/pht/indexes/ages/entries",
        "v1/pht/indexes/ages/range?from=1&to=9", "v1/pht/indexes/places/rectangle?x1=0&y1=0&x2=9&y2=9",
        "v1/info", "v1/stats", "v1/peers", "metrics", "v1/objects/%E2%9C%93/%2F%2e%2e")) {
      targets.add(t.getBytes(StandardCharsets.UTF_8));
    }
    List<byte[]> bodies = new ArrayList<>();
    for (String b : List.of("{\"name\":\"Alice\",\"age\":31,\"tags\":[1.50,null,true]}", "\"text\"", "[]",
        "{\"type\":\"long\",\"leafCapacity\":8}", "{\"key\":5,\"value\":{\"a\":1}}", "{\"key\":[1,2],\"value\":0}")) {
      bodies.add(b.getBytes(StandardCharsets.UTF_8));
    }
    Mutator pathMutator = new Mutator(20261124, targets);
    Mutator bodyMutator = new Mutator(20261125, bodies);
    Random random = new Random(20261124);
    for (int i = 0; i < 1_500; i++) {
      String method = METHODS[random.nextInt(METHODS.length)];
      String target = new String(pathMutator.next(), StandardCharsets.ISO_8859_1);
      byte[] body = method.equals("PUT") || method.equals("POST") ? bodyMutator.next() : new byte[0];
      assertThat(send(method, target, body)).as("#%d: %s /%s", i, method, target).isLessThan(500);
    }
    assertThat(send("GET", "v1/info", new byte[0])).isEqualTo(200);
  }

  /**
   * Bodies that declare 2³¹ bytes and send a few, nesting bombs, bodies over the limit, strings the size of the limit:
   * each refused with a 4xx, the node answering all the while, and the heap as it was after a burst of them.
   */
  @Test
  void hostileRequestsAreRefusedWithoutHeapGrowth() throws Exception {
    List<Runnable> hostile = List.of(
        () -> expect4xx(head("PUT /v1/objects/h/len HTTP/1.1\r\nContent-Length: 2147483648\r\n"), new byte[100]),
        () -> expect4xx(head("PUT /v1/objects/h/len HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n"),
            new byte[0]),
        () -> expect4xx(head("POST /v1/messages/all HTTP/1.1\r\nContent-Length: " + (MAX_REQUEST + 1) + "\r\n"),
            new byte[MAX_REQUEST + 1]),
        () -> expect4xx("PUT", "v1/objects/h/bomb", "[".repeat(MAX_REQUEST - 1)),
        () -> expect4xx("PUT", "v1/schema/globals/bomb", "{\"a\":".repeat(MAX_REQUEST / 5)),
        () -> expect4xx("PUT", "v1/objects/h/" + "k".repeat(8000), "1"),
        () -> expect4xx("PUT", "v1/objects/h/big", "\"" + "x".repeat(100 * 1024) + "\""),
        () -> expect4xx("GET", "v1/objects?namespace=h&limit=2147483648", ""));
    for (Runnable h : hostile) {
      h.run();
    }
    long before = Memory.usedAfterGc();
    for (int i = 0; i < 2_000; i++) {
      hostile.get(i % hostile.size()).run();
    }
    long after = Memory.usedAfterGc();
    assertThat(send("GET", "v1/info", new byte[0])).isEqualTo(200);
    // Jetty keeps pooled buffers and connection objects; what matters is that the growth does not scale with the burst.
    assertThat(after - before).as("heap growth after 2,000 hostile requests").isLessThan(8L * 1024 * 1024);
  }

  private static byte[] head(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private void expect4xx(byte[] head, byte[] body) {
    try {
      assertThat(sendRaw(head, body)).as(new String(head, StandardCharsets.ISO_8859_1)).isBetween(400, 499);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void expect4xx(String method, String target, String body) {
    try {
      assertThat(send(method, target, body.getBytes(StandardCharsets.UTF_8)))
          .as("%s /%s", method, target.length() > 100 ? target.substring(0, 100) : target).isBetween(400, 499);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
