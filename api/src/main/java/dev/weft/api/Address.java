package dev.weft.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a node can be reached: {@code scheme://host:port[/path]}, for example {@code udp://127.0.0.1:4000} or
 * {@code ws://example.org:8080/weft}. The scheme picks the transport.
 *
 * <p>Immutable. IPv6 hosts are written in brackets: {@code udp://[::1]:4000}.
 */
public final class Address {
  private final String scheme;
  private final String host;
  private final int port;
  private final String path;
  private final String text;

  private Address(String scheme, String host, int port, String path) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.path = path;
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    this.text = scheme + "://" + h + ":" + port + path;
  }

  /** An address from its parts; {@code path} may be empty. */
  public static Address of(String scheme, String host, int port, String path) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    if (!isScheme(scheme)) {
      throw new IllegalArgumentException("bad address scheme '" + scheme + "'");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("an address needs a host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new IllegalArgumentException("an address path starts with '/', got '" + path + "'");
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return new Address(scheme, bare, port, path);
  }

  /**
   * Parses {@code scheme://host:port[/path]}.
   *
   * @throws IllegalArgumentException with a message that quotes the input when it is not such an address
   */
  public static Address parse(String text) {
    Objects.requireNonNull(text, "address");
    String t = text.trim();
    int slot = t.hashCode() & (RECENT.length - 1);
    Address recent = RECENT[slot];
    if (recent != null && recent.text.equals(t)) {
      return recent;
    }
    Address plain = parsePlain(t);
    Address parsed = plain != null ? plain : parseUri(text, t);
    RECENT[slot] = parsed;
    return parsed;
  }

  /**
   * Recently parsed addresses, one per slot by hash: every decoded contact names its addresses, mostly ones this JVM
   * has seen before, so a hit saves the parse and lets tables share one instance (a simulated network of 100,000
   * nodes holds each address in hundreds of tables). Racy on purpose: an {@code Address} is immutable with final
   * fields, so a reader sees either a complete instance or another one, and a miss only costs a parse.
   */
  private static final Address[] RECENT = new Address[1 << 16];

  /** The general parser: {@link URI}'s grammar and checks. {@code t} is {@code text} trimmed. */
  static Address parseUri(String text, String t) {
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an address: '" + text + "' (" + e.getReason() + ")", e);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("not an address: '" + text + "' (expected scheme://host:port, e.g. udp://127.0.0.1:4000)");
    }
    if (uri.getPort() < 0) {
      throw new IllegalArgumentException("address '" + text + "' has no port");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("address '" + text + "' may not have user info, a query or a fragment");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    try {
      return of(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), uri.getPort(), path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an address: '" + text + "' (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The common form, {@code scheme://host:port[/path]} with a lower-case scheme, a dotted IPv4 address or a plain host
   * name, and a path of unreserved characters, parsed without {@link URI}: every decoded contact's addresses pass here,
   * and URI parsing was a tenth of a simulated network's time. Anything else returns null and takes the URI path, so
   * both paths accept and reject the same texts.
   */
  private static Address parsePlain(String t) {
    int sep = t.indexOf("://");
    if (sep <= 0 || !isScheme(t.substring(0, sep))) {
      return null;
    }
    int hostStart = sep + 3;
    int colon = t.indexOf(':', hostStart);
    if (colon < 0) {
      return null;
    }
    String host = t.substring(hostStart, colon);
    if (!isIpv4(host) && !isHostName(host)) {
      return null;
    }
    int slash = t.indexOf('/', colon);
    int portEnd = slash < 0 ? t.length() : slash;
    int digits = portEnd - colon - 1;
    if (digits < 1 || digits > 5) {
      return null;
    }
    int port = 0;
    for (int i = colon + 1; i < portEnd; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      port = port * 10 + (c - '0');
    }
    String path = slash < 0 ? "" : t.substring(slash);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (!(isAlphaNum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~')) {
        return null;
      }
    }
    if (port > 65535) {
      return null;
    }
    return new Address(t.substring(0, sep), host, port, path);
  }

  private static boolean isScheme(String s) {
    if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv4(String s) {
    int parts = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (digits == 0 || value > 255) {
          return false;
        }
        parts++;
        value = -1;
        digits = 0;
      } else if (c >= '0' && c <= '9' && digits < 3 && value != 0) {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }

  /** Labels of letters, digits and inner hyphens, the last starting with a letter (RFC 2396's hostname). */
  private static boolean isHostName(String s) {
    if (s.isEmpty() || s.endsWith(".")) {
      return false;
    }
    int labelStart = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (i == labelStart || s.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (isAlphaNum(c)) {
        // fine anywhere in a label
      } else if (c != '-' || i == labelStart) {
        return false;
      }
    }
    char top = s.charAt(s.lastIndexOf('.') + 1);
    return (top >= 'a' && top <= 'z') || (top >= 'A' && top <= 'Z');
  }

  private static boolean isAlphaNum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Lower-case scheme, e.g. {@code udp}. */
  public String scheme() {
    return scheme;
  }

  /** Host name or literal IP, without brackets. */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Path, empty or starting with '/'. */
  public String path() {
    return path;
  }

  /** The same address with another port (used when a transport bound port 0). */
  public Address withPort(int newPort) {
    return of(scheme, host, newPort, path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a && text.equals(a.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The canonical text form, which {@link #parse(String)} reads back. */
  @Override
  public String toString() {
    return text;
  }
}
