package dev.weft.remote.spi;

import dev.weft.api.Node;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a feature module (messaging, schema, pht, a query layer) offers on the node's remote face: its HTTP routes and
 * its browser gateway ops.
 * Found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.weft.remote.spi.RemoteFeature}) by the HTTP
 * API when it starts and by the gateway, so that a new module adds its routes and ops without editing either.
 *
 * <p>Called once, on the thread that starts the API; the routes' handlers then run on the server's threads (see
 * {@link HttpCall}). A provider must have a public no-argument constructor and must not touch a node when created: the
 * node's plugin may be absent, which its handlers answer with {@code unsupported} (see {@link
 * dev.weft.remote.RemoteException#unsupportedWithout}).
 *
 * @since 0.1.0
 */
public interface RemoteFeature {
  /** The feature's name, e.g. {@code pht}; unique among the features found. */
  String name();

  /** Its HTTP routes, never null; no two with the same method and template, none under another feature's prefix. */
  List<Route> routes();

  /**
   * The names of its browser gateway ops, e.g. {@code pht.range}; known even when a node runs without the module, so
   * that the gateway answers {@code unsupported} rather than "unknown op". Empty by default.
   */
  default Set<String> ops() {
    return Set.of();
  }

  /**
   * Its gateway ops bound to {@code node}, when the node runs the module ({@code node.service(..)} finds it). Called
   * when a client connects, on a Jetty thread. Empty by default.
   */
  default Optional<GatewayOps> gatewayOps(Node node) {
    return Optional.empty();
  }
}
