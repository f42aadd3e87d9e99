package dev.weft.distribution.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.CoreSettings;
import dev.weft.api.WeftConfig;
import dev.weft.distribution.cli.Cli;
import dev.weft.distribution.cli.CliException;
import dev.weft.distribution.http.ApiGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class NodeSettingsTest {
  @TempDir
  Path dir;

  private static NodeSettings.Options options() {
    return new NodeSettings.Options(null, null, null, null, null, null, null);
  }

  @Test
  void defaults() {
    NodeSettings s = NodeSettings.resolve(options(), Optional.empty());
    assertThat(s.config().string(CoreSettings.LISTEN.key())).hasValue("udp://127.0.0.1:4000");
    assertThat(s.api().listen()).isEqualTo(new HostPort("127.0.0.1", 7070));
    assertThat(s.api().maxRequestBytes()).isEqualTo(144 * 1024);
    assertThat(s.api().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.api().streamBufferBytes()).isEqualTo(1024 * 1024);
    assertThat(s.api().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.bootstrap()).isEmpty();
    assertThat(s.configFile()).isEmpty();
  }

  @Test
  void optionsWinOverSetWhichWinsOverTheFile() throws IOException {
    Path file = write("weft.properties", """
        # comments are fine
        weft.listen = udp://127.0.0.1:5000
        weft.bootstrap = udp://10.0.0.1:4000, 10.0.0.2:4000
        weft.api.listen = 127.0.0.1:8080
        weft.api.request-timeout = 5s
        weft.storage = memory
        weft.kademlia.k = 16
        """);
    NodeSettings fromFile = NodeSettings.resolve(
        new NodeSettings.Options(file, null, null, null, null, null, null), Optional.empty());
    assertThat(fromFile.config().string(CoreSettings.LISTEN.key())).hasValue("udp://127.0.0.1:5000");
    assertThat(fromFile.bootstrap()).containsExactly(Address.parse("udp://10.0.0.1:4000"),
        Address.parse("udp://10.0.0.2:4000"));
    assertThat(fromFile.api().listen().port()).isEqualTo(8080);
    assertThat(fromFile.api().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(fromFile.config().string("weft.kademlia.k")).hasValue("16");
    assertThat(fromFile.configFile()).hasValue(file);

    NodeSettings overridden = NodeSettings.resolve(new NodeSettings.Options(file,
        Map.of("weft.kademlia.k", "8", "weft.api.listen", "127.0.0.1:9090"), "[::1]:0", null,
        List.of("udp://127.0.0.1:4001"), null, "00112233445566778899aabbccddeeff00112233"), Optional.empty());
    assertThat(overridden.config().string(CoreSettings.LISTEN.key())).hasValue("udp://[::1]:0");
    assertThat(overridden.bootstrap()).containsExactly(Address.parse("udp://127.0.0.1:4001"));
    assertThat(overridden.api().listen().port()).isEqualTo(9090);
    assertThat(overridden.config().string("weft.kademlia.k")).hasValue("8");
    assertThat(overridden.config().string(CoreSettings.NODE_ID.key())).hasValue("00112233445566778899aabbccddeeff00112233");

    NodeSettings apiOption = NodeSettings.resolve(new NodeSettings.Options(file,
        Map.of("weft.api.listen", "127.0.0.1:9090"), null, "127.0.0.1:0", null, null, null), Optional.empty());
    assertThat(apiOption.api().listen().port()).isZero();
  }

  @Test
  void bodyLimitFollowsTheValueLimitUnlessSet() {
    NodeSettings bigValues = NodeSettings.resolve(new NodeSettings.Options(null,
        Map.of("weft.storage.max-value-bytes", "160KiB"), null, null, null, null, null), Optional.empty());
    assertThat(bigValues.api().maxRequestBytes()).isEqualTo(2 * 160 * 1024 + 16 * 1024);
    NodeSettings explicit = NodeSettings.resolve(new NodeSettings.Options(null,
        Map.of("weft.storage.max-value-bytes", "160KiB", "weft.api.max-request-size", "100KiB"), null, null, null, null,
        null), Optional.empty());
    assertThat(explicit.api().maxRequestBytes()).isEqualTo(100 * 1024);
  }

  @Test
  void bodyLimitFollowsTheMessageLimitWhenItIsTheLarger() {
    NodeSettings bigMessages = NodeSettings.resolve(new NodeSettings.Options(null,
        Map.of("weft.messaging.max-message-bytes", "192KiB"), null, null, null, null, null), Optional.empty());
    assertThat(bigMessages.api().maxRequestBytes()).isEqualTo(2 * 192 * 1024 + 16 * 1024);
  }

  @Test
  void streamBufferIsASetting() {
    NodeSettings set = NodeSettings.resolve(new NodeSettings.Options(null,
        Map.of("weft.api.stream-buffer-size", "4MiB"), null, null, null, null, null), Optional.empty());
    assertThat(set.api().streamBufferBytes()).isEqualTo(4 * 1024 * 1024);
    assertUsage(new NodeSettings.Options(null, Map.of("weft.api.stream-buffer-size", "lots"), null, null, null, null,
        null), "weft.api.stream-buffer-size");
  }

  @Test
  void defaultFileIsReadOnlyWhenPresentAndNoConfigIsGiven() throws IOException {
    Path missing = dir.resolve("absent.properties");
    assertThat(NodeSettings.resolve(options(), Optional.of(missing)).configFile()).isEmpty();

    Path home = write("home.properties", "weft.api.listen=127.0.0.1:7171\n");
    assertThat(NodeSettings.resolve(options(), Optional.of(home)).api().listen().port()).isEqualTo(7171);

    Path explicit = write("explicit.properties", "weft.api.listen=127.0.0.1:7272\n");
    NodeSettings s = NodeSettings.resolve(
        new NodeSettings.Options(explicit, null, null, null, null, null, null), Optional.of(home));
    assertThat(s.api().listen().port()).isEqualTo(7272);
  }

  @Test
  void errorsAreUsageErrorsNamingTheSource() throws IOException {
    assertUsage(new NodeSettings.Options(null, null, "localhost", null, null, null, null), "invalid --udp");
    assertUsage(new NodeSettings.Options(null, null, null, "localhost:http", null, null, null), "invalid --api");
    assertUsage(new NodeSettings.Options(null, null, null, null, List.of("tcp:/x"), null, null), "invalid --bootstrap");
    assertUsage(new NodeSettings.Options(null, null, null, null, List.of("127.0.0.1:0"), null, null), "port 0");
    assertUsage(new NodeSettings.Options(null, null, null, null, null, null, "abc"), "invalid --id");
    assertUsage(new NodeSettings.Options(null, Map.of("weft.api.request-timeout", "soon"), null, null, null, null,
        null), "weft.api.request-timeout");
    assertUsage(new NodeSettings.Options(null, Map.of("weft.api.max-request-size", "1"), null, null, null, null,
        null), "weft.api.max-request-size");
    assertUsage(new NodeSettings.Options(write("bad-id.properties", "weft.node.id=zz\n"), null, null, null, null,
        null, null), "weft.node.id");
    assertUsage(new NodeSettings.Options(write("bad-api.properties", "weft.api.listen=nowhere\n"), null, null, null,
        null, null, null), "invalid weft.api.listen");
    assertUsage(new NodeSettings.Options(dir.resolve("nope.properties"), null, null, null, null, null, null),
        "cannot read --config file");
  }

  private static NodeSettings.Options ws(String udp, String listen, List<String> relays, boolean noListen) {
    return new NodeSettings.Options(null, null, udp, null, null, null, null, null,
        new NodeSettings.WebSockets(listen, relays, noListen));
  }

  @Test
  void webSocketListeningAndRelaying() {
    assertThat(NodeSettings.resolve(ws(null, "127.0.0.1:0", null, false), Optional.empty()).config()
        .string(CoreSettings.LISTEN.key())).hasValue("udp://127.0.0.1:4000,ws://127.0.0.1:0");
    assertThat(NodeSettings.resolve(ws("0.0.0.0:5000", "0.0.0.0:5001", null, false), Optional.empty()).config()
        .string(CoreSettings.LISTEN.key())).hasValue("udp://0.0.0.0:5000,ws://0.0.0.0:5001");
    WeftConfig relayed = NodeSettings.resolve(ws(null, null, List.of("ws://10.0.0.1:7000", "10.0.0.2:7000"), true),
        Optional.empty()).config();
    assertThat(relayed.string(CoreSettings.LISTEN.key())).hasValue("ws://10.0.0.1:7000/relay");
    assertThat(relayed.string("weft.ws.relays")).hasValue("ws://10.0.0.2:7000");
    assertThat(NodeSettings.resolve(ws("127.0.0.1:0", null, List.of("ws://10.0.0.1:7000"), false), Optional.empty())
        .config().string(CoreSettings.LISTEN.key())).hasValue("udp://127.0.0.1:0,ws://10.0.0.1:7000/relay");
    assertThat(NodeSettings.bootstrapAddress("ws://10.0.0.1:7000", "--bootstrap"))
        .isEqualTo(Address.parse("ws://10.0.0.1:7000"));

    assertUsage(ws(null, null, null, true), "--no-listen needs at least one --relay");
    assertUsage(ws("127.0.0.1:0", null, List.of("ws://h:1"), true), "--no-listen cannot be combined");
    assertUsage(ws(null, "127.0.0.1:0", List.of("ws://h:1"), false), "--ws and --relay exclude each other");
    assertUsage(ws(null, null, List.of("udp://h:1"), true), "invalid --relay 'udp://h:1'");
    assertUsage(ws(null, null, List.of("ws://h:0"), true), "invalid --relay");
    assertUsage(ws(null, "nohost", null, false), "--ws");
  }

  @Test
  void environmentSitsBetweenTheFileAndTheFlags() throws IOException {
    Path file = write("layers.properties", """
        weft.kademlia.k = 16
        weft.kademlia.alpha = 4
        weft.kademlia.replication = 6
        """);
    Map<String, String> env = Map.of("WEFT_KADEMLIA_ALPHA", "5", "WEFT_KADEMLIA_REPLICATION", "7",
        "WEFT_API", "127.0.0.1:9999", "HOME", "/root");
    NodeSettings s = NodeSettings.resolve(new NodeSettings.Options(file, Map.of("weft.kademlia.replication", "9"),
        "127.0.0.1:4100", null, null, null, null), Optional.empty(), env);
    assertThat(s.config().string("weft.kademlia.k")).hasValue("16");
    assertThat(s.config().string("weft.kademlia.alpha")).hasValue("5");
    assertThat(s.config().string("weft.kademlia.replication")).hasValue("9");
    assertThat(s.source("weft.kademlia.k")).isEqualTo(NodeSettings.FILE);
    assertThat(s.source("weft.kademlia.alpha")).isEqualTo(NodeSettings.ENV);
    assertThat(s.source("weft.kademlia.replication")).isEqualTo(NodeSettings.FLAG);
    assertThat(s.source(CoreSettings.LISTEN.key())).isEqualTo(NodeSettings.FLAG);
    assertThat(s.source("weft.kademlia.rpc-timeout")).isEqualTo(NodeSettings.DEFAULT);
    // WEFT_API is the client commands' address, not a setting of the node.
    assertThat(s.api().listen().port()).isEqualTo(7070);
    NodeSettings defaults = NodeSettings.resolve(options(), Optional.empty(), Map.of());
    assertThat(defaults.source(CoreSettings.LISTEN.key())).isEqualTo(NodeSettings.DEFAULT);
  }

  @Test
  void unknownKeysStopItNamingTheKeyAndTheClosestOne() throws IOException {
    Path file = write("typo.properties", "weft.kademlia.kk = 16\n");
    assertUsage(new NodeSettings.Options(file, null, null, null, null, null, null),
        "unknown setting 'weft.kademlia.kk' in the configuration file " + file + " (did you mean weft.kademlia.k?)");
    assertUsage(new NodeSettings.Options(null, Map.of("weft.shema.max-globals", "5"), null, null, null, null, null),
        "unknown setting 'weft.shema.max-globals' in --set (did you mean weft.schema.max-globals?)");
    assertThatThrownBy(() -> NodeSettings.resolve(options(), Optional.empty(), Map.of("WEFT_KADEMLIA_KK", "16")))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("WEFT_KADEMLIA_KK (did you mean WEFT_KADEMLIA_K?)");
    assertUsage(new NodeSettings.Options(null, Map.of("weft.kademlia.rpc-timeout", "soon"), null, null, null, null,
        null), "invalid value for weft.kademlia.rpc-timeout: 'soon'");
  }

  @Test
  void anApiOffLoopbackNeedsAToken() {
    assertUsage(new NodeSettings.Options(null, null, null, "0.0.0.0:7070", null, null, null),
        "not a loopback address, without a token: set weft.api.token");
    assertUsage(new NodeSettings.Options(null, Map.of(NodeSettings.API_TOKEN.key(), "short"), null, "0.0.0.0:7070", null,
        null, null), "invalid value for weft.api.token: expected at least 16");
    NodeSettings withToken = NodeSettings.resolve(new NodeSettings.Options(null, null, null, "0.0.0.0:0", null, null,
        null), Optional.empty(), Map.of("WEFT_API_TOKEN", "0123456789abcdef0123"));
    assertThat(withToken.api().token()).hasValue("0123456789abcdef0123");
    NodeSettings loopback = NodeSettings.resolve(options(), Optional.empty());
    assertThat(loopback.api().token()).isEmpty();
  }

  @Test
  void hostsAndOriginsAreReadAndBadOnesStopTheNodeNamingTheKey() throws IOException {
    assertThat(NodeSettings.resolve(options(), Optional.empty()).api().access())
        .isEqualTo(new ApiGuard.Rules(Set.of(), Set.of()));
    NodeSettings listed = NodeSettings.resolve(new NodeSettings.Options(write("hosts.properties",
        "weft.api.hosts = node.example.org, weft.lan\n"), null, null, null, null, null, null), Optional.empty(),
        Map.of("WEFT_API_ORIGINS", "https://app.example.org"));
    assertThat(listed.api().access()).isEqualTo(new ApiGuard.Rules(Set.of("node.example.org", "weft.lan"),
        Set.of("https://app.example.org")));
    assertUsage(new NodeSettings.Options(null, Map.of(NodeSettings.API_HOSTS.key(), "node.example.org:7070"), null, null,
        null, null, null), "invalid value for weft.api.hosts: 'node.example.org:7070' is not a host name");
    assertUsage(new NodeSettings.Options(null, Map.of(NodeSettings.API_ORIGINS.key(), "app.example.org"), null, null, null,
        null, null), "invalid value for weft.api.origins: 'app.example.org' is not a web origin");
    assertUsage(new NodeSettings.Options(null, Map.of(NodeSettings.API_ORIGINS.key(), "*"), null, null, null, null, null),
        "invalid value for weft.api.origins: '*' needs weft.api.token");
    NodeSettings any = NodeSettings.resolve(new NodeSettings.Options(null, Map.of(NodeSettings.API_HOSTS.key(), "*",
        NodeSettings.API_ORIGINS.key(), "*", NodeSettings.API_TOKEN.key(), "0123456789abcdef0123"), null, "0.0.0.0:0", null, null,
        null), Optional.empty());
    assertThat(any.api().access()).isEqualTo(new ApiGuard.Rules(Set.of("*"), Set.of("*")));
  }

  private static void assertUsage(NodeSettings.Options options, String message) {
    assertThatThrownBy(() -> NodeSettings.resolve(options, Optional.empty()))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(Cli.USAGE))
        .hasMessageContaining(message);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }
}
