package dev.weft.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {
  /** Declarations as a module writes them. */
  public static final Setting<Integer> COUNT = Setting.integer("weft.test.count", 20, 2, 64, "how many");
  public static final Setting<Long> SIZE = Setting.size("weft.test.size", "64KiB", 16, 192 * 1024, "how big");
  public static final Setting<Duration> WAIT = Setting.duration("weft.test.wait", "500ms", Duration.ofMillis(10),
      Duration.ofHours(1), "how long");
  public static final Setting<Boolean> ON = Setting.bool("weft.test.on", true, "whether");
  public static final Setting<String> MODE = Setting.choice("weft.test.mode", "fail", List.of("fail", "truncate"),
      "what to do");
  public static final Setting<String> PATH = Setting.text("weft.test.path", "", "where");
  public static final Setting<List<String>> NAMES = Setting.list("weft.test.names", "which");
  public static final Setting<List<Address>> PEERS = Setting.addresses("weft.test.peers", "", "whom");
  public static final Setting<NodeId> ID = Setting.of("weft.test.id", "", "40 hex digits", NodeId::fromHex,
      NodeId::toHex, "who").secret();
  static final Setting<Integer> NOT_PUBLIC = Setting.integer("weft.test.hidden", 1, 0, 1, "not listed");

  @Test
  void defaultsAreParsedFromHowUsersWriteThem() {
    WeftConfig empty = WeftConfig.empty();
    assertThat(empty.get(COUNT)).isEqualTo(20);
    assertThat(empty.get(SIZE)).isEqualTo(65536L);
    assertThat(empty.get(WAIT)).isEqualTo(Duration.ofMillis(500));
    assertThat(empty.get(ON)).isTrue();
    assertThat(empty.get(MODE)).isEqualTo("fail");
    assertThat(empty.get(NAMES)).isEmpty();
    assertThat(empty.get(PEERS)).isEmpty();
    assertThat(SIZE.defaultText()).isEqualTo("64KiB");
    assertThat(PATH.defaultValue()).isEmpty();
    assertThat(empty.find(PATH)).isEmpty();
    assertThatThrownBy(() -> empty.get(PATH)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("weft.test.path has no default");
  }

  @Test
  void valuesAreReadTypedAndChecked() {
    WeftConfig c = WeftConfig.of(Map.of("weft.test.count", "16", "weft.test.size", "1KiB", "weft.test.wait", "2s",
        "weft.test.on", "no", "weft.test.mode", "TRUNCATE", "weft.test.names", "a, b,,c",
        "weft.test.peers", "udp://127.0.0.1:4000,ws://127.0.0.1:4001", "weft.test.id", "00".repeat(20)));
    assertThat(c.get(COUNT)).isEqualTo(16);
    assertThat(c.get(SIZE)).isEqualTo(1024L);
    assertThat(c.get(WAIT)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.get(ON)).isFalse();
    assertThat(c.get(MODE)).isEqualTo("truncate");
    assertThat(c.get(NAMES)).containsExactly("a", "b", "c");
    assertThat(c.get(PEERS)).extracting(Address::scheme).containsExactly("udp", "ws");
    assertThat(c.find(ID)).contains(NodeId.fromHex("00".repeat(20)));
  }

  @Test
  void errorsNameTheKeyTheValueAndWhatIsExpected() {
    assertThatThrownBy(() -> COUNT.parse("99")).isInstanceOf(ConfigException.class)
        .hasMessage("invalid value for weft.test.count: '99' (expected an integer from 2 to 64)");
    assertThatThrownBy(() -> COUNT.parse("many")).hasMessageContaining("'many'");
    assertThatThrownBy(() -> SIZE.parse("1MiB")).hasMessageContaining("a size from 16 to 196608 bytes");
    assertThatThrownBy(() -> WAIT.parse("2h")).hasMessageContaining("a duration from 10ms to 1h");
    assertThatThrownBy(() -> WAIT.parse("1ms")).hasMessageContaining("weft.test.wait");
    assertThatThrownBy(() -> WAIT.parse("-1s")).hasMessageContaining("weft.test.wait");
    assertThatThrownBy(() -> ON.parse("maybe")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> MODE.parse("ignore")).hasMessageContaining("fail or truncate");
    assertThatThrownBy(() -> PEERS.parse("nope")).hasMessageContaining("weft.test.peers");
    assertThatThrownBy(() -> ID.parse("xyz")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid value for weft.test.id: 'xyz' (expected 40 hex digits: ");
  }

  @Test
  void formattedValuesReadBack() {
    assertThat(WAIT.parse(WAIT.format(Duration.ofMillis(1500)))).isEqualTo(Duration.ofMillis(1500));
    assertThat(SIZE.parse(SIZE.format(4096L))).isEqualTo(4096L);
    assertThat(PEERS.format(List.of(Address.parse("udp://127.0.0.1:1")))).isEqualTo("udp://127.0.0.1:1");
    assertThat(WeftConfig.empty().with(COUNT, 30).get(COUNT)).isEqualTo(30);
  }

  @Test
  void declarationsAreCheckedWhenTheyAreMade() {
    assertThatThrownBy(() -> Setting.integer("weft.test.x", 100, 0, 10, "bad default"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.test.x");
    assertThatThrownBy(() -> Setting.integer("kademlia.k", 1, 0, 10, "no prefix"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Setting.integer("weft.Test.k", 1, 0, 10, "upper case"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Setting.integer("weft.test.k", 1, 0, 10, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClassDeclaresItsPublicConstantsSortedByKey() {
    assertThat(Setting.declaredIn(SettingTest.class)).extracting(Setting::key).containsExactly("weft.test.count",
        "weft.test.id", "weft.test.mode", "weft.test.names", "weft.test.on", "weft.test.path", "weft.test.peers",
        "weft.test.size", "weft.test.wait");
    assertThat(CoreSettings.all()).extracting(Setting::key).contains("weft.listen", "weft.storage", "weft.node.id");
  }

  @Test
  void identityIsTheKeyTheDefaultAndTheRange() {
    assertThat(COUNT).hasToString("weft.test.count");
    assertThat(Setting.integer("weft.test.count", 20, 2, 64, "another text")).isEqualTo(COUNT);
    assertThat(Setting.integer("weft.test.count", 21, 2, 64, "how many")).isNotEqualTo(COUNT);
    assertThat(COUNT.withDefault("30")).isNotEqualTo(COUNT);
    assertThat(ID.isSecret()).isTrue();
    assertThat(COUNT.isSecret()).isFalse();
  }
}
