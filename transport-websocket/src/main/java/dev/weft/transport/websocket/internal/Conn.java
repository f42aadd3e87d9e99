package dev.weft.transport.websocket.internal;

import java.nio.ByteBuffer;

/** One WebSocket connection carrying DHT frames, whichever side opened it. Thread-safe. */
abstract class Conn {
  /** The address the other side is reached at ({@code ws://host:port}, or its relay address); null if unknown. */
  volatile String declared;
  /** For a relayed node's connection at its super-node: its relay token; else null. */
  volatile String token;
  /** For a relayed node's connection at its super-node: the IP it reached the super-node at; else null. */
  volatile String relayHost;

  /** Queues a frame; never blocks; dropped when the connection is closed or its queue is full. */
  abstract void send(ByteBuffer frame);

  abstract void close(int code, String reason);

  abstract boolean isOpen();

  /** Where the other end is, for logs. */
  abstract String remote();
}
