package dev.weft.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One HTTP request as a {@link Route}'s handler sees it, without the server's types. The HTTP API (weft-distribution)
 * implements it; a handler reads what it needs and ends the call with exactly one of {@link #ok}, {@link #complete},
 * {@link #readJson} (whose continuation then ends it) or {@link #stream}.
 *
 * <h2>Threads</h2>
 * The handler is called on a server thread and must not block: it starts the node's operation with {@link #complete},
 * which answers when the future completes, on the server's pool. A {@link dev.weft.remote.RemoteException} thrown by
 * the handler (or by a continuation) is the answer; any other exception is mapped by {@link
 * dev.weft.remote.Failures#of}.
 *
 * @since 0.1.0
 */
public interface HttpCall {
  /** The node the API serves. */
  Node node();

  /**
   * A variable of the route's template, percent-decoded.
   *
   * @param name the variable's name in the template, e.g. {@code namespace} for {@code {namespace}}
   * @param what what it is, for the message of a bad one ({@code "global name"})
   * @throws dev.weft.remote.RemoteException {@code bad-request} when it is empty or not valid percent-encoded UTF-8
   */
  String path(String name, String what);

  /**
   * The query parameters, each at most once and all of them in {@code known}.
   *
   * @throws dev.weft.remote.RemoteException {@code bad-request} for an unknown or repeated parameter
   */
  Map<String, String> query(Set<String> known);

  /**
   * Parses JSON text (a query parameter's) by the face's rules, those of a request body.
   *
   * @throws IllegalArgumentException when it is not exactly one JSON value; its message says why, in one line
   */
  JsonNode parseJson(String text);

  /**
   * Reads the body as one JSON value and hands it to {@code then} (on a server thread); answers {@code too-large}
   * when it is over the request limit and {@code bad-request "invalid JSON <what>: ..."} when it is not exactly one
   * JSON value.
   */
  void readJson(String what, Consumer<JsonNode> then);

  /**
   * Reads the body as it came, up to {@code maxBytes} (a route's own limit, such as a batch's, in place of the request
   * limit), and hands it to {@code then} (on a server thread); answers {@code too-large} when it is longer.
   */
  void readBody(int maxBytes, Consumer<byte[]> then);

  /**
   * Starts {@code operation} and answers with {@code answer} of its result when it completes, or with its failure,
   * which {@code refine} may first turn into the route's own answer (a {@link dev.weft.remote.RemoteException}). A
   * call that throws at once is answered like a failed future; the face's time limit applies.
   */
  <T> void complete(Supplier<CompletableFuture<T>> operation, Function<T, JsonNode> answer,
      UnaryOperator<Throwable> refine);

  /**
   * The time {@link #complete} gives an operation before it answers {@code unavailable} in its stead: a route whose
   * clients must never see that answer for an operation still running (Avatica's retries a 503) ends sooner.
   */
  Duration timeLimit();

  /** {@link #complete(Supplier, Function, UnaryOperator)} with failures answered as they are. */
  default <T> void complete(Supplier<CompletableFuture<T>> operation, Function<T, JsonNode> answer) {
    complete(operation, answer, UnaryOperator.identity());
  }

  /** Answers 200 with {@code body}. */
  void ok(JsonNode body);

  /** Answers 200 with {@code body} of {@code contentType}, e.g. the metrics' text. */
  void text(String contentType, String body);

  /**
   * Answers with a stream of JSON lines (NDJSON) until the client, a failed write or the server's stop ends it.
   * {@code register} is called once: it registers a handler with the node that hands each event to the consumer it is
   * given (any thread), and returns what removes that handler again.
   */
  void stream(Function<Consumer<JsonNode>, Runnable> register);
}
