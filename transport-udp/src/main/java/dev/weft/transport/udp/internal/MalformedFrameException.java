package dev.weft.transport.udp.internal;

/**
 * A datagram or fragment that is not a valid frame. The message is the reason given to
 * {@link dev.weft.api.spi.transport.TransportListener#onMalformed}.
 */
final class MalformedFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedFrameException(String reason) {
    // Hostile or corrupt input is routine on a public port: skip the stack trace, nobody reads it.
    super(reason, null, false, false);
  }
}
