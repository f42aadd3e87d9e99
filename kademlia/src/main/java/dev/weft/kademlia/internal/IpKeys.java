package dev.weft.kademlia.internal;

import dev.weft.api.Address;

/** What per-IP limits count an address as: its IP literal, or nothing (host names; loopback unless asked). */
final class IpKeys {
  private IpKeys() {}

  /** The host if it is an IP literal that per-IP limits count, else null. */
  static String countedIp(Address a, boolean loopbackToo) {
    String host = a.host();
    boolean v6 = host.indexOf(':') >= 0;
    boolean v4 = !v6 && !host.isEmpty();
    for (int i = 0; v4 && i < host.length(); i++) {
      char c = host.charAt(i);
      v4 = c == '.' || (c >= '0' && c <= '9');
    }
    v4 = v4 && Character.isDigit(host.charAt(host.length() - 1));
    if (!v4 && !v6) {
      return null;
    }
    boolean loopback = v4 ? host.startsWith("127.") : host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    return loopback && !loopbackToo ? null : host;
  }

  /** The /24 of an IPv4 literal, the first four groups (/64) of an IPv6 one as written. */
  static String subnetOf(String ip) {
    if (ip.indexOf(':') < 0) {
      return ip.substring(0, ip.lastIndexOf('.'));
    }
    String[] groups = ip.split(":", -1);
    return groups.length >= 4 ? String.join(":", groups[0], groups[1], groups[2], groups[3]) : ip;
  }
}
