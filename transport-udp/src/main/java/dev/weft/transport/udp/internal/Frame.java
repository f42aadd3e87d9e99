package dev.weft.transport.udp.internal;

import java.nio.ByteBuffer;

/** A decoded, checksum-verified datagram; see {@link Frames#decode}. */
sealed interface Frame {
  /**
   * A whole message in one datagram.
   *
   * @param payload the message bytes; a view of the receive buffer, valid only until the next datagram
   * @param relayed whether the message starts with a relay envelope ({@link Frames.Envelope})
   */
  record Whole(ByteBuffer payload, boolean relayed) implements Frame {}

  /**
   * One piece of a message split over several datagrams. Decoding already checked that the fields agree with each
   * other; the reassembler checks that they agree with the other fragments of the message.
   *
   * @param messageId the sender's id for the message, unique per sender for a while
   * @param totalLength length of the whole message
   * @param index 0-based position of this fragment
   * @param count number of fragments of the message, at least 2
   * @param chunk payload length of every fragment but the last (the last holds the rest, 1 to chunk bytes)
   * @param payload this fragment's bytes; a view of the receive buffer, valid only until the next datagram
   * @param relayed whether the message starts with a relay envelope ({@link Frames.Envelope})
   */
  record Fragment(int messageId, int totalLength, int index, int count, int chunk, ByteBuffer payload,
      boolean relayed) implements Frame {
    /** Where this fragment's bytes go in the message. */
    int offset() {
      return index * chunk;
    }
  }
}
