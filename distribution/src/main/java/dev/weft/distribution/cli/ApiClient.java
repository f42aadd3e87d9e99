package dev.weft.distribution.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The client side of the HTTP API: sends one request and turns the answer into JSON or a {@link CliException} with
 * the exit code the status means.
 *
 * <p>Over {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: a client command makes one or a few plain
 * HTTP/1.1 requests, and {@code HttpClient} costs a selector thread and, whatever the scheme, the default TLS context
 * (its key stores and 400 classes) before the first request: half a second of a command's start on a small machine
 * (docs/benchmarks.md, "CLI start-up").
 */
final class ApiClient {
  /** Longer than the node's default request timeout (30 s), so the node's own 503 arrives before ours. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI base;
  private final Optional<String> token;

  ApiClient(HostPort api) {
    this(api, Optional.empty());
  }

  /** A client that sends {@code token} as {@code Authorization: Bearer} with every request. */
  ApiClient(HostPort api, Optional<String> token) {
    this.base = api.httpUri();
    this.token = token;
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
    HttpURLConnection connection = open(method, path, "application/json", REQUEST_TIMEOUT);
    int status = exchange(connection, body, REQUEST_TIMEOUT);
    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      return reply(status, in == null ? new byte[0] : in.readAllBytes());
    } catch (SocketTimeoutException e) {
      throw silent(REQUEST_TIMEOUT, e);
    } catch (IOException e) {
      throw unreachable("the connection broke while reading the answer: " + reason(e), e);
    }
  }

  /**
   * Opens a response that goes on, such as {@code /v1/messages/stream} or {@code /v1/schema/watch}.
   *
   * @param silence how long the node may send nothing, not even a heartbeat, before a read of the body fails with a
   *     {@link SocketTimeoutException}; also bounds the wait for the status line
   * @return the body, as it arrives; closing it ends the request
   * @throws CliException as {@link #call} when the node answers with an error, or cannot be reached
   */
  InputStream stream(String path, Duration silence) {
    return stream(path, null, silence);
  }

  /** As {@link #stream(String, Duration)}, POSTing {@code body} (JSON) when it is not null: {@code /v1/sql/watch}. */
  InputStream stream(String path, byte[] body, Duration silence) {
    HttpURLConnection connection = open(body == null ? "GET" : "POST", path, "application/x-ndjson, application/json",
        silence);
    int status = exchange(connection, body, silence);
    if (status == 200) {
      try {
        return connection.getInputStream();
      } catch (IOException e) {
        throw unreachable(reason(e), e);
      }
    }
    byte[] error;
    try (InputStream answer = connection.getErrorStream()) {
      // An error body is one small JSON object; more than this is not a weft node.
      error = answer == null ? new byte[0] : answer.readNBytes(64 * 1024);
    } catch (IOException e) {
      throw unreachable("the connection broke while reading an error: " + reason(e), e);
    }
    check(reply(status, error), path);
    throw new CliException(Cli.UNAVAILABLE, "the node at " + base + " answered HTTP " + status
        + " instead of a stream");
  }

  private HttpURLConnection open(String method, String path, String accept, Duration readTimeout) {
    HttpURLConnection connection;
    try {
      // No proxy, as a node's API is meant to be reached directly (and http.proxyHost of the JVM would apply).
      connection = (HttpURLConnection) base.resolve(path).toURL().openConnection(Proxy.NO_PROXY);
      connection.setRequestMethod(method);
    } catch (IOException e) {
      // Neither happens for an http: URI built from a HostPort and the methods of the API.
      throw new IllegalStateException("cannot make a " + method + " request for " + base + path, e);
    }
    connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    connection.setReadTimeout((int) readTimeout.toMillis());
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setRequestProperty("Accept", accept);
    token.ifPresent(t -> connection.setRequestProperty("Authorization", "Bearer " + t));
    return connection;
  }

  /** Connects, sends the request with {@code body} (null: none) and returns the status of the answer. */
  private int exchange(HttpURLConnection connection, byte[] body, Duration answerTimeout) {
    if (body != null) {
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setFixedLengthStreamingMode(body.length);
      connection.setDoOutput(true);
    }
    try {
      connection.connect();
    } catch (SocketTimeoutException e) {
      throw unreachable("connecting timed out after " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      throw unreachable("connection refused", e);
    } catch (IOException e) {
      throw unreachable(reason(e), e);
    }
    IOException unsent = null;
    if (body != null) {
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      } catch (IOException e) {
        // The node may have answered before it read it all (a body over its limit): that answer says more.
        unsent = e;
      }
    }
    try {
      return connection.getResponseCode();
    } catch (SocketTimeoutException e) {
      throw silent(answerTimeout, e);
    } catch (IOException e) {
      IOException cause = unsent == null ? e : unsent;
      throw unreachable(reason(cause), cause);
    }
  }

  private CliException silent(Duration timeout, Exception cause) {
    return new CliException(Cli.UNAVAILABLE, "the node at " + base + " did not answer within " + timeout.toSeconds()
        + " s", cause);
  }

  private static String reason(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** {@code http://HOST:PORT} of the node. */
  URI base() {
    return base;
  }

  private Reply reply(int status, byte[] body) {
    try {
      return new Reply(status, JsonTree.parse(body));
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
