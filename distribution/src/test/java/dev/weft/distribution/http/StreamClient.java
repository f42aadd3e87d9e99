package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A client of a streaming route ({@code GET /v1/messages/stream}, {@code GET /v1/schema/watch}) that reads on its own
 * thread: the JSON lines and heartbeats seen so far, and how the stream ended.
 */
final class StreamClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final HttpResponse<InputStream> response;
  final List<JsonNode> lines = new CopyOnWriteArrayList<>();
  final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile int heartbeats;
  private volatile boolean ended;

  /** Opens {@code path} of the API at {@code api}; returns once the node answered 200 (the stream is registered). */
  StreamClient(URI api, String path) throws Exception {
    this(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build());
  }

  /** Opens a stream that a POST of {@code json} to {@code path} answers ({@code POST /v1/sql/watch}). */
  StreamClient(URI api, String path, String json) throws Exception {
    this(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private StreamClient(HttpRequest request) throws Exception {
    response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    Thread reader = new Thread(this::read, "test-stream-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          heartbeats++;
        } else {
          lines.add(Json.parse(line));
        }
      }
    } catch (IOException e) {
      failure.set(e);
    } finally {
      ended = true;
    }
  }

  int heartbeats() {
    return heartbeats;
  }

  boolean ended() {
    return ended;
  }

  /** Waits for the first line whose {@code field} is the text {@code value}. */
  JsonNode awaitLine(String field, String value) {
    return awaitLine(l -> l.path(field).asText().equals(value));
  }

  /** Waits for the first line that {@code matches}. */
  JsonNode awaitLine(Predicate<JsonNode> matches) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await().atMost(WAIT).until(() -> {
      for (JsonNode l : lines) {
        if (matches.test(l)) {
          found.set(l);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
