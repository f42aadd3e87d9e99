package dev.weft.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginsTest {
  @Test
  void byDefaultOnlyTheNodesOwnOriginAndNonBrowsersMayConnect() {
    Origins o = new Origins(List.of(), "example.org");
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
    Origins o = new Origins(List.of("https://app.example.org/", "null"), "0.0.0.0");
    assertThat(o.allows("https://app.example.org", "node.example.org:4001")).isTrue();
    assertThat(o.allows("null", "127.0.0.1:4001")).isTrue();
    assertThat(o.allows("https://evil.example", "node.example.org:4001")).isFalse();
    assertThat(new Origins(List.of("*"), "0.0.0.0").allows("https://evil.example", "node.example.org:4001")).isTrue();
  }

  @Test
  void theOwnOriginShortcutHoldsOnlyForNamesThatCannotBeRebound() {
    Origins o = new Origins(List.of("http://node.example.org:4001"), "0.0.0.0");
    // A page on a name the attacker resolves to this node is "same origin" by its headers: refused.
    assertThat(o.allows("http://rebind.evil.example:4001", "rebind.evil.example:4001")).isFalse();
    assertThat(o.allows("http://localhost.evil.example:4001", "localhost.evil.example:4001")).isFalse();
    // IP addresses and localhost can only be this node; a name of its own is listed.
    assertThat(o.allows("http://localhost:4001", "localhost:4001")).isTrue();
    assertThat(o.allows("http://192.0.2.1:4001", "192.0.2.1:4001")).isTrue();
    assertThat(o.allows("http://[2001:db8::1]:4001", "[2001:db8::1]:4001")).isTrue();
    assertThat(o.allows("http://node.example.org:4001", "node.example.org:4001")).isTrue();
    assertThat(new Origins(List.of(), "Node.Example.org").allows("http://node.example.org:4001",
        "node.example.org:4001")).as("the name the node listens on").isTrue();
  }
}
