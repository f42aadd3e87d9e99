package dev.weft.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * The client side of the HTTP API: sends one request and turns the answer into JSON or a {@link CliException} with
 * the exit code the status means.
 */
final class ApiClient {
  /** Longer than the node's default request timeout (30 s), so the node's own 503 arrives before ours. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http;

  ApiClient(HostPort api) {
    this(api, Optional.empty());
  }

  /** A client that sends {@code token} as {@code Authorization: Bearer} with every request. */
  ApiClient(HostPort api, Optional<String> token) {
    this.base = api.httpUri();
    this.token = token;
    this.http = HttpClient.newBuilder()
        // Plain HTTP/1.1: no h2c upgrade dance for one request to a local server.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** An answer with a JSON body. */
  record Reply(int status, JsonNode body) {
    /** The {@code error} text of an error body, or the status. */
    String error() {
      JsonNode e = body.get("error");
      return e != null && e.isTextual() ? e.textValue() : "HTTP " + status;
    }
  }

  /**
   * Sends a request and returns the answer whatever its status.
   *
   * @param path already encoded, starting with {@code /}
   * @throws CliException with exit code 3 when the node cannot be reached or does not answer with JSON
   */
  Reply send(String method, String path, byte[] body) {
    URI uri = base.resolve(path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return reply(exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /**
   * Opens a response that goes on, such as {@code /v1/messages/stream} or {@code /v1/schema/watch}.
   *
   * @return the body, as it arrives; closing it ends the request
   * @throws CliException as {@link #call} when the node answers with an error, or cannot be reached
   */
  InputStream stream(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
        // Bounds the wait for the status line only: the body may last for ever.
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/x-ndjson, application/json")
        .GET();
    token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
    HttpRequest request = builder.build();
    HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() == 200) {
      return response.body();
    }
    byte[] error;
    try (InputStream body = response.body()) {
      // An error body is one small JSON object; more than this is not a weft node.
      error = body.readNBytes(64 * 1024);
    } catch (IOException e) {
      throw unreachable("the connection broke while reading an error: " + e.getMessage(), e);
    }
    check(reply(response.statusCode(), error), path);
    throw new CliException(Cli.UNAVAILABLE, "the node at " + base + " answered HTTP " + response.statusCode()
        + " instead of a stream");
  }

  /** {@code http://HOST:PORT} of the node. */
  URI base() {
    return base;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connecting timed out after " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    } catch (HttpTimeoutException e) {
      throw new CliException(Cli.UNAVAILABLE, "the node at " + base + " did not answer within "
          + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      throw unreachable("connection refused", e);
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.UNAVAILABLE, "interrupted while waiting for the node at " + base, e);
    }
  }

  private Reply reply(HttpResponse<byte[]> response) {
    return reply(response.statusCode(), response.body());
  }

  private Reply reply(int status, byte[] body) {
    try {
      return new Reply(status, Json.parse(body));
    } catch (JsonProcessingException e) {
      throw new CliException(Cli.UNAVAILABLE, "the server at " + base + " answered HTTP " + status
          + " without JSON: is it a weft node's API?", e);
    }
  }

  /**
   * Sends a request and returns the answer if it succeeded.
   *
   * @throws CliException with the exit code of the error: 1 for "not found", 2 for a rejected request, 3 when the
   *     node or the network could not serve it (now), 4 for an internal error of the node
   */
  Reply call(String method, String path, byte[] body) {
    Reply reply = send(method, path, body);
    check(reply, path);
    return reply;
  }

  /** Returns when {@code reply} is a success; else throws what {@link #call} documents. */
  private void check(Reply reply, String path) {
    int status = reply.status();
    if (status >= 200 && status < 300) {
      return;
    }
    // The API's 404 for a missing thing says "not found", with details after a colon ("not found: node ... is not in
    // the network"); any other 404 is a path the server does not know.
    String error = reply.error();
    if (status == 404 && (error.equals("not found") || error.startsWith("not found: "))) {
      throw new CliException(Cli.NOT_FOUND, error);
    }
    if (status == 401) {
      throw new CliException(Cli.USAGE, (token.isPresent() ? "the node refused the token" : "the node requires a token")
          + ": give it with --token or " + Cli.TOKEN_ENV + " (the node's " + NodeSettings.API_TOKEN + ")");
    }
    if (status == 404) {
      throw new CliException(Cli.UNAVAILABLE, "the server at " + base + " does not know " + path + " (" + reply.error()
          + "): is it a weft node's API of a compatible version?");
    }
    // 429: the node takes no more of these for now (a rate limit); like 503, trying again later may work.
    if (status == 429) {
      throw new CliException(Cli.UNAVAILABLE, reply.error());
    }
    if (status >= 400 && status < 500) {
      throw new CliException(Cli.USAGE, reply.error());
    }
    // 501: the node lacks what serves the request (its messaging plugin): this node cannot serve it, as with 503.
    if (status == 501 || status == 502 || status == 503 || status == 504) {
      throw new CliException(Cli.UNAVAILABLE, reply.error());
    }
    throw new CliException(Cli.INTERNAL, "the node failed: " + reply.error() + " (HTTP " + status + ")");
  }

  private CliException unreachable(String why, Exception cause) {
    return new CliException(Cli.UNAVAILABLE, "cannot reach the node's HTTP API at " + base + " (" + why
        + "). Is `weft node` running? Point to it with --api HOST:PORT or " + Cli.API_ENV + ".", cause);
  }
}
