package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.WeftException;
import dev.weft.api.spi.transport.RelayingTransport;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's transports: one per listen address, which of them sends to each scheme, the addresses the node advertises,
 * and the switchboard ({@link Relays}) through which a super-node's transports carry its relayed nodes' traffic.
 *
 * <p>A scheme is sent by the transport listening in it; failing that, by a transport that can send to it for the
 * node (a relayed transport, whose super-node sends for it). That choice and the addresses are recomputed when a
 * transport's addresses change (a relayed node moved to a super-node that relays other schemes).
 *
 * <h2>Thread safety</h2>
 * Opened and closed by the node's constructor and {@code close}; everything else from any thread: the choice of
 * senders and the addresses are immutable snapshots replaced whole.
 */
final class Transports implements Relays {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

  /** By scheme of the listen address, in the order they were opened; replaced whole (transports read it meanwhile). */
  private volatile Map<String, Transport> listening = Map.of();
  private volatile Map<String, Transport> senders = Map.of();
  private volatile List<Address> addresses = List.of();

  /**
   * Opens a transport for each listen address.
   *
   * @throws WeftException naming the address when one cannot be opened (those already open stay open: close this)
   */
  void open(List<Address> listen, Map<String, TransportProvider> providers, TransportContext context) {
    for (Address bind : listen) {
      if (listening.containsKey(bind.scheme())) {
        throw new WeftException("two listen addresses with scheme " + bind.scheme() + ": " + listen);
      }
      TransportProvider provider = providers.get(bind.scheme());
      Transport t;
      try {
        t = provider.open(bind, context);
      } catch (IOException e) {
        throw new WeftException("cannot listen on " + bind + ": " + e.getMessage(), e);
      }
      Map<String, Transport> next = new LinkedHashMap<>(listening);
      next.put(bind.scheme(), t);
      listening = java.util.Collections.unmodifiableMap(next);
      refresh();
    }
  }

  /** Recomputes the senders and addresses from the transports' current ones; returns the addresses. */
  synchronized List<Address> refresh() {
    Map<String, Transport> next = new HashMap<>(listening);
    List<Address> all = new ArrayList<>();
    for (Transport t : listening.values()) {
      all.addAll(t.localAddresses());
      for (String scheme : t.schemes()) {
        next.putIfAbsent(scheme, t);
      }
    }
    senders = Map.copyOf(next);
    addresses = List.copyOf(all);
    return addresses;
  }

  /** Every transport's addresses, in the order they were opened. */
  List<Address> addresses() {
    return addresses;
  }

  /** The first service of {@code type} a transport offers (listening ones first), for the plugins. */
  <T> Optional<T> service(Class<T> type) {
    Set<Transport> all = new LinkedHashSet<>(listening.values());
    all.addAll(senders.values());
    for (Transport t : all) {
      Optional<T> s = t.service(type);
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  /** The transport that sends to {@code scheme}, or null when none can. */
  Transport senderFor(String scheme) {
    return senders.get(scheme);
  }

  boolean canSend(String scheme) {
    return senders.containsKey(scheme);
  }

  /** The first of {@code c}'s addresses this node can send to. */
  Optional<Address> reachable(Contact c) {
    for (Address a : c.addresses()) {
      if (canSend(a.scheme())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Addresses of the nodes the transports reach the network through (a relayed transport's super-nodes). */
  List<Address> joinThrough() {
    List<Address> out = new ArrayList<>();
    for (Transport t : listening.values()) {
      out.addAll(t.joinThrough());
    }
    return out;
  }

  /** Closes every transport; logs, never throws. */
  void close() {
    for (Transport t : listening.values()) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("transport failed to close", e);
      }
    }
  }

  // Relays: the switchboard between this node's transports.

  @Override
  public List<Address> addressesFor(String token, String host) {
    List<Address> out = new ArrayList<>();
    for (Transport t : listening.values()) {
      if (t instanceof RelayingTransport r) {
        r.relayAddress(token, host).ifPresent(out::add);
      }
    }
    return out;
  }

  @Override
  public boolean deliver(String token, Address from, byte[] message) {
    for (Transport t : listening.values()) {
      if (t instanceof RelayingTransport r && r.deliverTo(token, from, message)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean send(String token, Address to, byte[] message) {
    if (listening.get(to.scheme()) instanceof RelayingTransport r) {
      try {
        r.sendFor(token, to, message);
        return true;
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot relay {} bytes to {}: {}", message.length, to, e.getMessage());
      }
    }
    return false;
  }
}
