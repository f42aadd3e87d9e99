package dev.weft.distribution.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.Json;
import dev.weft.distribution.Urls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A test client for the HTTP API: raw paths in, status and parsed JSON out. Public: the CLI's tests and ITs use it. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final URI base;
  private final String authorization;

  public Http(URI base) {
    this(base, null);
  }

  /** A client that sends {@code authorization} as the Authorization header, when not null. */
  public Http(URI base, String authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  public record Answer(int status, JsonNode json, HttpHeaders headers, String text) {}

  public Answer get(String rawPath) throws Exception {
    return send("GET", rawPath, HttpRequest.BodyPublishers.noBody());
  }

  public Answer put(String rawPath, String body) throws Exception {
    return send("PUT", rawPath, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  public Answer post(String rawPath, String body) throws Exception {
    return send("POST", rawPath, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  public Answer delete(String rawPath) throws Exception {
    return send("DELETE", rawPath, HttpRequest.BodyPublishers.noBody());
  }

  public Answer send(String method, String rawPath, HttpRequest.BodyPublisher body) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + rawPath))
        .timeout(Duration.ofSeconds(30))
        .method(method, body);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), parse(response.body()), response.headers(), response.body());
  }

  /**
   * Sends {@code requestHead} (request line and headers, without the blank line) as raw bytes, for requests that
   * {@link HttpClient} refuses to build; returns the status line and the body.
   */
  public String[] raw(String requestHead) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((requestHead + "\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      String statusLine = text.substring(0, text.indexOf("\r\n"));
      return new String[] {statusLine, headEnd < 0 ? "" : text.substring(headEnd + 4)};
    }
  }

  public static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** The path of an object, each part encoded as a path segment. */
  public static String object(String namespace, String key) {
    return "/v1/objects/" + Urls.encodeSegment(namespace) + "/" + Urls.encodeSegment(key);
  }
}
