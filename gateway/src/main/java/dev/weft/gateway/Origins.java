package dev.weft.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which web pages may open a client connection, by the {@code Origin} header browsers send with the upgrade request.
 *
 * <p>Always allowed: requests without {@code Origin} (not browsers: a browser page cannot leave it out, and other
 * programs are not protected by it anyway), and pages of the node's own origin: an {@code Origin} whose host and port
 * are those of the {@code Host} the request went to, as for the demo page the node serves, provided that the {@code
 * Host} names the node by an IP address, {@code localhost} or the host of its own {@code ws://} address. Any other
 * name may be a page's own, resolved to the node's address (DNS rebinding), so that page would pass as the node's own.
 * Also allowed: the origins listed in {@link GatewaySettings#ALLOWED_ORIGINS} ({@code scheme://host[:port]}, or
 * {@code null} for pages opened from files or sandboxed frames), or every origin with {@code *}.
 */
final class Origins {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final boolean any;
  private final Set<String> allowed;
  private final String ownHost;

  /**
   * @param configured {@link GatewaySettings#ALLOWED_ORIGINS}
   * @param ownHost the host of the node's {@code ws://} address as configured: its own origin may use that name
   */
  Origins(List<String> configured, String ownHost) {
    this.any = configured.contains("*");
    this.allowed = configured.stream().map(Origins::normalise).collect(Collectors.toUnmodifiableSet());
    this.ownHost = ownHost.toLowerCase(Locale.ROOT);
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
      return authority.equals(h) && namesThisNode(u.getHost().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether a page of {@code host} can only be this node's: an IP address, localhost, or the node's own name. */
  private boolean namesThisNode(String host) {
    // URI parsed the host: in brackets it is a valid IPv6 address.
    return host.equals("localhost") || host.equals(ownHost) || IPV4.matcher(host).matches() || host.startsWith("[");
  }

  private static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
