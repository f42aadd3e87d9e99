package dev.weft.transport.websocket.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary frames of the DHT endpoint: one WebSocket message each.
 *
 * <pre>
 *   MSG   = 1, u16 len, from, u16 len, token, payload   a DHT message; from: "" = the connection's own address, else a
 *                                                      relay address behind it; token: "" = for the receiver, else
 *                                                      for the receiver's relayed node of that token
 *   OUT   = 2, u16 len, to, payload                    from a relayed node to its super-node: send this on my behalf
 *   HELLO = 3, u16 len, address [, u16 len, others]    from a super-node to a relayed node: your address, and your
 *                                                      relay addresses in the super-node's other schemes,
 *                                                      space-separated (absent from older super-nodes)
 * </pre>
 */
final class Frames {
  static final byte MSG = 1;
  static final byte OUT = 2;
  static final byte HELLO = 3;
  /** Longest address or token in a frame. */
  static final int MAX_TEXT = 1024;

  private Frames() {}

  /** A decoded frame: the texts that apply to its type and the payload. */
  record Frame(byte type, String first, String second, byte[] payload) {}

  static ByteBuffer msg(String from, String token, byte[] payload) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = token.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + f.length + 2 + t.length + payload.length);
    b.put(MSG).putShort((short) f.length).put(f).putShort((short) t.length).put(t).put(payload);
    return b.flip();
  }

  static ByteBuffer out(String to, byte[] payload) {
    byte[] t = to.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + t.length + payload.length);
    b.put(OUT).putShort((short) t.length).put(t).put(payload);
    return b.flip();
  }

  static ByteBuffer hello(String address, java.util.List<String> others) {
    byte[] a = address.getBytes(StandardCharsets.UTF_8);
    byte[] o = String.join(" ", others).getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + a.length + 2 + o.length);
    b.put(HELLO).putShort((short) a.length).put(a).putShort((short) o.length).put(o);
    return b.flip();
  }

  /**
   * Decodes one frame.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static Frame decode(ByteBuffer in) {
    ByteBuffer b = in.slice();
    if (!b.hasRemaining()) {
      throw new IllegalArgumentException("empty frame");
    }
    byte type = b.get();
    switch (type) {
      case MSG: {
        String from = text(b, "sender");
        String token = text(b, "relay token");
        return new Frame(type, from, token, rest(b));
      }
      case OUT: {
        String to = text(b, "destination");
        return new Frame(type, to, "", rest(b));
      }
      case HELLO:
        return new Frame(type, text(b, "address"), b.hasRemaining() ? text(b, "other addresses") : "", new byte[0]);
      default:
        throw new IllegalArgumentException("unknown frame type " + type);
    }
  }

  private static String text(ByteBuffer b, String what) {
    if (b.remaining() < 2) {
      throw new IllegalArgumentException("frame too short for its " + what);
    }
    int n = Short.toUnsignedInt(b.getShort());
    if (n > MAX_TEXT || n > b.remaining()) {
      throw new IllegalArgumentException("bad length " + n + " of the " + what);
    }
    byte[] t = new byte[n];
    b.get(t);
    return new String(t, StandardCharsets.UTF_8);
  }

  private static byte[] rest(ByteBuffer b) {
    byte[] p = new byte[b.remaining()];
    b.get(p);
    return p;
  }
}
