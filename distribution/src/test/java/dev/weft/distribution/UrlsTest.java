package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

final class UrlsTest {
  @Test
  void encodesEverythingButUnreservedCharacters() {
    assertThat(Urls.encodeSegment("a b/c?d#e%f+g")).isEqualTo("a%20b%2Fc%3Fd%23e%25f%2Bg");
    assertThat(Urls.encodeSegment("AZaz09-._~")).isEqualTo("AZaz09-._~");
    assertThat(Urls.encodeSegment("é")).isEqualTo("%C3%A9");
    assertThat(Urls.encodeSegment("..")).isEqualTo("%2E%2E");
    assertThat(Urls.encodeSegment(".")).isEqualTo("%2E");
    assertThat(Urls.encodeSegment("...")).isEqualTo("...");
  }

  @Test
  void decodesWhatItEncodesForRandomText() {
    Random random = new Random(20261123);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        int cp;
        do {
          cp = random.nextInt(4) == 0 ? random.nextInt(0x1F700) : 0x20 + random.nextInt(0x5F);
        } while (Character.isSurrogate((char) cp) && cp <= 0xFFFF);
        s.appendCodePoint(cp);
      }
      String text = s.toString();
      String encoded = Urls.encodeSegment(text);
      assertThat(encoded).matches("[A-Za-z0-9._~%-]*");
      assertThat(Urls.decodeSegment(encoded)).isEqualTo(text);
    }
  }

  @Test
  void decodingIsLenientWithRawTextButStrictWithEscapes() {
    assertThat(Urls.decodeSegment("a+b")).isEqualTo("a+b");
    assertThat(Urls.decodeSegment("ünï😀")).isEqualTo("ünï😀");
    assertThat(Urls.decodeSegment("%e2%9c%93")).isEqualTo("✓");
    assertThatThrownBy(() -> Urls.decodeSegment("%zz")).hasMessageContaining("bad percent-encoding");
    assertThatThrownBy(() -> Urls.decodeSegment("abc%4")).hasMessageContaining("bad percent-encoding");
    assertThatThrownBy(() -> Urls.decodeSegment("%C3%28")).hasMessageContaining("UTF-8");
  }
}
