package dev.weft.api.spi;

import dev.weft.api.Address;

/**
 * Receives what a {@link Transport} takes off the network. Called on a transport thread: return quickly and never
 * throw (a throwing listener is logged and the message dropped).
 */
public interface TransportListener {
  /** A whole message from {@code from}; the array is the listener's to keep. */
  void onMessage(Address from, byte[] message);

  /** Something arrived that was not a valid frame of this transport; it was dropped. */
  default void onMalformed(Address from, String reason) {}
}
