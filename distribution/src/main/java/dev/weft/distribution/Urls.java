package dev.weft.distribution;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of path segments (RFC 3986, section 2.1) as the HTTP API and its client use them.
 *
 * <p>Not {@link java.net.URLEncoder}/{@link java.net.URLDecoder}: those implement HTML forms, where {@code +} means a
 * space, which would turn the key {@code a+b} into {@code a b}. Public: the CLI encodes, the HTTP API decodes.
 */
public final class Urls {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Urls() {}

  /**
   * Encodes {@code text} as one path segment: every byte of its UTF-8 form except the unreserved characters is
   * percent-encoded, so {@code /}, {@code ?}, {@code %} and spaces stay inside the segment. The segments {@code .} and
   * {@code ..} are encoded entirely, because clients and servers would otherwise resolve them as relative paths.
   */
  public static String encodeSegment(String text) {
    if (text.equals(".") || text.equals("..")) {
      return text.replace(".", "%2E");
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * Decodes one percent-encoded path segment.
   *
   * @throws IllegalArgumentException when a {@code %} is not followed by two hex digits or the bytes are not UTF-8
   */
  public static String decodeSegment(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      int c = raw.codePointAt(i);
      if (c == '%') {
        int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad percent-encoding in '" + raw + "' at position " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        // A path should be ASCII, but curl sends typed characters as they are: take them as the text they are.
        byte[] b = Character.toString(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(c) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + raw + "' does not decode to UTF-8 text", e);
    }
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
