package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Node;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.http.Http;
import dev.weft.distribution.http.HttpApi;
import dev.weft.distribution.http.TestNodes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ApiClient} against a hand-written server, for what a weft node does not do on its own, and against a real
 * node's guard and token.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class ApiClientTest {
  private static final String TOKEN = "s3cret-token-0123456789";

  /** What a test does with a client of the one-shot server. */
  private interface ClientTest {
    void run(ApiClient client) throws Exception;
  }

  /**
   * Runs {@code test} with a client of a server that reads one request's head, answers with {@code response} and keeps
   * the connection open until the test is done.
   */
  private static void withServer(String response, ClientTest test) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> held = CompletableFuture.supplyAsync(() -> {
        try {
          Socket socket = server.accept();
          InputStream in = socket.getInputStream();
          int matched = 0;
          while (matched < 4) {
            int c = in.read();
            if (c < 0) {
              break;
            }
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
          }
          socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          return socket;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        test.run(new ApiClient(new HostPort("127.0.0.1", server.getLocalPort())));
      } finally {
        held.get(10, TimeUnit.SECONDS).close();
      }
    }
  }

  @Test
  void aStreamThatFallsSilentFailsItsReadAfterTheSilenceAllowed() throws Exception {
    // A heartbeat, then nothing: a node that froze, or whose host vanished.
    withServer("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\n\r\n",
        client -> {
          try (InputStream body = client.stream("/v1/messages/stream", Duration.ofMillis(300))) {
            assertThat(body.read()).isEqualTo('\n');
            assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class);
          }
        });
  }

  @Test
  void anErrorInsteadOfAStreamIsTheErrorsExitCode() throws Exception {
    String body = "{\"error\":\"the node has no messaging\"}";
    withServer("HTTP/1.1 501 Not Implemented\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body, client -> assertThatThrownBy(() -> client.stream("/v1/messages/stream",
            Duration.ofSeconds(10))).isInstanceOfSatisfying(CliException.class, e -> {
              assertThat(e.exitCode()).isEqualTo(Cli.UNAVAILABLE);
              assertThat(e.getMessage()).isEqualTo("the node has no messaging");
            }));
  }

  @Test
  void aServerThatIsNotAWeftNodeIsExitCode3() throws Exception {
    withServer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>",
        client -> assertThatThrownBy(() -> client.call("GET", "/v1/info", null))
            .isInstanceOfSatisfying(CliException.class, e -> {
              assertThat(e.exitCode()).isEqualTo(Cli.UNAVAILABLE);
              assertThat(e.getMessage()).contains("without JSON");
            }));
  }

  @Test
  void aGuardedNodeTakesTheClientsRequestsAndItsToken() throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Node node = TestNodes.start(41);
      resources.add(node);
      HttpApi open = TestNodes.serve(node, 64 * 1024);
      resources.add(0, open);
      HttpApi secured = TestNodes.serve(node, 64 * 1024, TOKEN);
      resources.add(0, secured);

      // No Origin, and the Host it was given: what the guard lets in (docs/security.md).
      ApiClient cli = new ApiClient(open.address());
      byte[] value = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
      assertThat(cli.call("PUT", Http.object("guard", "cli"), value).body().get("version").asText()).isNotEmpty();
      assertThat(cli.call("GET", Http.object("guard", "cli"), null).body().get("value").get("n").asInt())
          .isEqualTo(1);

      ApiClient withToken = new ApiClient(secured.address(), Optional.of(TOKEN));
      assertThat(withToken.call("GET", "/v1/info", null).body().get("id").asText()).isEqualTo(node.id().toHex());
      ApiClient without = new ApiClient(secured.address());
      assertThatThrownBy(() -> without.call("GET", "/v1/info", null))
          .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(Cli.USAGE))
          .hasMessageContaining("the node requires a token");
    } finally {
      TestNodes.closeAll(resources);
    }
  }
}
