package dev.weft.distribution.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A {@code HOST:PORT} pair as the options {@code --udp} and {@code --api} take it; IPv6 hosts in brackets
 * ({@code [::1]:7070}). Stored without the brackets. Public: the CLI, the settings and the HTTP API take addresses in
 * this form.
 */
public record HostPort(String host, int port) {
  public HostPort {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("a host is needed");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT}; with {@code scheme} non-null, {@code scheme://HOST:PORT} is accepted as well, so that
   * {@code --api http://127.0.0.1:7070} (what {@code weft node} prints) can be pasted back.
   *
   * @throws IllegalArgumentException with a message that quotes {@code text}
   */
  public static HostPort parse(String text, String scheme) {
    String t = text.trim();
    if (scheme != null && t.toLowerCase(Locale.ROOT).startsWith(scheme + "://")) {
      t = t.substring(scheme.length() + 3);
      if (t.endsWith("/")) {
        t = t.substring(0, t.length() - 1);
      }
    }
    if (t.contains("://")) {
      throw new IllegalArgumentException("expected HOST:PORT" + (scheme == null ? "" : " or " + scheme + "://HOST:PORT")
          + ", got '" + text + "'");
    }
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:7070, got '" + text + "'");
    }
    String host = t.substring(0, colon);
    String portText = t.substring(colon + 1);
    if (host.startsWith("[") != host.endsWith("]")) {
      throw new IllegalArgumentException("unbalanced brackets in '" + text + "' (write IPv6 hosts as [::1]:7070)");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("write IPv6 hosts in brackets, e.g. [::1]:7070, got '" + text + "'");
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '?' || c == '#')) {
      throw new IllegalArgumentException("bad host in '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port '" + portText + "' in '" + text + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port + " in '" + text + "'");
    }
    return new HostPort(host, port);
  }

  /** The host as it goes in a URI or address: IPv6 in brackets. */
  String uriHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /**
   * Whether every address the host names is a loopback one, so that only this machine reaches what listens there. A
   * name that does not resolve counts as not loopback.
   */
  boolean isLoopback() {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** {@code http://HOST:PORT}. */
  public URI httpUri() {
    return URI.create("http://" + this);
  }

  @Override
  public String toString() {
    return uriHost() + ":" + port;
  }
}
