package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class SettingsCatalogTest {
  /** Every class where a module names its settings. */
  private static final List<String> SETTINGS_CLASSES = List.of(
      "dev.weft.api.WeftConfig",
      "dev.weft.kademlia.KademliaSettings",
      "dev.weft.transport.udp.UdpSettings",
      "dev.weft.transport.websocket.WebSocketSettings",
      "dev.weft.transport.websocket.gateway.GatewaySettings",
      "dev.weft.storage.mapdb.MapDbSettings",
      "dev.weft.messaging.MessagingSettings",
      "dev.weft.schema.SchemaSettings",
      "dev.weft.pht.PhtSettings",
      "dev.weft.distribution.NodeSettings");

  private static final Path SHIPPED = Path.of("src/dist/conf/weft.properties");

  @Test
  void theCatalogHasExactlyTheKeysTheModulesName() throws Exception {
    Set<String> named = new TreeSet<>();
    for (String name : SETTINGS_CLASSES) {
      for (Field f : Class.forName(name).getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()) && f.getType() == String.class) {
          f.setAccessible(true);
          String value = (String) f.get(null);
          if (value.startsWith("weft.") && !value.equals(NodeSettings.HOME_PROPERTY)) {
            named.add(value);
          }
        }
      }
    }
    assertThat(SettingsCatalog.builtIn().all().keySet()).containsExactlyInAnyOrderElementsOf(named);
  }

  @Test
  void theShippedPropertiesDocumentEverySettingWithItsDefault() throws IOException {
    List<SettingsCatalog.Setting> documented = SettingsCatalog.parse(Files.readString(SHIPPED, StandardCharsets.UTF_8));
    Map<String, String> defaults = documented.stream()
        .collect(Collectors.toMap(SettingsCatalog.Setting::key, SettingsCatalog.Setting::defaultValue, (a, b) -> {
          throw new AssertionError("documented twice: " + a);
        }, TreeMap::new));
    Map<String, String> expected = SettingsCatalog.builtIn().all().values().stream()
        .collect(Collectors.toMap(SettingsCatalog.Setting::key, SettingsCatalog.Setting::defaultValue, (a, b) -> a,
            TreeMap::new));
    assertThat(defaults).isEqualTo(expected);
    assertThat(documented).allSatisfy(s -> assertThat(s.doc()).as("documentation of %s", s.key()).isNotBlank());
    // Shipped with every line commented out: the file documents, it sets nothing.
    assertThat(Files.readAllLines(SHIPPED)).noneMatch(l -> l.startsWith("weft."));
  }

  @Test
  void parseTakesTheCommentAboveAsDocumentation() {
    List<SettingsCatalog.Setting> parsed = SettingsCatalog.parse("""
        # --- Section ---

        # Bucket size
        # and lookup result size.
        #weft.kademlia.k = 20
        # Two keys
        #weft.a.b = 1
        #weft.a.c =
        weft.x.y = z
        """);
    assertThat(parsed).extracting(SettingsCatalog.Setting::key)
        .containsExactly("weft.kademlia.k", "weft.a.b", "weft.a.c", "weft.x.y");
    assertThat(parsed.get(0).doc()).isEqualTo("Bucket size and lookup result size.");
    assertThat(parsed.get(0).defaultValue()).isEqualTo("20");
    assertThat(parsed.get(2).defaultValue()).isEmpty();
    assertThat(parsed.get(2).doc()).isEqualTo("Two keys");
    assertThat(parsed.get(3).defaultValue()).isEqualTo("z");
  }

  @Test
  void environmentVariablesMapToKeys() {
    SettingsCatalog catalog = SettingsCatalog.standard();
    Map<String, String> settings = catalog.settingsOf(Map.of(
        "WEFT_KADEMLIA_K", "16",
        "WEFT_API_TOKEN", "0123456789abcdef",
        "WEFT_UDP_REASSEMBLY_BYTES_PER_SOURCE", "2MiB",
        "WEFT_API", "127.0.0.1:7071",
        "WEFT_JAVA_OPTS", "-Xmx1g",
        "PATH", "/usr/bin"));
    assertThat(settings).containsExactly(Map.entry("weft.api.token", "0123456789abcdef"),
        Map.entry("weft.kademlia.k", "16"), Map.entry("weft.udp.reassembly-bytes-per-source", "2MiB"));
    assertThat(catalog.find("weft.kademlia.read-quorum").orElseThrow().envName())
        .isEqualTo("WEFT_KADEMLIA_READ_QUORUM");
  }

  @Test
  void noTwoKeysShareAnEnvironmentVariable() {
    Map<String, List<String>> byEnv = SettingsCatalog.standard().all().keySet().stream()
        .collect(Collectors.groupingBy(SettingsCatalog.Setting::envName));
    assertThat(byEnv).allSatisfy((env, keys) -> assertThat(keys).as(env).hasSize(1));
  }

  @Test
  void unknownKeysAreNamedWithTheClosestKnownOne() {
    SettingsCatalog catalog = SettingsCatalog.standard();
    assertThatThrownBy(() -> catalog.check(Map.of("weft.kademlia.kk", "16"), "--set"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("unknown setting 'weft.kademlia.kk' in --set")
        .hasMessageContaining("did you mean weft.kademlia.k?")
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(Cli.USAGE));
    assertThatThrownBy(() -> catalog.check(Map.of("weft.schema.sync-intervall", "1m"), "the file x"))
        .hasMessageContaining("did you mean weft.schema.sync-interval?");
    assertThatThrownBy(() -> catalog.check(Map.of("colour", "blue"), "the file x"))
        .hasMessageContaining("unknown setting 'colour' in the file x")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(() -> catalog.settingsOf(Map.of("WEFT_KADEMLIA_ALPA", "2")))
        .hasMessageContaining("unknown setting in the environment: WEFT_KADEMLIA_ALPA")
        .hasMessageContaining("did you mean WEFT_KADEMLIA_ALPHA?");
  }

  @Test
  void valuesOfTheWrongFormAreNamed() {
    SettingsCatalog catalog = SettingsCatalog.standard();
    Function<Map<String, String>, WeftConfig> config = WeftConfig::of;
    catalog.checkForms(config.apply(Map.of("weft.kademlia.k", "16", "weft.udp.datagram-bytes", "1KiB",
        "weft.kademlia.rpc-timeout", "2s", "weft.mapdb.mmap", "false", "weft.storage", "mapdb")));
    assertThatThrownBy(() -> catalog.checkForms(config.apply(Map.of("weft.kademlia.rpc-timeout", "2 secs"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.rpc-timeout").hasMessageContaining("2 secs");
    assertThatThrownBy(() -> catalog.checkForms(config.apply(Map.of("weft.kademlia.k", "twenty"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.k");
    assertThatThrownBy(() -> catalog.checkForms(config.apply(Map.of("weft.api.max-request-size", "lots"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.api.max-request-size");
  }

  @Test
  void closestIsNoneWhenNothingIsNear() {
    assertThat(SettingsCatalog.closest("weft.kademlia.kk", List.of("weft.kademlia.k", "weft.listen")))
        .isEqualTo("weft.kademlia.k");
    assertThat(SettingsCatalog.closest("something.else.entirely", List.of("weft.kademlia.k"))).isNull();
    assertThat(SettingsCatalog.distance("kitten", "sitting")).isEqualTo(3);
  }
}
