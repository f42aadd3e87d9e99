package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.remote.RemoteJson;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A client of the gateway speaking the protocol by hand (Java-WebSocket): requests, answers, events, close. */
final class TestClient extends WebSocketClient implements AutoCloseable {
  /** How a connection ended. */
  record Closed(int code, String reason) {}

  final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
  final List<JsonNode> answersWithoutRid = new CopyOnWriteArrayList<>();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong rids = new AtomicLong();

  TestClient(String url, Map<String, String> headers) {
    super(URI.create(url), headers);
    setConnectionLostTimeout(0);
  }

  /**
   * Connects and waits for the handshake (not for hello). The gateway may close the connection as soon as it opened
   * (a refused id): see {@link #closed}.
   */
  static TestClient open(String url) throws InterruptedException {
    return open(url, Map.of());
  }

  static TestClient open(String url, Map<String, String> headers) throws InterruptedException {
    TestClient c = new TestClient(url, headers);
    boolean open = c.connectBlocking(10, TimeUnit.SECONDS);
    assertThat(open || c.closed.isDone()).as("connected to %s (%s)", url, c.lastError).isTrue();
    return c;
  }

  /** Connects and waits for hello. */
  static TestClient ready(String url) throws Exception {
    TestClient c = open(url);
    c.hello.get(10, TimeUnit.SECONDS);
    return c;
  }

  String id() {
    return hello.join().get("id").asText();
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    JsonNode frame;
    try {
      frame = RemoteJson.MAPPER.readTree(message);
    } catch (JsonProcessingException e) {
      throw new AssertionError("the gateway sent a frame that is not JSON: " + message, e);
    }
    switch (frame.path("t").asText()) {
      case "hello" -> hello.complete(frame);
      case "res" -> {
        if (frame.get("rid").isNull()) {
          answersWithoutRid.add(frame);
        } else {
          CompletableFuture<JsonNode> f = pending.remove(frame.get("rid").asLong());
          if (f != null) {
            f.complete(frame);
          }
        }
      }
      default -> events.add(frame);
    }
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    events.add(RemoteJson.MAPPER.getNodeFactory().textNode("binary frame"));
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closed.complete(new Closed(code, reason));
    hello.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
  }

  volatile Exception lastError;

  @Override
  public void onError(Exception ex) {
    // onClose follows.
    lastError = ex;
  }

  /** Sends a request {@code op} with {@code fields} and returns its whole answer, {@code {t, rid, ok, ...}}. */
  CompletableFuture<JsonNode> call(String op, ObjectNode fields) {
    long rid = rids.incrementAndGet();
    ObjectNode req = RemoteJson.object().put("t", "req").put("rid", rid).put("op", op);
    req.setAll(fields);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(rid, f);
    send(req.toString());
    return f;
  }

  /** A request that must succeed: its result. */
  JsonNode ok(String op, ObjectNode fields) throws Exception {
    JsonNode res = call(op, fields).get(20, TimeUnit.SECONDS);
    assertThat(res.get("ok").asBoolean()).as("%s answered %s", op, res).isTrue();
    return res.get("result");
  }

  /** A request that must fail: its error {@code {code, message}}. */
  JsonNode error(String op, ObjectNode fields) throws Exception {
    JsonNode res = call(op, fields).get(20, TimeUnit.SECONDS);
    assertThat(res.get("ok").asBoolean()).as("%s answered %s", op, res).isFalse();
    return res.get("error");
  }

  /** The next event of type {@code t}, waiting up to 20 s; others are skipped. */
  JsonNode nextEvent(String t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      JsonNode e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no " + t + " event within 20 s");
      }
      if (e.path("t").asText().equals(t)) {
        return e;
      }
    }
  }

  static ObjectNode args() {
    return RemoteJson.object();
  }
}
