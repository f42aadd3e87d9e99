package dev.weft.distribution.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class HostPortTest {
  @ParameterizedTest
  @CsvSource({
      "127.0.0.1:7070, 127.0.0.1, 7070, 127.0.0.1:7070",
      "localhost:0, localhost, 0, localhost:0",
      "[::1]:4000, ::1, 4000, [::1]:4000",
      "http://127.0.0.1:7070, 127.0.0.1, 7070, 127.0.0.1:7070",
      "http://127.0.0.1:7070/, 127.0.0.1, 7070, 127.0.0.1:7070",
      "' example.org:80 ', example.org, 80, example.org:80"})
  void parses(String text, String host, int port, String printed) {
    HostPort hp = HostPort.parse(text, "http");
    assertThat(hp).isEqualTo(new HostPort(host, port));
    assertThat(hp.toString()).isEqualTo(printed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7070", "host", "host:", ":7070", "host:port", "host:70000", "host:-1", "::1:7070",
      "[::1:7070", "a b:1", "user@host:1", "udp://127.0.0.1:7070"})
  void rejectsWithTheInputQuoted(String text) {
    assertThatThrownBy(() -> HostPort.parse(text, "http")).isInstanceOf(IllegalArgumentException.class);
  }
}
