package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A node's listen addresses as peers should dial them: a wildcard bind ({@code 0.0.0.0}, {@code ::}) is replaced by
 * the addresses of the machine's interfaces that are up — those other machines can reach first, loopback last;
 * {@code 0.0.0.0} by the IPv4 ones, {@code ::} (which accepts both families) by both, without link-local IPv6
 * addresses, which need an interface name to be dialled. Other addresses are kept as they are.
 *
 * <p>What the node advertises in its messages stays the bound address: peers learn its address from where its
 * datagrams come from, and a list of every interface would only grow each message.
 */
final class DialableAddresses {
  private DialableAddresses() {}

  static List<Address> of(List<Address> bound) {
    List<Address> out = new ArrayList<>();
    List<InetAddress> interfaces = null;
    for (Address a : bound) {
      if (!isWildcard(a.host())) {
        out.add(a);
        continue;
      }
      if (interfaces == null) {
        interfaces = interfaceAddresses();
      }
      boolean both = a.host().contains(":");
      int before = out.size();
      for (InetAddress ip : interfaces) {
        if (ip instanceof Inet4Address || (both && ip instanceof Inet6Address && !ip.isLinkLocalAddress())) {
          out.add(Address.of(a.scheme(), ip.getHostAddress().replaceFirst("%.*$", ""), a.port(), a.path()));
        }
      }
      if (out.size() == before) {
        out.add(a);  // No interface could be listed: the bound address is all there is to say.
      }
    }
    return List.copyOf(out);
  }

  static boolean isWildcard(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  /** Addresses of the interfaces that are up, non-loopback ones first. */
  private static List<InetAddress> interfaceAddresses() {
    List<InetAddress> outside = new ArrayList<>();
    List<InetAddress> loopback = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp()) {
          continue;
        }
        for (InetAddress ip : Collections.list(ni.getInetAddresses())) {
          (ip.isLoopbackAddress() ? loopback : outside).add(ip);
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    outside.addAll(loopback);
    return outside;
  }
}
