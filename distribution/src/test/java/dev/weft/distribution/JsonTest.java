package dev.weft.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.NodeInfo;
import dev.weft.api.NodeStats;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.IndexStats;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.remote.PhtForms;
import dev.weft.schema.Global;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class JsonTest {
  private static final NodeId ID = NodeId.random(new Random(5));
  private static final Version VERSION = new Version(0x0123_4567_89ab_0001L, 0x1122_3344_5566_7788L);

  @Test
  void apiTypesAsStrings() {
    assertThat(Json.text(new PutResult(VERSION, 2, 3)))
        .isEqualTo("{\"version\":\"123456789ab0001-1122334455667788\",\"acknowledged\":2,\"attempted\":3}");
    assertThat(Json.text(List.of(ID, Address.parse("udp://[::1]:4000"))))
        .isEqualTo("[\"" + ID.toHex() + "\",\"udp://[::1]:4000\"]");
  }

  @Test
  void storedObjectHasNamespaceKeyValueVersionInThatOrder() throws JsonProcessingException {
    StoredObject o = new StoredObject("ns", "k", Json.parse("{\"a\":[1,2]}"), VERSION);
    assertThat(Json.text(o)).isEqualTo(
        "{\"namespace\":\"ns\",\"key\":\"k\",\"value\":{\"a\":[1,2]},\"version\":\"123456789ab0001-1122334455667788\"}");
  }

  @Test
  void globalHasNameValueVersionAndARemovalSaysRemovedInsteadOfAValue() throws JsonProcessingException {
    assertThat(Json.text(new Global("g.1", Optional.of(Json.parse("{\"a\":1.50}")), VERSION))).isEqualTo(
        "{\"name\":\"g.1\",\"value\":{\"a\":1.50},\"version\":\"123456789ab0001-1122334455667788\"}");
    assertThat(Json.text(new Global("g.1", Optional.of(Json.parse("null")), VERSION))).isEqualTo(
        "{\"name\":\"g.1\",\"value\":null,\"version\":\"123456789ab0001-1122334455667788\"}");
    assertThat(Json.text(new Global("g.1", Optional.empty(), VERSION))).isEqualTo(
        "{\"name\":\"g.1\",\"removed\":true,\"version\":\"123456789ab0001-1122334455667788\"}");
  }

  @Test
  void receivedMessageHasNamespaceAndKeyOnlyWhenSentToAKey() throws JsonProcessingException {
    ReceivedMessage toKey = new ReceivedMessage(ReceivedMessage.Kind.KEY, "m1", ID, "user", Optional.of("ns"),
        Optional.of("k"), Json.parse("[1]"));
    assertThat(Json.text(toKey)).isEqualTo("{\"kind\":\"key\",\"id\":\"m1\",\"sender\":\"" + ID.toHex()
        + "\",\"channel\":\"user\",\"namespace\":\"ns\",\"key\":\"k\",\"payload\":[1]}");
    ReceivedMessage broadcast = new ReceivedMessage(ReceivedMessage.Kind.BROADCAST, "m2", ID, "user",
        Optional.empty(), Optional.empty(), Json.parse("\"hi\""));
    assertThat(new String(Json.line(broadcast), StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"broadcast\","
        + "\"id\":\"m2\",\"sender\":\"" + ID.toHex() + "\",\"channel\":\"user\",\"payload\":\"hi\"}\n");
  }

  @Test
  void indexEntriesDefinitionsAndStats() throws JsonProcessingException {
    assertThat(Json.text(new Entry(Key.of(-7), Json.parse("{\"a\":1.50}"))))
        .isEqualTo("{\"key\":-7,\"value\":{\"a\":1.50}}");
    assertThat(Json.text(new Entry(Key.of("ü \""), Json.parse("null"))))
        .isEqualTo("{\"key\":\"ü \\\"\",\"value\":null}");
    assertThat(Json.text(new Entry(Key.point(-1, 2), Json.parse("[]"))))
        .isEqualTo("{\"key\":[-1,2],\"value\":[]}");
    assertThat(Json.text(new IndexInfo("ix", KeyType.STRING, 16, 256, 32))).isEqualTo(
        "{\"name\":\"ix\",\"type\":\"string\",\"leafCapacity\":16,\"keyBits\":256,\"maxStringBytes\":32}");
    assertThat(Json.text(new IndexStats("ix", 3, 4, 3, 50L))).isEqualTo(
        "{\"index\":\"ix\",\"depth\":3,\"leaves\":4,\"internal\":3,\"entries\":50}");
  }

  @Test
  void keysReadBackAsTheyAreWrittenAndNothingElseIsAKey() throws JsonProcessingException {
    for (Key key : List.of(Key.of(Long.MIN_VALUE), Key.of(Long.MAX_VALUE), Key.of(""), Key.of("a b"),
        Key.point(Integer.MIN_VALUE, Integer.MAX_VALUE))) {
      assertThat(PhtForms.parseKey(Json.parse(Json.text(PhtForms.key(key))))).isEqualTo(key);
    }
    for (String notAKey : List.of("1.0", "1e3", "9223372036854775808", "[1]", "[1,2,3]", "[2147483648,0]",
        "[1,\"2\"]", "{\"x\":1}", "true", "null")) {
      assertThatThrownBy(() -> PhtForms.parseKey(Json.parse(notAKey))).as(notAKey)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a key is");
    }
  }

  @Test
  void infoAndStats() {
    Address address = Address.parse("udp://127.0.0.1:4000");
    NodeInfo info = new NodeInfo(ID, List.of(address), 1, 7, List.of(new NodeInfo.Bucket(159,
        List.of(new NodeInfo.ContactInfo(new Contact(ID, List.of(address)), 1000, 1.5, 0)))));
    assertThat(Json.text(info)).isEqualTo("{\"id\":\"" + ID.toHex() + "\",\"addresses\":[\"udp://127.0.0.1:4000\"],"
        + "\"contacts\":1,\"stored\":7,\"buckets\":[{\"index\":159,\"contacts\":[{\"contact\":{\"id\":\"" + ID.toHex()
        + "\",\"addresses\":[\"udp://127.0.0.1:4000\"]},\"lastSeenMillis\":1000,\"rttMillis\":1.5,\"failures\":0}]}]}");
    NodeStats stats = new NodeStats(Map.of("PING", new NodeStats.Rpc(1, 2, 3, 11)), 4, Map.of(2, 5L), 6, 7, 8, 9, 10,
        Map.of("routing.ip-bound", 12L));
    assertThat(Json.text(stats)).isEqualTo("{\"rpcs\":{\"PING\":{\"sent\":1,\"received\":2,\"timedOut\":3,\"bytesOut\":11}},"
        + "\"lookups\":4,\"lookupHops\":{\"2\":5},\"bytesIn\":6,\"bytesOut\":7,\"messagesIn\":8,\"messagesOut\":9,"
        + "\"malformedDropped\":10,\"refused\":{\"routing.ip-bound\":12}}");
  }

  @Test
  void numbersAreKeptExactly() throws JsonProcessingException {
    String text = "{\"d\":0.10000000000000000001,\"t\":1.50,\"e\":1E+400,\"i\":123456789012345678901234567890}";
    assertThat(Json.text(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void parsingIsStrict() {
    assertThatThrownBy(() -> Json.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Json.parse("1 2")).isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("Duplicate");
    assertThatThrownBy(() -> Json.parse("NaN")).isInstanceOf(JsonProcessingException.class);
  }

  /**
   * JsonTree reads and writes trees without an ObjectMapper (for the CLI's start): the trees and the text must be
   * those the mapper makes, node type for node type.
   */
  @ParameterizedTest
  @ValueSource(strings = {"0", "-7", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
      "9223372036854775808", "123456789012345678901234567890", "1.50", "0.00", "-0.0", "0.0", "1e10", "1E+400",
      "-1.5e-7", "0.10000000000000000001", "12345678901234567890.5", "true", "false", "null", "\"\"",
      "\"ü \\\" \\u0000 \\n 😀\"",
      "[]", "{}", "[[],{}]", "{\"a\":{\"b\":[1,2.50,{\"c\":null}],\"d\":\"x\"},\"e\":[true,false]}",
      " \n {\"spaced\" : [ 1 , 2 ] } \n "})
  void jsonTreeReadsAndWritesAsTheMapperDoes(String text) throws Exception {
    JsonNode mapper = Json.MAPPER.readTree(text);
    JsonNode tree = JsonTree.parse(text.getBytes(StandardCharsets.UTF_8));
    assertThat(tree).isEqualTo(mapper);
    assertThat(nodeTypes(tree)).isEqualTo(nodeTypes(mapper));
    assertThat(JsonTree.text(tree)).isEqualTo(Json.MAPPER.writeValueAsString(mapper));
    assertThat(JsonTree.pretty(tree))
        .isEqualTo(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(mapper));
    assertThat(JsonTree.bytes(tree)).isEqualTo(Json.MAPPER.writeValueAsBytes(mapper));
  }

  /** The class of every node, depth first: IntNode and LongNode of equal value are not equal trees. */
  private static List<String> nodeTypes(JsonNode node) {
    List<String> types = new java.util.ArrayList<>(List.of(node.getClass().getSimpleName()));
    node.forEach(child -> types.addAll(nodeTypes(child)));
    return types;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "[1,", "{\"a\":1}x", "1 2", "{} {}", "text", "{\"a\":1,\"a\":2}", "NaN",
      "'single'", "[1]]", "{\"a\":}"})
  void jsonTreeRejectsWhatTheMapperRejects(String text) {
    assertThatThrownBy(() -> Json.MAPPER.readTree(text).require()).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> JsonTree.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void deepNestingIsReadWithoutRecursion() throws Exception {
    // As deep as the parser allows (StreamReadConstraints): the reader's own stack is on the heap.
    String deep = "[".repeat(1000) + "]".repeat(1000);
    assertThat(JsonTree.text(JsonTree.parse(deep.getBytes(StandardCharsets.UTF_8)))).isEqualTo(deep);
  }

  @Test
  void reasonsAreOneLineWithAPosition() {
    assertThatThrownBy(() -> Json.parse("{\n\"a\": }")).isInstanceOfSatisfying(JsonProcessingException.class,
        e -> assertThat(Json.reason(e)).doesNotContain("\n").contains("(line 2, column"));
  }
}
