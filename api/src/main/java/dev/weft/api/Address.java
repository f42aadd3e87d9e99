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
    if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
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
