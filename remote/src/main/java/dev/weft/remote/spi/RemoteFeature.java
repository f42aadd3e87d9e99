package dev.weft.remote.spi;

import java.util.List;

/**
 * What a feature module (messaging, schema, pht, a query layer) offers on the node's remote face: its HTTP routes.
 * Found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.weft.remote.spi.RemoteFeature}) by the HTTP
 * API when it starts, so that a new module adds its routes without editing the API.
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
}
