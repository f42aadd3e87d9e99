package dev.weft.transport.websocket;

import dev.weft.api.Address;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * The HTTP side of a listening WebSocket transport, for the node's plugins: more WebSocket endpoints and static files on
 * the port the transport listens on (the browser gateway mounts {@code /client} and serves {@code weft.js} here). A
 * plugin gets it with {@code context.service(WsEndpoints.class)}; a node that only connects out (a relayed node) has
 * none.
 *
 * <p>Thread-safe; call from the plugin's {@code create} or later. Paths are exact matches; {@code /weft} and {@code
 * /relay/*} are the transport's own.
 *
 * @since 0.1.0
 */
public interface WsEndpoints {
  /** The address the transport listens on, {@code ws://host:port} or {@code wss://host:port} (never null). */
  Address address();

  /** Adds a WebSocket endpoint at {@code path}; {@code creator} is called on a Jetty thread for each upgrade. */
  void mount(String path, WebSocketCreator creator);

  /** Serves {@code body} for GET and HEAD requests of {@code path}, to pages of any origin. */
  void serve(String path, String contentType, byte[] body);
}
