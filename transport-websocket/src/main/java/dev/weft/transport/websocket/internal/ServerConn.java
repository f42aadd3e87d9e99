package dev.weft.transport.websocket.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** A connection another node opened to this one's DHT endpoint (Jetty side). Public only because Jetty invokes its listener methods reflectively. */
public final class ServerConn extends Conn implements Session.Listener.AutoDemanding {
  private final WsTransport transport;
  private final long maxQueued;
  private final AtomicLong queued = new AtomicLong();
  private final String remote;
  private volatile Session session;

  ServerConn(WsTransport transport, long maxQueued, String remote) {
    this.transport = transport;
    this.maxQueued = maxQueued;
    this.remote = remote;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    session = s;
    transport.opened(this);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    try {
      transport.onFrame(this, payload);
    } finally {
      callback.succeed();
    }
  }

  @Override
  public void onWebSocketText(String message) {
    close(1003, "the DHT endpoint takes binary frames only");
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    transport.closed(this);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    transport.closed(this);
  }

  @Override
  void send(ByteBuffer frame) {
    Session s = session;
    int n = frame.remaining();
    if (s == null || !s.isOpen() || queued.get() + n > maxQueued) {
      transport.dropped();
      return;
    }
    queued.addAndGet(n);
    s.sendBinary(frame, Callback.from(() -> queued.addAndGet(-n), e -> queued.addAndGet(-n)));
  }

  @Override
  void close(int code, String reason) {
    Session s = session;
    if (s != null) {
      s.close(code, reason, Callback.NOOP);
    }
  }

  @Override
  boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen();
  }

  @Override
  String remote() {
    return remote;
  }
}
