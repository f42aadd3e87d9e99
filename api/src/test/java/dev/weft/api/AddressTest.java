package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
