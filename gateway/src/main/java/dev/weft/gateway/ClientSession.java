package dev.weft.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import dev.weft.api.util.TokenBucket;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser client's connection: reads its requests, answers them asynchronously, and sends it events.
 *
 * <h2>Threads</h2>
 * Jetty calls the listener methods one at a time per connection. Requests are checked and started on that thread and
 * never waited for: their answers, like events, are serialised on the node's scheduler (one task at a time per client,
 * in order) and queued on an outbox that sends one frame at a time. So a slow node or a flooding client never holds a Jetty thread, and other clients'
 * answers are not delayed by it.
 *
 * <h2>Closing</h2>
 * A client is disconnected, with a close code and a reason, when it sends a frame that is not JSON text (4415) or is
 * over the size limit (4413; 1009 from Jetty past four times the limit), keeps sending over its rate or does not read
 * its answers (4429); when its id is invalid (4400) or taken (4409); and when the node is full, could not store its
 * presence, or stops (4503). A request that is JSON but wrong in any other way is answered with an error and the
 * connection stays.
 *
 * <p>The close codes are 4000 + the HTTP status of the matching error code. They are application codes on purpose:
 * after sending a protocol close code (1002-2999) Jetty closes the connection at once, and a client still sending then
 * may see it reset before it reads the reason; for application codes Jetty waits for the client's close frame.
 *
 * <p>Public only because Jetty calls the listener methods through method handles; not API.
 */
public final class ClientSession implements Session.Listener.AutoDemanding, GatewayOps.Client {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  /** Close code: the connection request was invalid (a bad id). */
  static final int CLOSE_BAD_REQUEST = RemoteError.BAD_REQUEST.closeCode();
  /** Close code: the id asked for is connected already. */
  static final int CLOSE_CONFLICT = RemoteError.CONFLICT.closeCode();
  /** Close code: a frame over the size limit. */
  static final int CLOSE_TOO_LARGE = RemoteError.TOO_LARGE.closeCode();
  /** Close code: a binary frame, or text that is not JSON (415, unsupported media type, has no error of its own). */
  static final int CLOSE_NOT_JSON = 4415;
  /** Close code: the client kept sending over its rate, or does not read. */
  static final int CLOSE_RATE_LIMITED = RemoteError.RATE_LIMITED.closeCode();
  /** Close code: the node is full, could not store the client's presence, or stops. */
  static final int CLOSE_UNAVAILABLE = RemoteError.UNAVAILABLE.closeCode();
  /** Subscriptions and watches one client may hold. */
  static final int MAX_KEPT = 64;
  /** Largest request id: integers up to 2^53 - 1 are exact in JavaScript. */
  private static final long MAX_RID = (1L << 53) - 1;

  /** How to close a connection. */
  record Close(int code, String reason) {}

  private final Gateway gateway;
  private final NodeId id;
  private final String refusal;
  private final Modules modules;
  private final Limits limits;
  /** Serialises and queues this client's answers and events, in order. */
  private final java.util.concurrent.Executor out;
  private volatile Session session;

  // Guarded by "this".
  private final ArrayDeque<String> outbox = new ArrayDeque<>();
  private long queued;
  private boolean sending;
  private boolean closed;
  /** No frame is queued or started any more: the connection is being closed. */
  private boolean outputClosed;
  /** The close frame to send once the frame being written is out (a close must not race a text frame). */
  private Close closing;
  private boolean admitted;
  private final Map<String, AutoCloseable> kept = new LinkedHashMap<>();
  private final List<AutoCloseable> connected = new ArrayList<>();
  private final TokenBucket requests;
  private final TokenBucket refusals;
  private int inFlight;

  /**
   * @param id the client's id, null when the one it asked for is invalid
   * @param refusal why it is refused, or null
   */
  ClientSession(Gateway gateway, NodeId id, String refusal, Modules modules) {
    this.gateway = gateway;
    this.id = id;
    this.refusal = refusal;
    this.modules = modules;
    this.limits = gateway.limits();
    this.out = gateway.newClientExecutor();
    long now = gateway.nanoTime();
    this.requests = new TokenBucket(limits.requestsPerSecond(), limits.burst(), now);
    this.refusals = new TokenBucket(limits.maxRefused() / 10.0, limits.maxRefused(), now);
  }

  @Override
  public NodeId id() {
    return id;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Jetty's side

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    // Past the limit, frames are refused here (4413); Jetty stops reading only far past it.
    s.setMaxTextMessageSize(4L * limits.maxFrameBytes());
    s.setMaxBinaryMessageSize(limits.maxFrameBytes());
    if (refusal != null) {
      close(CLOSE_BAD_REQUEST, refusal);
      return;
    }
    Close no = gateway.admit(this);
    if (no != null) {
      close(no.code(), no.reason());
      return;
    }
    synchronized (this) {
      admitted = true;
    }
    List<CompletableFuture<AutoCloseable>> connecting = new ArrayList<>();
    for (GatewayOps m : modules.list) {
      connecting.add(m.onConnect(this));
    }
    CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, failure) -> {
      for (CompletableFuture<AutoCloseable> f : connecting) {
        AutoCloseable c = f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
        if (c != null) {
          keepForConnection(c);
        }
      }
      if (failure != null) {
        RemoteException e = Failures.of(failure, limits.requestTimeout());
        close(e.error() == RemoteError.CONFLICT ? CLOSE_CONFLICT : CLOSE_UNAVAILABLE, e.error().code() + ": "
            + e.getMessage());
        return;
      }
      ObjectNode hello = RemoteJson.object().put("t", "hello").put("id", id.toHex())
          .put("node", gateway.node().id().toHex());
      modules.names().forEach(hello.putArray("modules")::add);
      hello.set("limits", limits.toJson());
      send(hello);
    }, out);
  }

  @Override
  public void onWebSocketText(String text) {
    if (text.length() > limits.maxFrameBytes() || (text.length() * 3L > limits.maxFrameBytes()
        && text.getBytes(StandardCharsets.UTF_8).length > limits.maxFrameBytes())) {
      close(CLOSE_TOO_LARGE, "too-large: a frame is at most " + limits.maxFrameBytes() + " bytes");
      return;
    }
    JsonNode frame;
    try {
      frame = RemoteJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      close(CLOSE_NOT_JSON, "bad-request: a frame must be JSON: " + e.getOriginalMessage());
      return;
    }
    JsonNode ridNode = frame == null ? null : frame.get("rid");
    Long rid = ridNode != null && ridNode.isIntegralNumber() && ridNode.canConvertToLong() && ridNode.longValue() >= 0
        && ridNode.longValue() <= MAX_RID ? ridNode.longValue() : null;
    // Every frame counts against the rate, good or bad.
    long now = gateway.nanoTime();
    String limited = null;
    boolean cutOff = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!requests.tryTake(now)) {
        limited = "over the rate of " + limits.requestsPerSecond() + " requests a second";
        cutOff = !refusals.tryTake(now);
      } else if (inFlight >= limits.maxInFlight()) {
        limited = limits.maxInFlight() + " requests are being answered already";
        cutOff = !refusals.tryTake(now);
      } else {
        inFlight++;
      }
    }
    if (cutOff) {
      close(CLOSE_RATE_LIMITED, "rate-limited: too many requests over the limit");
      return;
    }
    if (limited != null) {
      answer(rid, CompletableFuture.failedFuture(new RemoteException(RemoteError.RATE_LIMITED, limited)));
      return;
    }
    CompletableFuture<JsonNode> result;
    if (frame == null || !frame.isObject()) {
      result = CompletableFuture.failedFuture(RemoteException.badRequest("a request is a JSON object {\"t\":\"req\","
          + " \"rid\", \"op\", ...}"));
    } else if (rid == null) {
      result = CompletableFuture.failedFuture(RemoteException.badRequest("\"rid\" must be an integer from 0 to "
          + MAX_RID + ", not " + (ridNode == null ? "missing" : abbreviate(ridNode.toString()))));
    } else if (!"req".equals(frame.path("t").textValue())) {
      result = CompletableFuture.failedFuture(RemoteException.badRequest("\"t\" must be \"req\""));
    } else {
      result = start((ObjectNode) frame);
    }
    result.whenComplete((r, e) -> {
      synchronized (this) {
        inFlight--;
      }
    });
    answer(rid, result);
  }

  /** Starts the request's op; a future that fails with the error to answer. */
  private CompletableFuture<JsonNode> start(ObjectNode request) {
    JsonNode opNode = request.get("op");
    if (opNode == null || !opNode.isTextual()) {
      return CompletableFuture.failedFuture(RemoteException.badRequest("\"op\" must be a string, e.g. \"get\""));
    }
    String op = opNode.textValue();
    OpArgs args = new OpArgs(op, request);
    if (op.equals("info")) {
      try {
        args.only();
      } catch (RemoteException e) {
        return CompletableFuture.failedFuture(e);
      }
      ObjectNode info = RemoteJson.object().put("id", id.toHex()).put("node", gateway.node().id().toHex());
      modules.names().forEach(info.putArray("modules")::add);
      info.set("limits", limits.toJson());
      return CompletableFuture.completedFuture(info);
    }
    Optional<GatewayOps> module = modules.forOp(op);
    if (module.isEmpty()) {
      String owner = Modules.owner(op).orElse(null);
      return CompletableFuture.failedFuture(owner == null
          ? RemoteException.badRequest("unknown op '" + abbreviate(op) + "'")
          : new RemoteException(RemoteError.UNSUPPORTED, "this node has no " + owner + " module"));
    }
    GatewayOps m = module.get();
    CompletableFuture<JsonNode> started;
    try {
      started = m.call(this, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return started.orTimeout(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(m.refine(e)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  /** Sends the answer to request {@code rid} (null when the request had none) when {@code result} completes. */
  private void answer(Long rid, CompletableFuture<JsonNode> result) {
    result.whenCompleteAsync((value, failure) -> {
      ObjectNode res = RemoteJson.object().put("t", "res");
      if (rid == null) {
        res.putNull("rid");
      } else {
        res.put("rid", rid);
      }
      if (failure == null) {
        res.put("ok", true);
        res.set("result", value);
      } else {
        RemoteException e = Failures.of(failure, limits.requestTimeout());
        if (e.error() == RemoteError.INTERNAL) {
          LOG.warn("internal error answering client {}", id.shortHex(), Failures.unwrap(failure));
        }
        res.put("ok", false);
        res.putObject("error").put("code", e.error().code()).put("message", String.valueOf(e.getMessage()));
      }
      send(res);
    }, out);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    close(CLOSE_NOT_JSON, "bad-request: binary frames are not supported: send JSON text frames");
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    release();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("client {} failed: {}", id == null ? "-" : id.shortHex(), cause.toString());
    release();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending

  @Override
  public void event(ObjectNode event) {
    out.execute(() -> send(event));
  }

  /** Queues a frame; on the scheduler (it serialises JSON). */
  private void send(ObjectNode frame) {
    String text;
    try {
      text = RemoteJson.MAPPER.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      LOG.warn("cannot serialise a frame for client {}", id.shortHex(), e);
      return;
    }
    boolean overflow = false;
    synchronized (this) {
      if (closed || outputClosed) {
        return;
      }
      if (queued + text.length() > limits.maxQueued()) {
        overflow = true;
      } else {
        outbox.add(text);
        queued += text.length();
        if (sending) {
          return;
        }
        sending = true;
      }
    }
    if (overflow) {
      close(CLOSE_RATE_LIMITED, "rate-limited: the client does not read its answers and events fast enough");
      return;
    }
    flush();
  }

  /** Sends the next queued frame; one is in flight at a time. */
  private void flush() {
    String next;
    Close close = null;
    synchronized (this) {
      next = closed || outputClosed ? null : outbox.poll();
      if (next == null) {
        sending = false;
        close = closing;
        closing = null;
      }
    }
    if (next == null) {
      if (close != null) {
        sendClose(close);
      }
      return;
    }
    int size = next.length();
    session.sendText(next, Callback.from(() -> {
      synchronized (this) {
        queued -= size;
      }
      flush();
    }, failure -> {
      LOG.debug("sending to client {} failed: {}", id.shortHex(), failure.toString());
      release();
    }));
  }

  void ping() {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Registrations and closing

  @Override
  public boolean keep(String key, Supplier<AutoCloseable> open) {
    synchronized (this) {
      if (closed || kept.containsKey(key)) {
        return false;
      }
      if (kept.size() >= MAX_KEPT) {
        throw RemoteException.badRequest("a client holds at most " + MAX_KEPT + " subscriptions and watches");
      }
      // Opening registers a handler: cheap, and under the lock so that release() cannot miss it.
      kept.put(key, open.get());
      return true;
    }
  }

  @Override
  public boolean release(String key) {
    AutoCloseable r;
    synchronized (this) {
      r = kept.remove(key);
    }
    closeQuietly(r);
    return r != null;
  }

  private void keepForConnection(AutoCloseable c) {
    boolean now;
    synchronized (this) {
      now = closed;
      if (!now) {
        connected.add(c);
      }
    }
    if (now) {
      closeQuietly(c);
    }
  }

  /** Closes the connection with {@code code} and {@code reason}, and lets go of everything the client held. */
  void close(int code, String reason) {
    Close close = new Close(code, reason);
    boolean now;
    synchronized (this) {
      if (outputClosed) {
        now = false;
      } else {
        outputClosed = true;
        // After the frame being written, if any: flush() sends it then.
        now = !sending;
        if (!now) {
          closing = close;
        }
      }
    }
    release();
    if (now) {
      sendClose(close);
    }
  }

  private void sendClose(Close close) {
    Session s = session;
    if (s != null && s.isOpen()) {
      // A close reason is at most 123 bytes of UTF-8.
      s.close(close.code(), truncate(close.reason(), 120), Callback.NOOP);
    }
  }

  private static String truncate(String reason, int maxBytes) {
    byte[] b = reason.getBytes(StandardCharsets.UTF_8);
    if (b.length <= maxBytes) {
      return reason;
    }
    String s = reason;
    while (s.getBytes(StandardCharsets.UTF_8).length > maxBytes - 3) {
      s = s.substring(0, s.length() - 1);
    }
    return s + "...";
  }

  private void release() {
    List<AutoCloseable> toClose;
    boolean unregister;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      unregister = admitted;
      toClose = new ArrayList<>(kept.values());
      toClose.addAll(connected);
      kept.clear();
      connected.clear();
      outbox.clear();
      queued = 0;
    }
    if (unregister) {
      gateway.remove(this);
    }
    toClose.forEach(ClientSession::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing a client registration failed: {}", e.toString());
    }
  }
}
