package dev.weft.transport.websocket.internal;

import dev.weft.transport.websocket.SuperNodeMXBean;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listening {@link ListeningWsTransport}'s figures in the platform MBean server; see {@link SuperNodeMXBean}. */
final class SuperNodeBean implements SuperNodeMXBean {
  private static final Logger LOG = LoggerFactory.getLogger(SuperNodeBean.class);

  private final ListeningWsTransport transport;
  private final ObjectName name;

  private SuperNodeBean(ListeningWsTransport transport, ObjectName name) {
    this.transport = transport;
    this.name = name;
  }

  /** Registers the bean of the transport listening at {@code address}; null (logged) when JMX refuses it. */
  static SuperNodeBean register(String address, ListeningWsTransport transport) {
    try {
      ObjectName name = new ObjectName(NAME_PREFIX + ObjectName.quote(address));
      SuperNodeBean bean = new SuperNodeBean(transport, name);
      ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
      return bean;
    } catch (JMException e) {
      // Figures only: a node must not fail to start over them (e.g. two transports on one address in a test).
      LOG.warn("cannot register the JMX bean of the super-node at {}: {}", address, e.toString());
      return null;
    }
  }

  void unregister() {
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (JMException e) {
      LOG.debug("JMX bean {} was gone already: {}", name, e.toString());
    }
  }

  @Override
  public int getRelayedNodes() {
    return transport.relayedCount();
  }

  @Override
  public int getPeerConnections() {
    return transport.peerCount();
  }

  @Override
  public long getDroppedMessages() {
    return transport.drops.sum();
  }
}
