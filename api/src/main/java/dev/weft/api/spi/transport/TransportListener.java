package dev.weft.api.spi.transport;

import dev.weft.api.Address;

/**
 * Receives what a {@link Transport} takes off the network. Called on a transport thread: return quickly and never
 * throw (a throwing listener is logged and the message dropped).
 *
 * @since 0.1.0
 */
public interface TransportListener {
  /**
   * A whole message from {@code from}; the array is the listener's to keep. {@code from} must be an address this
   * transport can send a reply to (for a datagram transport the source address; for a connection, one that maps to
   * it): the node records it as the sender's address for this scheme.
   */
  void onMessage(Address from, byte[] message);

  /** Something arrived that was not a valid frame of this transport; it was dropped. */
  default void onMalformed(Address from, String reason) {}

  /**
   * The transport's {@link Transport#localAddresses()} changed (a relayed transport moved to another relay); the node
   * advertises the new ones from then on. Called on a transport thread.
   */
  default void onAddressesChanged() {}
}
