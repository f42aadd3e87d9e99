package dev.weft.distribution.http;

import dev.weft.distribution.Json;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of a streaming route ({@code GET /v1/messages/stream}, {@code GET /v1/schema/watch}): events of the node,
 * one JSON line each, on a chunked response that lasts as long as the client reads it. The route registers a handler
 * with the node that hands each event to {@link #send}, and passes what removes that handler to {@link #start}.
 *
 * <pre>
 *   node thread:           send() ── serialise, append to the queue (bounded) ───────┐
 *   Jetty pool:            drain() ◄──────────────────────────────────────────────────┘
 *                            └─ one write of everything queued ── written ──► drain() again, on the pool
 * </pre>
 *
 * Jetty takes one write at a time, so what arrives while a write is in flight waits in the queue and leaves with the
 * next write: a reader that keeps up gets every event as soon as it arrives, a burst in few writes. A reader that
 * falls behind by more than {@code maxQueuedBytes} is dropped (the connection is closed without the final chunk), so
 * a stuck client costs at most that much memory, never more.
 *
 * <p>When nothing was written for a heartbeat period, an empty line goes out: it keeps the connection from being
 * idle, tells the client the node is still there, and makes a client that went away show up as a failed write, which
 * ends the stream and removes its handler.
 *
 * <p>Every way out (client gone, too slow, {@link #end()}) removes the handler, cancels the heartbeat and completes
 * the request's callback exactly once.
 */
final class NdjsonStream {
  static final String CONTENT_TYPE = "application/x-ndjson";
  private static final Logger LOG = LoggerFactory.getLogger(NdjsonStream.class);
  private static final byte[] HEARTBEAT = {'\n'};

  private enum State {
    /** Events are queued and written. */
    OPEN,
    /** What is queued is written, then the final chunk. */
    ENDING,
    /** Finished or failed: nothing more is written. */
    DONE
  }

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final Executor executor;
  private final Scheduler scheduler;
  private final int maxQueuedBytes;
  private final Duration heartbeat;
  private final Consumer<NdjsonStream> onDone;

  private final Object lock = new Object();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** A write is in flight or a drain is about to run; starts true for the write of the headers. */
  private boolean writing = true;
  private boolean wroteSinceHeartbeat;
  private State state = State.OPEN;
  private Runnable unregister;
  private Scheduler.Task heartbeatTask;

  /** {@code onDone} is called once when the stream is over, however it ended. */
  NdjsonStream(Request request, Response response, Callback callback, Executor executor, int maxQueuedBytes,
      Duration heartbeat, Consumer<NdjsonStream> onDone) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.executor = executor;
    this.scheduler = request.getComponents().getScheduler();
    this.maxQueuedBytes = maxQueuedBytes;
    this.heartbeat = heartbeat;
    this.onDone = onDone;
  }

  /**
   * Sends the headers at once, so that a client knows the handler is registered as soon as it has the status line;
   * events that arrive before they are written are queued.
   *
   * @param unregister removes the handler that feeds {@link #send}; run once when the stream is over
   */
  void start(Runnable unregister) {
    synchronized (lock) {
      this.unregister = unregister;
      if (state == State.DONE) {
        unregister.run();
        return;
      }
      heartbeatTask = scheduler.schedule(this::heartbeat, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }
    // Jetty reports a connection that broke while nobody was writing through the request's failure listeners.
    request.addFailureListener(this::fail);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(false, ByteBuffer.allocate(0), Callback.from(this::written, this::fail));
  }

  /** Queues {@code event} as one line; from any thread. Dropped once the stream is over. */
  void send(Object event) {
    append(Json.line(event));
  }

  /** Writes what is queued, then ends the response cleanly; for a node that stops. Idempotent. */
  void end() {
    boolean drain;
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      state = State.ENDING;
      drain = !writing;
      writing = true;
    }
    if (drain) {
      executor.execute(this::drain);
    }
  }

  private void append(byte[] line) {
    boolean drain = false;
    boolean tooSlow = false;
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      // The first line is always taken, however large: the bound is on how far the reader is behind.
      if (!queue.isEmpty() && queuedBytes + line.length > maxQueuedBytes) {
        tooSlow = true;
      } else {
        queue.add(line);
        queuedBytes += line.length;
        drain = !writing;
        writing = true;
      }
    }
    if (tooSlow) {
      fail(new SlowReaderException(maxQueuedBytes));
    } else if (drain) {
      executor.execute(this::drain);
    }
  }

  private void heartbeat() {
    boolean send;
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      send = !wroteSinceHeartbeat;
      wroteSinceHeartbeat = false;
      heartbeatTask = scheduler.schedule(this::heartbeat, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (send) {
      append(HEARTBEAT);
    }
  }

  /** A write completed: the next one goes from the pool, never nested in this callback (no unbounded recursion). */
  private void written() {
    executor.execute(this::drain);
  }

  private void drain() {
    ByteBuffer batch;
    synchronized (lock) {
      if (state == State.DONE) {
        return;
      }
      if (queue.isEmpty()) {
        if (state == State.OPEN) {
          writing = false;
          return;
        }
        batch = null;
      } else {
        batch = ByteBuffer.allocate((int) queuedBytes);
        for (byte[] line : queue) {
          batch.put(line);
        }
        batch.flip();
        queue.clear();
        queuedBytes = 0;
        wroteSinceHeartbeat = true;
      }
    }
    if (batch != null) {
      response.write(false, batch, Callback.from(this::written, this::fail));
      return;
    }
    // ENDING and all written: the final chunk completes the request.
    if (finish()) {
      response.write(true, ByteBuffer.allocate(0), callback);
    }
  }

  /** Ends the stream because of {@code failure}; Jetty then closes the connection without the final chunk. */
  void fail(Throwable failure) {
    if (finish()) {
      LOG.debug("stream {} to {} ended: {}", request.getHttpURI().getPath(), request.getConnectionMetaData().getRemoteSocketAddress(),
          failure.toString());
      callback.failed(failure);
    }
  }

  /** Moves to DONE once and releases what the stream holds; false when it was done already. */
  private boolean finish() {
    Runnable r;
    synchronized (lock) {
      if (state == State.DONE) {
        return false;
      }
      state = State.DONE;
      queue.clear();
      queuedBytes = 0;
      r = unregister;
      if (heartbeatTask != null) {
        heartbeatTask.cancel();
      }
    }
    if (r != null) {
      r.run();
    }
    onDone.accept(this);
    return true;
  }

  /** The client reads more slowly than events arrive. */
  static final class SlowReaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SlowReaderException(int maxQueuedBytes) {
      super("the client fell more than " + maxQueuedBytes + " bytes behind");
    }
  }
}
