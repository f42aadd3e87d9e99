package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.config.HostPort;
import dev.weft.distribution.config.NodeSettings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Host and Origin rules of {@link ApiGuard} without a server; {@link HttpApiGuardTest} has them over HTTP. */
final class ApiGuardTest {
  private static final HostPort LOOPBACK = new HostPort("127.0.0.1", 7070);
  private static final ApiGuard DEFAULTS = new ApiGuard(ApiGuard.Rules.DEFAULT, LOOPBACK);

  @Test
  void loopbackNamesAndEveryIpAddressAreAnsweredByDefault() {
    for (String host : new String[] {"localhost", "localhost:7070", "LocalHost:7070", "localhost.:7070",
        "127.0.0.1:7070", "127.0.0.1", "[::1]:7070", "[::1]", "[0:0:0:0:0:0:0:1]:7070", "192.0.2.7:7070",
        "[2001:db8::5]:80"}) {
      assertThat(DEFAULTS.refusal(host, null)).as(host).isNull();
    }
    // A request without Host (HTTP/1.0) is no browser's.
    assertThat(DEFAULTS.refusal(null, null)).isNull();
  }

  @Test
  void otherNamesAreRefusedAsDnsRebinding() {
    for (String host : new String[] {"rebind.evil.example:7070", "rebind.evil.example", "localhost.evil.example",
        "127.0.0.1.evil.example:7070", "sub.localhost:7070", "1.2.3:7070", "[::1:7070", "a b", ""}) {
      assertThat(DEFAULTS.refusal(host, null)).as(host).contains("does not answer to the host")
          .contains(NodeSettings.API_HOSTS.key());
    }
  }

  @Test
  void theBoundNameAndListedNamesAreAnswered() {
    ApiGuard bound = new ApiGuard(ApiGuard.Rules.DEFAULT, new HostPort("Node.LAN", 7070));
    assertThat(bound.refusal("node.lan:7070", null)).isNull();
    assertThat(bound.refusal("other.lan:7070", null)).isNotNull();
    ApiGuard wildcard = new ApiGuard(new ApiGuard.Rules(Set.of("node.example.org"), Set.of()),
        new HostPort("0.0.0.0", 7070));
    assertThat(wildcard.refusal("NODE.example.org.:443", null)).isNull();
    assertThat(wildcard.refusal("node.example.org", "https://node.example.org")).isNull();
    assertThat(wildcard.refusal("node.example.org", "http://node.example.org:7070")).isNotNull();
    assertThat(wildcard.refusal("203.0.113.9:7070", null)).isNull();
    assertThat(wildcard.refusal("evil.example.org:7070", null)).isNotNull();
    ApiGuard any = new ApiGuard(new ApiGuard.Rules(Set.of("*"), Set.of()), LOOPBACK);
    assertThat(any.refusal("anything.example:1", null)).isNull();
  }

  @Test
  void onlyTheApisOwnOriginPassesByDefault() {
    assertThat(DEFAULTS.refusal("127.0.0.1:7070", "http://127.0.0.1:7070")).isNull();
    assertThat(DEFAULTS.refusal("localhost:7070", "http://LOCALHOST:7070")).isNull();
    assertThat(DEFAULTS.refusal("[::1]:7070", "http://[::1]:7070")).isNull();
    assertThat(DEFAULTS.refusal("localhost", "http://localhost:80")).isNull();
    assertThat(DEFAULTS.refusal("localhost:80", "http://localhost")).isNull();
    // The same pages through a TLS proxy that passes Host on.
    assertThat(DEFAULTS.refusal("127.0.0.1", "https://127.0.0.1")).isNull();
    assertThat(DEFAULTS.refusal("localhost:443", "https://localhost")).isNull();
    for (String origin : new String[] {"http://evil.example", "http://127.0.0.1:7071", "http://localhost:7070",
        "https://127.0.0.1", "null", "file://", "http://127.0.0.1:7070/path", "chrome-extension://abc"}) {
      assertThat(DEFAULTS.refusal("127.0.0.1:7070", origin)).as(origin).contains("may not use")
          .contains(NodeSettings.API_ORIGINS.key());
      assertThat(DEFAULTS.listed(origin)).isFalse();
    }
    assertThat(DEFAULTS.refusal(null, "http://127.0.0.1:7070")).as("no Host, no own origin").isNotNull();
    assertThat(DEFAULTS.listsOrigins()).isFalse();
  }

  @Test
  void listedOriginsPassAndAreTheOnlyOnesListed() {
    ApiGuard guard = new ApiGuard(ApiGuard.Rules.of(WeftConfig.of(Map.of(NodeSettings.API_ORIGINS.key(),
        "https://App.example.org:443/, http://localhost:3000")), false), LOOPBACK);
    assertThat(guard.listsOrigins()).isTrue();
    assertThat(guard.refusal("127.0.0.1:7070", "https://app.example.org")).isNull();
    assertThat(guard.listed("https://app.example.org")).isTrue();
    assertThat(guard.listed("http://localhost:3000")).isTrue();
    assertThat(guard.listed("http://app.example.org")).isFalse();
    assertThat(guard.listed("http://127.0.0.1:7070")).as("own origin: allowed, not listed").isFalse();
    assertThat(guard.refusal("127.0.0.1:7070", "https://evil.example")).isNotNull();
    ApiGuard any = new ApiGuard(new ApiGuard.Rules(Set.of(), Set.of("*")), LOOPBACK);
    assertThat(any.refusal("127.0.0.1:7070", "https://evil.example")).isNull();
    assertThat(any.listed("null")).isTrue();
    assertThat(any.refusal("rebind.evil.example:7070", "http://rebind.evil.example:7070"))
        .as("the Host check still applies").isNotNull();
  }

  @Test
  void settingsAreCheckedNamingTheKey() {
    assertThat(rules(Map.of(NodeSettings.API_HOSTS.key(), "Node.Example.org., [::1], 10.0.0.1"), false).hosts())
        .containsExactlyInAnyOrder("node.example.org", "[::1]", "10.0.0.1");
    for (String bad : new String[] {"node.example.org:7070", "http://node.example.org", "a/b", "-a.org", "[::1"}) {
      assertThatThrownBy(() -> rules(Map.of(NodeSettings.API_HOSTS.key(), bad), false)).as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("invalid value for weft.api.hosts: '" + bad + "' is not a host name");
    }
    for (String bad : new String[] {"app.example.org", "ftp://app.example.org", "https://app.example.org/x",
        "https://user@app.example.org", "https://", "https://a.org?q"}) {
      assertThatThrownBy(() -> rules(Map.of(NodeSettings.API_ORIGINS.key(), bad), false)).as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("invalid value for weft.api.origins: '" + bad + "' is not a web origin");
    }
    assertThatThrownBy(() -> rules(Map.of(NodeSettings.API_ORIGINS.key(), "null"), true))
        .hasMessageContaining("weft.api.origins: 'null' is the origin any page");
    assertThatThrownBy(() -> rules(Map.of(NodeSettings.API_HOSTS.key(), "*"), false))
        .hasMessageContaining("weft.api.hosts: '*' needs weft.api.token");
    assertThatThrownBy(() -> rules(Map.of(NodeSettings.API_ORIGINS.key(), "https://a.org,*"), false))
        .hasMessageContaining("weft.api.origins: '*' needs weft.api.token");
    assertThat(rules(Map.of(NodeSettings.API_HOSTS.key(), "*", NodeSettings.API_ORIGINS.key(), "*"), true))
        .isEqualTo(new ApiGuard.Rules(Set.of("*"), Set.of("*")));
  }

  private static ApiGuard.Rules rules(Map<String, String> settings, boolean token) {
    return ApiGuard.Rules.of(WeftConfig.of(settings), token);
  }
}
