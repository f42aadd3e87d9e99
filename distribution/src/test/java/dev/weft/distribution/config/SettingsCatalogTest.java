package dev.weft.distribution.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.ConfigException;
import dev.weft.api.Setting;
import dev.weft.api.WeftConfig;
import dev.weft.api.internal.Closest;
import dev.weft.distribution.cli.Cli;
import dev.weft.distribution.cli.CliException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings are declared once, in the modules' {@code *Settings} classes: the catalog gathers exactly those, and
 * {@code conf/weft.properties}, the README and the documentation's tables must agree with them (keys and defaults).
 */
final class SettingsCatalogTest {
  /** Every class where a module declares its settings. */
  private static final List<String> SETTINGS_CLASSES = List.of(
      "dev.weft.api.CoreSettings",
      "dev.weft.kademlia.KademliaSettings",
      "dev.weft.transport.udp.UdpSettings",
      "dev.weft.transport.websocket.WebSocketSettings",
      "dev.weft.gateway.GatewaySettings",
      "dev.weft.storage.mapdb.MapDbSettings",
      "dev.weft.messaging.MessagingSettings",
      "dev.weft.schema.SchemaSettings",
      "dev.weft.pht.PhtSettings",
      "dev.weft.query.QuerySettings",
      "dev.weft.distribution.config.NodeSettings");

  private static final Path SHIPPED = Path.of("src/dist/conf/weft.properties");
  private static final Path ROOT = Path.of("..");

  private static final SettingsCatalog CATALOG = SettingsCatalog.standard();

  @Test
  void theCatalogHasExactlyTheSettingsTheModulesDeclare() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (String name : SETTINGS_CLASSES) {
      for (Field f : Class.forName(name).getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == Setting.class) {
          f.setAccessible(true);
          declared.add(((Setting<?>) f.get(null)).key());
        }
      }
    }
    assertThat(CATALOG.all().keySet()).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(CATALOG.all().values()).allSatisfy(s -> assertThat(s.description()).isNotBlank());
  }

  @Test
  void theShippedPropertiesDocumentEverySettingWithItsDefault() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    Map<String, String> docs = new TreeMap<>();
    parseProperties(Files.readString(SHIPPED, StandardCharsets.UTF_8), documented, docs);
    Map<String, String> expected = CATALOG.all().values().stream()
        .collect(Collectors.toMap(Setting::key, Setting::defaultText, (a, b) -> a, TreeMap::new));
    assertThat(documented).isEqualTo(expected);
    assertThat(docs).allSatisfy((key, doc) -> assertThat(doc).as("documentation of %s", key).isNotBlank());
    // Shipped with every line commented out: the file documents, it sets nothing.
    assertThat(Files.readAllLines(SHIPPED)).noneMatch(l -> l.startsWith("weft."));
  }

  @Test
  void theBodyLimitsDeclaredDefaultIsTheOneComputedFromTheOtherDefaults() {
    assertThat(NodeSettings.API_MAX_REQUEST.defaultValue()).contains(NodeSettings.defaultMaxRequest(WeftConfig.empty()));
  }

  @Test
  void everySettingTheDocsNameIsDeclared() throws IOException {
    Pattern named = Pattern.compile("`(weft\\.[a-z0-9.-]*[a-z0-9])`");
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher m = named.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        String key = m.group(1);
        if (!key.equals("weft.js") && !key.equals("weft.id") && CATALOG.find(key).isEmpty()) {
          unknown.add(doc.getFileName() + ": " + key);
        }
      }
    }
    assertThat(unknown).as("settings the documentation names that no module declares").isEmpty();
  }

  /**
   * Every row of a table whose second column is "default" (README's configuration table, docs/*.md) names declared
   * keys ({@code `weft.kademlia.k` / `alpha`} is weft.kademlia.k and weft.kademlia.alpha) and their defaults, one for
   * all or one per key separated by " / ", written as the docs like it (16 KiB, 30 s, 2 min, 10,000, — for none).
   */
  @Test
  void theDocumentationTablesShowTheDeclaredDefaults() throws IOException {
    List<String> wrong = new ArrayList<>();
    int rows = 0;
    for (Path doc : docs()) {
      boolean inTable = false;
      for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
        if (!line.startsWith("|")) {
          inTable = false;
          continue;
        }
        String[] cells = line.split("\\|", -1);
        if (cells.length < 4) {
          continue;
        }
        if (cells[2].strip().equalsIgnoreCase("default")) {
          inTable = true;
          continue;
        }
        if (!inTable || !cells[1].strip().startsWith("`weft.")) {
          continue;
        }
        rows++;
        List<String> keys = keysOf(cells[1]);
        String[] defaults = cells[2].split(" / ");
        if (defaults.length != 1 && defaults.length != keys.size()) {
          wrong.add(doc.getFileName() + ": " + keys + " has " + defaults.length + " defaults");
          continue;
        }
        for (int i = 0; i < keys.size(); i++) {
          String key = keys.get(i);
          String shown = defaults[defaults.length == 1 ? 0 : i].strip();
          Setting<?> s = CATALOG.find(key).orElse(null);
          if (s == null) {
            wrong.add(doc.getFileName() + ": " + key + " is not declared");
          } else if (!sameDefault(s, shown)) {
            wrong.add(doc.getFileName() + ": " + key + " shows default '" + shown + "', declared '" + s.defaultText()
                + "'");
          }
        }
      }
    }
    assertThat(rows).as("table rows checked").isGreaterThan(60);
    assertThat(wrong).isEmpty();
  }

  private static List<Path> docs() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      List<Path> out = new ArrayList<>(files.filter(p -> p.toString().endsWith(".md")).sorted().toList());
      out.add(0, ROOT.resolve("README.md"));
      return out;
    }
  }

  private static List<String> keysOf(String cell) {
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("`([a-z0-9.-]+)`").matcher(cell);
    String prefix = "";
    while (m.find()) {
      String k = m.group(1);
      if (k.startsWith("weft.")) {
        prefix = k.substring(0, k.lastIndexOf('.') + 1);
        keys.add(k);
      } else {
        keys.add(prefix + k);
      }
    }
    return keys;
  }

  private static final Pattern SHOWN = Pattern.compile("`?(\\d[\\d,]*)\\s*([A-Za-z]+)?`?.*");

  /** Whether a default as the docs show it is the declared one: same value once parsed by the setting. */
  private static boolean sameDefault(Setting<?> s, String shown) {
    if (shown.startsWith("—") || shown.equals("random") || shown.startsWith("JVM default")) {
      return s.defaultText().isEmpty() || s.defaultText().equals("none");
    }
    if (shown.startsWith("`") && shown.endsWith("`") && !shown.substring(1, shown.length() - 1).contains("`")) {
      shown = shown.substring(1, shown.length() - 1);
    }
    if (shown.equals(s.defaultText())) {
      return true;
    }
    if (s.defaultText().isEmpty()) {
      return false;
    }
    Matcher m = SHOWN.matcher(shown);
    if (!m.matches()) {
      return shown.equals(s.defaultText());
    }
    String unit = m.group(2) == null ? "" : switch (m.group(2)) {
      case "KiB", "MiB", "GiB", "ms", "s", "m", "h", "d" -> m.group(2);
      case "min" -> "m";
      case "days", "day" -> "d";
      default -> "";
    };
    String text = m.group(1).replace(",", "") + unit;
    try {
      return s.parse(text).equals(s.parse(s.defaultText()));
    } catch (ConfigException e) {
      return false;
    }
  }

  /**
   * {@code key = default} lines of a file in the form of {@code conf/weft.properties}, commented out or not, each
   * documented by the comment lines just above it (consecutive keys share the comment above the first).
   */
  private static void parseProperties(String text, Map<String, String> defaults, Map<String, String> docs) {
    StringBuilder doc = new StringBuilder();
    boolean afterKey = false;
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      String body = line.startsWith("#") ? line.substring(1).strip() : line;
      int eq = body.indexOf('=');
      String key = eq < 0 ? "" : body.substring(0, eq).strip();
      if (key.startsWith("weft.") && !key.contains(" ")) {
        assertThat(defaults.put(key, body.substring(eq + 1).strip())).as("documented twice: %s", key).isNull();
        docs.put(key, doc.toString().strip());
        afterKey = true;
      } else if (line.startsWith("#")) {
        if (afterKey) {
          doc.setLength(0);
          afterKey = false;
        }
        doc.append(' ').append(body);
      } else if (line.isEmpty()) {
        doc.setLength(0);
        afterKey = false;
      }
    }
  }

  @Test
  void environmentVariablesMapToKeys() {
    Map<String, String> settings = CATALOG.settingsOf(Map.of(
        "WEFT_KADEMLIA_K", "16",
        "WEFT_API_TOKEN", "0123456789abcdef",
        "WEFT_UDP_REASSEMBLY_BYTES_PER_SOURCE", "2MiB",
        "WEFT_API", "127.0.0.1:7071",
        "WEFT_JAVA_OPTS", "-Xmx1g",
        "PATH", "/usr/bin"));
    assertThat(settings).containsExactly(Map.entry("weft.api.token", "0123456789abcdef"),
        Map.entry("weft.kademlia.k", "16"), Map.entry("weft.udp.reassembly-bytes-per-source", "2MiB"));
    assertThat(SettingsCatalog.envName("weft.kademlia.read-quorum")).isEqualTo("WEFT_KADEMLIA_READ_QUORUM");
  }

  @Test
  void noTwoKeysShareAnEnvironmentVariable() {
    Map<String, List<String>> byEnv = CATALOG.all().keySet().stream()
        .collect(Collectors.groupingBy(SettingsCatalog::envName));
    assertThat(byEnv).allSatisfy((env, keys) -> assertThat(keys).as(env).hasSize(1));
  }

  @Test
  void unknownKeysAreNamedWithTheClosestKnownOne() {
    assertThatThrownBy(() -> CATALOG.check(Map.of("weft.kademlia.kk", "16"), "--set"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("unknown setting 'weft.kademlia.kk' in --set")
        .hasMessageContaining("did you mean weft.kademlia.k?")
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(Cli.USAGE));
    assertThatThrownBy(() -> CATALOG.check(Map.of("weft.schema.sync-intervall", "1m"), "the file x"))
        .hasMessageContaining("did you mean weft.schema.sync-interval?");
    assertThatThrownBy(() -> CATALOG.check(Map.of("colour", "blue"), "the file x"))
        .hasMessageContaining("unknown setting 'colour' in the file x")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(() -> CATALOG.settingsOf(Map.of("WEFT_KADEMLIA_ALPA", "2")))
        .hasMessageContaining("unknown setting in the environment: WEFT_KADEMLIA_ALPA")
        .hasMessageContaining("did you mean WEFT_KADEMLIA_ALPHA?");
  }

  @Test
  void valuesOfTheWrongFormOrOutOfRangeAreNamed() {
    CATALOG.checkForms(WeftConfig.of(Map.of("weft.kademlia.k", "16", "weft.udp.datagram-bytes", "1KiB",
        "weft.kademlia.rpc-timeout", "2s", "weft.mapdb.mmap", "false", "weft.storage", "mapdb")));
    assertThatThrownBy(() -> CATALOG.checkForms(WeftConfig.of(Map.of("weft.kademlia.rpc-timeout", "2 secs"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.rpc-timeout")
        .hasMessageContaining("2 secs");
    assertThatThrownBy(() -> CATALOG.checkForms(WeftConfig.of(Map.of("weft.kademlia.k", "twenty"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.kademlia.k");
    assertThatThrownBy(() -> CATALOG.checkForms(WeftConfig.of(Map.of("weft.kademlia.k", "99"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("an integer from 2 to 64");
    assertThatThrownBy(() -> CATALOG.checkForms(WeftConfig.of(Map.of("weft.api.max-request-size", "lots"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.api.max-request-size");
    assertThatThrownBy(() -> CATALOG.checkForms(WeftConfig.of(Map.of("weft.mapdb.on-corruption", "ignore"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("fail or truncate");
  }

  @Test
  void closestIsNoneWhenNothingIsNear() {
    assertThat(Closest.to("weft.kademlia.kk", List.of("weft.kademlia.k", "weft.listen"))).isEqualTo("weft.kademlia.k");
    assertThat(Closest.to("something.else.entirely", List.of("weft.kademlia.k"))).isNull();
    assertThat(Closest.distance("kitten", "sitting")).isEqualTo(3);
  }
}
