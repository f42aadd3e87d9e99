package dev.weft.transport.websocket;

/**
 * What a node listening on WebSocket (a super-node) exposes through JMX, under the name {@code
 * dev.weft:type=SuperNode,address="ws://HOST:PORT"} in the platform MBean server while it listens: the distribution's
 * {@code /metrics} reads it, and so can any JMX client.
 */
public interface SuperNodeMXBean {
  /** The JMX domain and type of every such bean; the {@code address} key is its quoted listen address. */
  String NAME_PREFIX = "dev.weft:type=SuperNode,address=";

  /** Relayed nodes connected to this super-node now. */
  int getRelayedNodes();

  /** Connections to and from other listening nodes now. */
  int getPeerConnections();

  /** Messages dropped since it started: over a connection's queue limit, or hostile frames. */
  long getDroppedMessages();
}
