package dev.weft.transport.udp.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The UDP frame format, version 1, specified in {@code docs/protocol.md} ("UDP framing"). All integers big-endian.
 *
 * <pre>
 *   whole message (type 1), 8-byte header:
 *     0  2  magic 0x57 0x46 ("WF")
 *     2  1  version = 1
 *     3  1  type = 1
 *     4  4  CRC-32C of the datagram without this field
 *     8  n  the message (0..n bytes)
 *
 *   fragment (type 2), 20-byte header:
 *     0  8  as above, type = 2
 *     8  4  message id (chosen by the sender)
 *    12  4  message length in bytes (unsigned)
 *    16  2  fragment index (unsigned, 0-based)
 *    18  2  fragment count (unsigned, at least 2)
 *    20  n  fragment payload: every fragment but the last carries the same number of bytes
 *
 *   relayed (type | 0x80, i.e. 0x81 or 0x82): the (reassembled) message starts with a relay envelope
 *     0  1  tokens that follow: 1 = to, 2 = from, 3 = to then from
 *     1  1  token length (8..64), then the token in ASCII; once per token
 *     .  n  the message
 *   "to T": for the node relayed here with token T; "from T": sent for the node relayed by the sender with token T,
 *   whose address is udp://sender/relay/T (see dev.weft.api.spi.transport.Relays).
 * </pre>
 *
 * Stateless; all methods are safe from any thread.
 */
final class Frames {
  static final byte MAGIC_0 = 0x57;
  static final byte MAGIC_1 = 0x46;
  static final byte VERSION = 1;
  static final byte TYPE_WHOLE = 1;
  static final byte TYPE_FRAGMENT = 2;
  /** Flag on the type: the message starts with a relay {@link Envelope}. */
  static final int RELAYED = 0x80;
  /** Longest envelope: the flags byte and two tokens of 64 characters with their lengths. */
  static final int MAX_ENVELOPE = 1 + 2 * (1 + 64);
  static final int CRC_OFFSET = 4;
  static final int WHOLE_HEADER = 8;
  static final int FRAGMENT_HEADER = 20;
  /** The count field is 16 bits. */
  static final int MAX_FRAGMENTS = 0xFFFF;
  /** Smallest datagram size we configure: a fragment header plus some payload. */
  static final int MIN_DATAGRAM = 64;
  /** Largest UDP payload over IPv4; nothing larger can be sent or arrive. */
  static final int MAX_DATAGRAM = 65_507;

  private Frames() {}

  /** Longest message that fits in one datagram of {@code datagramBytes}. */
  static int wholeCapacity(int datagramBytes) {
    return datagramBytes - WHOLE_HEADER;
  }

  /** Payload bytes per fragment in datagrams of {@code datagramBytes}. */
  static int chunkSize(int datagramBytes) {
    return datagramBytes - FRAGMENT_HEADER;
  }

  /** Fragments needed for {@code length} bytes in chunks of {@code chunk}. */
  static long fragmentCount(long length, int chunk) {
    return (length + chunk - 1) / chunk;
  }

  /** Writes {@code message} as one whole-message frame into {@code out}, ready to send (position 0, limit = end). */
  static void encodeWhole(byte[] message, ByteBuffer out) {
    encodeWhole(message, false, out);
  }

  /** As {@link #encodeWhole(byte[], ByteBuffer)}; {@code relayed}: the message starts with an {@link Envelope}. */
  static void encodeWhole(byte[] message, boolean relayed, ByteBuffer out) {
    out.clear();
    out.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(type(TYPE_WHOLE, relayed)).putInt(0).put(message);
    out.flip();
    seal(out);
  }

  /**
   * Writes fragment {@code index} of {@code count} of {@code message} into {@code out}, ready to send.
   *
   * @param chunk payload bytes per fragment; {@code count} must be {@code fragmentCount(message.length, chunk)}
   */
  static void encodeFragment(byte[] message, int messageId, int index, int count, int chunk, ByteBuffer out) {
    encodeFragment(message, false, messageId, index, count, chunk, out);
  }

  /** As {@link #encodeFragment(byte[], int, int, int, int, ByteBuffer)}, flagged when {@code relayed}. */
  static void encodeFragment(byte[] message, boolean relayed, int messageId, int index, int count, int chunk,
      ByteBuffer out) {
    int from = index * chunk;
    int length = Math.min(chunk, message.length - from);
    out.clear();
    out.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(type(TYPE_FRAGMENT, relayed)).putInt(0)
        .putInt(messageId).putInt(message.length).putShort((short) index).putShort((short) count)
        .put(message, from, length);
    out.flip();
    seal(out);
  }

  private static byte type(byte base, boolean relayed) {
    return (byte) (relayed ? base | RELAYED : base);
  }

  /** Every datagram {@code message} is sent as, in order; for tests and tools (sending reuses one buffer). */
  static List<byte[]> encode(byte[] message, int messageId, int datagramBytes) {
    return encode(message, false, messageId, datagramBytes);
  }

  /** As {@link #encode(byte[], int, int)}, flagged when {@code relayed}. */
  static List<byte[]> encode(byte[] message, boolean relayed, int messageId, int datagramBytes) {
    ByteBuffer out = ByteBuffer.allocate(datagramBytes);
    List<byte[]> datagrams = new ArrayList<>();
    if (message.length <= wholeCapacity(datagramBytes)) {
      encodeWhole(message, relayed, out);
      datagrams.add(toArray(out));
      return datagrams;
    }
    int chunk = chunkSize(datagramBytes);
    int count = Math.toIntExact(fragmentCount(message.length, chunk));
    if (count > MAX_FRAGMENTS) {
      throw new IllegalArgumentException(message.length + " bytes need more than " + MAX_FRAGMENTS + " fragments");
    }
    for (int i = 0; i < count; i++) {
      encodeFragment(message, relayed, messageId, i, count, chunk, out);
      datagrams.add(toArray(out));
    }
    return datagrams;
  }

  /** Writes the checksum of the frame between 0 and its limit into the frame's CRC field. */
  static void seal(ByteBuffer frame) {
    frame.putInt(CRC_OFFSET, crc(frame));
  }

  /** CRC-32C of bytes [0, limit) of {@code frame} without the CRC field; does not move its position. */
  static int crc(ByteBuffer frame) {
    CRC32C crc = new CRC32C();
    ByteBuffer view = frame.duplicate();
    view.position(0).limit(CRC_OFFSET);
    crc.update(view);
    view.limit(frame.limit()).position(CRC_OFFSET + 4);
    crc.update(view);
    return (int) crc.getValue();
  }

  /**
   * Reads one datagram (its bytes from position to limit).
   *
   * @param maxMessageBytes the largest message this receiver accepts
   * @return the frame, whose payload is a view of {@code datagram}
   * @throws MalformedFrameException with the reason when it is not a valid version-1 frame
   */
  static Frame decode(ByteBuffer datagram, int maxMessageBytes) throws MalformedFrameException {
    ByteBuffer b = datagram.slice();
    int n = b.limit();
    if (n < WHOLE_HEADER) {
      throw new MalformedFrameException("datagram of " + n + " bytes is shorter than a frame header");
    }
    if (b.get(0) != MAGIC_0 || b.get(1) != MAGIC_1) {
      throw new MalformedFrameException("not a weft frame (bad magic bytes)");
    }
    int version = b.get(2) & 0xFF;
    if (version != VERSION) {
      throw new MalformedFrameException("unsupported frame version " + version + " (this node speaks " + VERSION + ")");
    }
    int flagged = b.get(3) & 0xFF;
    boolean relayed = (flagged & RELAYED) != 0;
    int type = flagged & ~RELAYED;
    if (type != TYPE_WHOLE && type != TYPE_FRAGMENT) {
      throw new MalformedFrameException("unknown frame type " + flagged);
    }
    // A relayed message carries its envelope on top of the largest message.
    int limit = relayed ? maxMessageBytes + MAX_ENVELOPE : maxMessageBytes;
    if (type == TYPE_FRAGMENT && n < FRAGMENT_HEADER) {
      throw new MalformedFrameException("fragment datagram of " + n + " bytes is shorter than its header");
    }
    if (b.getInt(CRC_OFFSET) != crc(b)) {
      throw new MalformedFrameException("checksum mismatch in a datagram of " + n + " bytes");
    }
    if (type == TYPE_WHOLE) {
      int length = n - WHOLE_HEADER;
      if (length > limit) {
        throw new MalformedFrameException("message of " + length + " bytes exceeds the maximum of " + limit);
      }
      return new Frame.Whole(b.position(WHOLE_HEADER).slice(), relayed);
    }
    return decodeFragment(b, n, limit, relayed);
  }

  private static Frame.Fragment decodeFragment(ByteBuffer b, int n, int maxMessageBytes, boolean relayed)
      throws MalformedFrameException {
    int messageId = b.getInt(8);
    long total = b.getInt(12) & 0xFFFF_FFFFL;
    int index = b.getShort(16) & 0xFFFF;
    int count = b.getShort(18) & 0xFFFF;
    int length = n - FRAGMENT_HEADER;
    if (count < 2) {
      throw new MalformedFrameException("fragment count " + count + " is below 2");
    }
    if (index >= count) {
      throw new MalformedFrameException("fragment index " + index + " is not below the count " + count);
    }
    if (total > maxMessageBytes) {
      throw new MalformedFrameException("message of " + total + " bytes exceeds the maximum of " + maxMessageBytes);
    }
    if (length == 0) {
      throw new MalformedFrameException("empty fragment " + index + " of message " + messageId);
    }
    // Every fragment but the last carries `chunk` bytes, so each fragment tells the chunk size: directly, or for the
    // last one as (total - its length) / (count - 1). The reassembler then only has to compare (total, count, chunk).
    long chunk;
    if (index < count - 1) {
      chunk = length;
    } else {
      long rest = total - length;
      if (rest <= 0 || rest % (count - 1) != 0) {
        throw new MalformedFrameException("last fragment of " + length + " bytes does not fit a message of " + total
            + " bytes in " + count + " equal fragments");
      }
      chunk = rest / (count - 1);
    }
    if ((count - 1) * chunk >= total || total > count * chunk) {
      throw new MalformedFrameException("fragment " + index + " of " + length + " bytes: " + count
          + " fragments cannot hold a message of " + total + " bytes");
    }
    return new Frame.Fragment(messageId, (int) total, index, count, (int) chunk, b.position(FRAGMENT_HEADER).slice(),
        relayed);
  }

  /**
   * The relay envelope at the start of a relayed message: which relayed node it is for, and which one sent it.
   *
   * @param to the token of the node relayed by the receiver it is for, or "" when it is for the receiver
   * @param from the token of the node relayed by the sender that sent it, or "" when the sender itself sent it
   */
  record Envelope(String to, String from) {
    Envelope {
      if (to.isEmpty() && from.isEmpty()) {
        throw new IllegalArgumentException("an envelope names at least one relayed node");
      }
      for (String t : List.of(to, from)) {
        if (!t.isEmpty() && !dev.weft.api.spi.transport.Relays.isToken(t)) {
          throw new IllegalArgumentException("not a relay token: " + t);
        }
      }
    }

    /** {@code message} with this envelope in front. */
    byte[] wrap(byte[] message) {
      int size = 1 + (to.isEmpty() ? 0 : 1 + to.length()) + (from.isEmpty() ? 0 : 1 + from.length());
      ByteBuffer b = ByteBuffer.allocate(size + message.length);
      b.put((byte) ((to.isEmpty() ? 0 : 1) | (from.isEmpty() ? 0 : 2)));
      for (String t : List.of(to, from)) {
        if (!t.isEmpty()) {
          b.put((byte) t.length()).put(t.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
      }
      return b.put(message).array();
    }

    /** A relayed message taken apart. */
    record Opened(Envelope envelope, byte[] message) {}

    /**
     * Reads the envelope at the start of {@code relayed}.
     *
     * @throws MalformedFrameException when it is not a valid envelope
     */
    static Opened open(byte[] relayed) throws MalformedFrameException {
      if (relayed.length == 0) {
        throw new MalformedFrameException("relayed message without an envelope");
      }
      int which = relayed[0];
      if (which < 1 || which > 3) {
        throw new MalformedFrameException("bad relay envelope flags " + which);
      }
      int at = 1;
      String[] tokens = {"", ""};
      for (int i = 0; i < 2; i++) {
        if ((which & (1 << i)) == 0) {
          continue;
        }
        if (at >= relayed.length) {
          throw new MalformedFrameException("relay envelope cut short");
        }
        int n = relayed[at++] & 0xFF;
        if (n > relayed.length - at) {
          throw new MalformedFrameException("relay token of " + n + " bytes runs past the message");
        }
        tokens[i] = new String(relayed, at, n, java.nio.charset.StandardCharsets.US_ASCII);
        if (!dev.weft.api.spi.transport.Relays.isToken(tokens[i])) {
          throw new MalformedFrameException("bad relay token in an envelope");
        }
        at += n;
      }
      return new Opened(new Envelope(tokens[0], tokens[1]), java.util.Arrays.copyOfRange(relayed, at, relayed.length));
    }
  }

  private static byte[] toArray(ByteBuffer frame) {
    byte[] bytes = new byte[frame.remaining()];
    frame.duplicate().get(bytes);
    return bytes;
  }
}
