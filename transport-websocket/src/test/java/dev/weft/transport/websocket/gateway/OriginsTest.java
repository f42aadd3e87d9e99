package dev.weft.transport.websocket.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginsTest {
  @Test
  void byDefaultOnlyTheNodesOwnOriginAndNonBrowsersMayConnect() {
    Origins o = new Origins(List.of());
    assertThat(o.allows(null, "127.0.0.1:4001")).isTrue();
    assertThat(o.allows("http://127.0.0.1:4001", "127.0.0.1:4001")).isTrue();
    assertThat(o.allows("HTTP://Example.org", "example.org")).isTrue();
    assertThat(o.allows("https://example.org", "example.org:443")).isTrue();
    assertThat(o.allows("http://[::1]:4001", "[::1]:4001")).isTrue();
    assertThat(o.allows("http://127.0.0.1:4002", "127.0.0.1:4001")).isFalse();
    assertThat(o.allows("http://localhost:4001", "127.0.0.1:4001")).isFalse();
    assertThat(o.allows("https://example.org", "example.org")).as("https is port 443, not 80").isTrue();
    assertThat(o.allows("http://example.org", "example.org:443")).isFalse();
    assertThat(o.allows("null", "127.0.0.1:4001")).isFalse();
    assertThat(o.allows("not a uri %%", "127.0.0.1:4001")).isFalse();
    assertThat(o.allows("http://127.0.0.1:4001", null)).isFalse();
  }

  @Test
  void listedOriginsAndStarAreAllowed() {
    Origins o = new Origins(List.of("https://app.example.org/", "null"));
    assertThat(o.allows("https://app.example.org", "node.example.org:4001")).isTrue();
    assertThat(o.allows("null", "127.0.0.1:4001")).isTrue();
    assertThat(o.allows("https://evil.example", "node.example.org:4001")).isFalse();
    assertThat(new Origins(List.of("*")).allows("https://evil.example", "node.example.org:4001")).isTrue();
  }
}
