package dev.weft.distribution.http;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which requests the HTTP API lets in by their {@code Host} and {@code Origin} headers, so that a web page the
 * operator opens cannot drive the node (docs/security.md, "The HTTP API and web pages"). Checked on every request
 * before anything else runs; the token ({@link NodeSettings#API_TOKEN}) is checked after, in addition.
 *
 * <ul>
 *   <li><b>Host</b> (against DNS rebinding, as geth's {@code --http.vhosts}): a request without one (HTTP/1.0, not a
 *       browser), one naming an IP address, {@code localhost}, the name the API is bound to, or a name listed in
 *       {@link NodeSettings#API_HOSTS} passes; {@code *} there turns the check off. The port is not compared; names
 *       are compared without case and without a trailing dot.
 *   <li><b>Origin</b> (against cross-site requests): a request without one (the CLI, curl), one from the API's own
 *       origin (the host and port of the request's {@code Host}: the web UI), or from an origin listed in
 *       {@link NodeSettings#API_ORIGINS} passes; {@code *} there lets every page in. Only listed origins get CORS
 *       headers.
 * </ul>
 *
 * <p>Immutable; called on Jetty's threads. Public for {@link Rules}, which the node's settings read.
 */
public final class ApiGuard {
  /** What {@code Access-Control-Allow-Methods} offers: every method a route takes. */
  static final String CORS_METHODS = "GET, HEAD, PUT, POST, DELETE";
  /** What {@code Access-Control-Allow-Headers} offers: the token and the body's type. */
  static final String CORS_HEADERS = "Authorization, Content-Type";
  /** Response headers a listed page may read besides the simple ones. */
  static final String CORS_EXPOSED = "Allow, Retry-After, WWW-Authenticate";
  /** How long, in seconds, a browser may keep a preflight's answer. */
  static final String CORS_MAX_AGE = "600";

  private static final String ANY = "*";
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d"
      + "|1\\d\\d|[1-9]?\\d)){3}");
  /** A DNS name (letters, digits, {@code -} and {@code _} in dot-separated labels), lower case. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
      + "(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

  /**
   * What the settings add to the defaults.
   *
   * @param hosts names from {@link NodeSettings#API_HOSTS}, lower case without a trailing dot; {@code *}: any Host
   * @param origins origins from {@link NodeSettings#API_ORIGINS}, normalised ({@link #normalise}); {@code *}: any
   */
  public record Rules(Set<String> hosts, Set<String> origins) {
    /** Nothing beyond the defaults. */
    static final Rules DEFAULT = new Rules(Set.of(), Set.of());

    public Rules {
      hosts = Set.copyOf(hosts);
      origins = Set.copyOf(origins);
    }

    /**
     * Reads {@link NodeSettings#API_HOSTS} and {@link NodeSettings#API_ORIGINS}.
     *
     * @param token whether the API requires a token: {@code *} in either list needs one, since without it any page
     *     could drive the node
     * @throws ConfigException naming the key and the entry that is wrong
     */
    public static Rules of(WeftConfig config, boolean token) {
      Set<String> hosts = new TreeSet<>();
      for (String h : config.get(NodeSettings.API_HOSTS)) {
        hosts.add(h.equals(ANY) ? ANY : hostEntry(h));
      }
      Set<String> origins = new TreeSet<>();
      for (String o : config.get(NodeSettings.API_ORIGINS)) {
        origins.add(o.equals(ANY) ? ANY : originEntry(o));
      }
      needsToken(hosts, NodeSettings.API_HOSTS.key(), token, "any web page could reach the API through DNS rebinding");
      needsToken(origins, NodeSettings.API_ORIGINS.key(), token, "any web page could drive the node");
      return new Rules(hosts, origins);
    }

    private static void needsToken(Set<String> listed, String key, boolean token, String why) {
      if (listed.contains(ANY) && !token) {
        throw new ConfigException("invalid value for " + key + ": '*' needs " + NodeSettings.API_TOKEN + " (without a"
            + " token, " + why + ")");
      }
    }

    private static String hostEntry(String entry) {
      String h = withoutDot(entry.toLowerCase(Locale.ROOT));
      if (h.startsWith("[") && h.endsWith("]") && isIpLiteral(h)) {
        return h;
      }
      if (!NAME.matcher(h).matches()) {
        throw new ConfigException("invalid value for " + NodeSettings.API_HOSTS + ": '" + entry + "' is not a host"
            + " name; expected names without scheme or port, comma-separated, e.g. node.example.org (or * for any)");
      }
      return h;
    }

    private static String originEntry(String entry) {
      if (entry.equalsIgnoreCase("null")) {
        throw new ConfigException("invalid value for " + NodeSettings.API_ORIGINS + ": 'null' is the origin any page"
            + " can take (a sandboxed frame), so listing it would let every page in; use * (with a token) for that");
      }
      String o = normalise(entry);
      if (o == null) {
        throw new ConfigException("invalid value for " + NodeSettings.API_ORIGINS + ": '" + entry + "' is not a web"
            + " origin; expected scheme://host[:port] with scheme http or https, e.g. https://app.example.org (or *)");
      }
      return o;
    }
  }

  private final Set<String> names;
  private final boolean anyHost;
  private final Set<String> origins;
  private final boolean anyOrigin;

  /**
   * The guard of an API bound to {@code listen}.
   *
   * @param listen its address: a host name there is one the API answers to (an IP address always is one)
   */
  ApiGuard(Rules rules, HostPort listen) {
    Set<String> n = new TreeSet<>(rules.hosts());
    n.add("localhost");
    String bound = withoutDot(listen.host().toLowerCase(Locale.ROOT));
    if (!isIpLiteral(bound)) {
      n.add(bound);
    }
    this.names = Set.copyOf(n);
    this.anyHost = rules.hosts().contains(ANY);
    this.origins = rules.origins();
    this.anyOrigin = rules.origins().contains(ANY);
  }

  /** Whether origins are listed: then every response says {@code Vary: Origin}, since its CORS headers depend on it. */
  boolean listsOrigins() {
    return !origins.isEmpty();
  }

  /**
   * Why a request with these headers is refused (403), or null when it may go on.
   *
   * @param host the {@code Host} header, null when there is none
   * @param origin the {@code Origin} header, null when there is none
   */
  String refusal(String host, String origin) {
    String name = host == null ? null : hostName(host);
    if (host != null && !anyHost && (name == null || !(isIpLiteral(name) || names.contains(name)))) {
      return "this node's HTTP API does not answer to the host '" + host + "' (a web page using DNS rebinding?); if"
          + " that name is this node's, list it in " + NodeSettings.API_HOSTS;
    }
    if (origin == null || listed(origin) || sameOrigin(origin, host)) {
      return null;
    }
    return "pages of the origin '" + origin + "' may not use this node's HTTP API; list it in "
        + NodeSettings.API_ORIGINS + " to let them";
  }

  /** Whether {@code origin} (not null) is one of the listed ones: it gets CORS headers. */
  boolean listed(String origin) {
    String o = normalise(origin);
    return anyOrigin || (o != null && origins.contains(o));
  }

  /**
   * Whether the page's origin is the API's own: the host and port of the request's {@code Host} (a {@code Host}
   * without a port has the default one of the page's scheme). That is the web UI this server serves, or, with https,
   * the same pages through a TLS proxy that passes {@code Host} on.
   */
  private static boolean sameOrigin(String origin, String host) {
    String o = normalise(origin);
    return o != null && host != null && o.equals(normalise(o.substring(0, o.indexOf(':')) + "://" + host.trim()));
  }

  /**
   * {@code scheme://host[:port]} in lower case, without the scheme's default port and a trailing {@code /}; null
   * when {@code origin} is not an http or https origin ({@code null}, {@code file://}, a path...).
   */
  static String normalise(String origin) {
    String text = origin.trim();
    if (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawUserInfo() != null
        || !u.getRawPath().isEmpty() || u.getRawQuery() != null || u.getRawFragment() != null) {
      return null;
    }
    int port = u.getPort();
    boolean standard = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    return scheme + "://" + withoutDot(u.getHost().toLowerCase(Locale.ROOT)) + (standard ? "" : ":" + port);
  }

  /**
   * The host of a {@code Host} header ({@code host[:port]}, IPv6 in brackets), lower case, without port or trailing
   * dot; null when it is neither an IP address nor a DNS name.
   */
  private static String hostName(String header) {
    String h = header.trim().toLowerCase(Locale.ROOT);
    int close = h.startsWith("[") ? h.indexOf(']') : -1;
    int colon = close >= 0 ? (h.length() > close + 1 && h.charAt(close + 1) == ':' ? close + 1 : -1)
        : h.indexOf(':');
    String rest = colon < 0 ? "" : h.substring(colon + 1);
    String host = withoutDot(colon < 0 ? h : h.substring(0, colon));
    if (!rest.chars().allMatch(c -> c >= '0' && c <= '9') || rest.length() > 5
        || (close >= 0 && host.length() != close + 1)) {
      return null;
    }
    return isIpLiteral(host) || NAME.matcher(host).matches() ? host : null;
  }

  /**
   * Whether {@code host} is an IPv4 address in dotted decimal or an IPv6 address (with or without brackets): a page
   * can only be addressed by an IP address that reaches this server, so such a Host cannot be DNS rebinding.
   */
  static boolean isIpLiteral(String host) {
    if (IPV4.matcher(host).matches()) {
      return true;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.indexOf(':') < 0 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return false;
    }
    try {
      // With brackets InetAddress parses the literal and never asks DNS.
      java.net.InetAddress.getByName("[" + h + "]");
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String withoutDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
