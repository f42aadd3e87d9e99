package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {
  @Test
  void parsesAndPrintsCanonically() {
    Address a = Address.parse("UDP://127.0.0.1:4000");
    assertThat(a.scheme()).isEqualTo("udp");
    assertThat(a.host()).isEqualTo("127.0.0.1");
    assertThat(a.port()).isEqualTo(4000);
    assertThat(a.toString()).isEqualTo("udp://127.0.0.1:4000");
    assertThat(Address.parse(a.toString())).isEqualTo(a);
  }

  @Test
  void keepsPathAndBracketsIpv6() {
    Address ws = Address.parse("ws://example.org:8080/weft");
    assertThat(ws.path()).isEqualTo("/weft");
    Address v6 = Address.parse("udp://[::1]:5");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.toString()).isEqualTo("udp://[::1]:5");
    assertThat(Address.parse(v6.toString())).isEqualTo(v6);
    assertThat(v6.withPort(7).port()).isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "127.0.0.1:4000", "udp://", "udp://host", "udp://host:99999", "udp://h:1?x=1",
      "udp://u@h:1", "udp://h:1#f", "::::"})
  void rejectsNonAddresses(String text) {
    assertThatThrownBy(() -> Address.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  /**
   * {@link Address#parse} reads the common form without {@link java.net.URI}; on every text, valid or not, it must
   * agree with the URI parser: the same address, or an error from both.
   */
  @Test
  void fastPathAgreesWithUriParser() {
    Random random = new Random(11);
    String[] seeds = {"udp://127.0.0.1:4000", "ws://example.org:8080/weft", "ws://a-b.c9.example:1/relay/x_y~z.",
        "udp://10.0.0.255:65535", "udp://[::1]:5", "sim://n12.node:0", "wss://host:443/", "udp://1.2.3:80"};
    String alphabet = "udp:/.[]0123456789-_~abcXYZ%@?# ";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder t = new StringBuilder(seeds[random.nextInt(seeds.length)]);
      for (int m = random.nextInt(4); m > 0 && t.length() > 0; m--) {
        int at = random.nextInt(t.length());
        switch (random.nextInt(3)) {
          case 0 -> t.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> t.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> t.deleteCharAt(at);
        }
      }
      String text = t.toString();
      Object fast = outcome(() -> Address.parse(text));
      Object uri = outcome(() -> Address.parseUri(text, text.trim()));
      assertThat(fast).as(text).isEqualTo(uri);
    }
  }

  private static Object outcome(java.util.function.Supplier<Address> parse) {
    try {
      Address a = parse.get();
      return a + " " + a.scheme() + " " + a.host() + " " + a.port() + " " + a.path();
    } catch (IllegalArgumentException e) {
      return "error";
    }
  }
}
