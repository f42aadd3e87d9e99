package dev.weft.transport.websocket.internal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;

/** A connection this node opened to another's DHT endpoint (Java-WebSocket side). */
final class ClientConn extends Conn {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientConn.class);
  private final WsTransport transport;
  private final long maxQueued;
  private final Client client;
  /** Frames sent before the handshake finished; null once open. Guarded by this. */
  private List<ByteBuffer> pending = new ArrayList<>();
  private long pendingBytes;
  private volatile boolean closed;

  ClientConn(WsTransport transport, URI uri, Map<String, String> headers, int maxFrame, long maxQueued, Tls tls) {
    this.transport = transport;
    this.maxQueued = maxQueued;
    this.client = new Client(uri, headers, maxFrame);
    if (tls != null) {
      this.client.setSocketFactory(tls.clientSockets());
    }
    this.client.setTcpNoDelay(true);
    this.client.setConnectionLostTimeout(60);
  }

  void connect() {
    client.connect();
  }

  private final class Client extends WebSocketClient {
    Client(URI uri, Map<String, String> headers, int maxFrame) {
      super(uri, new Draft_6455(List.of(), List.of(new org.java_websocket.protocols.Protocol("")), maxFrame), headers,
          10_000);
      setDaemon(true);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      List<ByteBuffer> flush;
      synchronized (ClientConn.this) {
        flush = pending;
        pending = null;
      }
      for (ByteBuffer b : flush) {
        client.send(b);
      }
      transport.opened(ClientConn.this);
    }

    @Override
    public void onMessage(String message) {
      close(1003, "the DHT endpoint takes binary frames only");
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      transport.onFrame(ClientConn.this, bytes);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closed = true;
      LOG.debug("connection to {} closed: {} {}", getURI(), code, reason);
      transport.closed(ClientConn.this);
    }

    @Override
    public void onError(Exception ex) {
      LOG.debug("connection to {} failed: {}", getURI(), ex.toString());
    }
  }

  @Override
  void send(ByteBuffer frame) {
    synchronized (this) {
      if (pending != null) {
        if (closed || pendingBytes + frame.remaining() > maxQueued) {
          transport.dropped();
          return;
        }
        pendingBytes += frame.remaining();
        pending.add(frame);
        return;
      }
    }
    if (!client.isOpen()) {
      transport.dropped();
      return;
    }
    try {
      client.send(frame);
    } catch (RuntimeException e) {
      // Closed meanwhile: a loss, as the contract allows.
      transport.dropped();
    }
  }

  @Override
  void close(int code, String reason) {
    closed = true;
    client.close(code, reason);
  }

  @Override
  boolean isOpen() {
    return !closed;
  }

  @Override
  String remote() {
    return client.getURI().toString();
  }
}
