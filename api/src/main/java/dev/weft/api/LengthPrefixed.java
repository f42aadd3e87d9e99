package dev.weft.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte runs each after its length as a 4-byte big-endian integer, so no two sequences of runs encode alike (("a",
 * "bc") and ("ab", "c") differ): what {@link ValueCipher} binds in as associated data and {@link RecordSigner} signs.
 * weft.js builds the same bytes.
 */
final class LengthPrefixed {
  private LengthPrefixed() {}

  static void write(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  /** The UTF-8 bytes of {@code parts}, each length-prefixed. */
  static byte[] of(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : parts) {
      write(out, p.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
