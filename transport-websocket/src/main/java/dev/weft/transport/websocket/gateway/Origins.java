package dev.weft.transport.websocket.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a client connection, by the {@code Origin} header browsers send with the upgrade request.
 *
 * <p>Always allowed: requests without {@code Origin} (not browsers: a browser page cannot leave it out, and other
 * programs are not protected by it anyway), and pages of the node's own origin: an {@code Origin} whose host and port
 * are those of the {@code Host} the request went to, as for the demo page the node serves. Also allowed: the origins
 * listed in {@link GatewaySettings#ALLOWED_ORIGINS} ({@code scheme://host[:port]}, or {@code null} for pages opened
 * from files or sandboxed frames), or every origin with {@code *}.
 */
final class Origins {
  private final boolean any;
  private final Set<String> allowed;

  Origins(List<String> configured) {
    this.any = configured.contains("*");
    this.allowed = configured.stream().map(Origins::normalise).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a request with these headers (either may be null) may connect. */
  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = normalise(origin);
    if (allowed.contains(o)) {
      return true;
    }
    if (host == null || o.equals("null")) {
      return false;
    }
    try {
      URI u = new URI(o);
      if (u.getHost() == null) {
        return false;
      }
      int port = u.getPort() >= 0 ? u.getPort() : u.getScheme().equals("https") ? 443 : 80;
      String authority = (u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]"
          : u.getHost()) + ":" + port;
      String h = host.toLowerCase(Locale.ROOT);
      if (!h.contains(":") || h.endsWith("]")) {
        h = h + ":" + port;
      }
      return authority.equals(h);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
