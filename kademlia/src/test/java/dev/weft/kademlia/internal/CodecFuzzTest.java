package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import dev.weft.testkit.Memory;
import dev.weft.testkit.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Any bytes given to {@link Codec#decode} end as a message that re-encodes to itself, or as a
 * {@link MalformedMessageException} — never another exception, never unbounded allocation. The {@code @FuzzTest} runs
 * its seed corpus ({@code CodecFuzzTestInputs/decode}: one encoded message of every type) in every build and fuzzes
 * with {@code JAZZER_FUZZ=1} (docs/reliability.md); the other tests are the short seeded run and the hostile shapes.
 */
class CodecFuzzTest {
  private static final int MAX_VALUE_BYTES = 64 * 1024;
  /** The largest message a node takes from UDP (UdpOptions' default). */
  private static final int MAX_MESSAGE_BYTES = 256 * 1024;
  private static final Codec CODEC = new Codec(MAX_VALUE_BYTES);

  @FuzzTest
  void decode(byte[] data) {
    decodeOrReject(data);
  }

  /**
   * The contract: a decoded message re-encodes (the node answers and forwards what it accepted) to bytes that decode
   * to the same encoding; a rejection wraps nothing but JSON errors and argument checks (anything else is a check the
   * codec missed, such as a null dereference).
   */
  static void decodeOrReject(byte[] data) {
    Envelope m;
    try {
      m = CODEC.decode(data);
    } catch (MalformedMessageException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException && !(cause instanceof IllegalArgumentException)) {
        throw new AssertionError("rejected through an unexpected exception: " + cause, cause);
      }
      return;
    }
    byte[] once = CODEC.encode(m);
    try {
      assertThat(CODEC.encode(CODEC.decode(once))).isEqualTo(once);
    } catch (MalformedMessageException e) {
      throw new AssertionError("a decoded message does not decode again: " + new String(once, StandardCharsets.UTF_8),
          e);
    }
  }

  /** One encoded message of every type, with every optional field somewhere; the fuzzer's starting points. */
  static List<byte[]> seeds() {
    Random random = new Random(7);
    NodeId from = NodeId.random(random);
    NodeId other = NodeId.random(random);
    List<Address> addrs = List.of(Address.parse("udp://127.0.0.1:4000"), Address.parse("udp://[::1]:4001"));
    Record value = Record.value("users", "alice", "{\"n\":1.50,\"tags\":[\"a\",null,true]}".getBytes(
        StandardCharsets.UTF_8), new Version(1_700_000_000_000L, 42), 1_800_000_000_000L, from);
    List<byte[]> out = new ArrayList<>();
    for (MessageType type : MessageType.values()) {
      long rid = random.nextLong();
      Long tok = null;
      int padTo = 0;
      Message m;
      switch (type) {
        case PING -> {
          tok = random.nextLong();
          m = new Message.Ping();
        }
        case FIND_NODE -> {
          m = new Message.FindNode(other);
          padTo = 300; // a padded request, as sent to a peer whose token we lack
        }
        case FIND_VALUE -> {
          m = new Message.FindValue(other, "users", "alice");
          tok = 17L;
        }
        case STORE -> m = new Message.Store(value);
        case VALUE -> m = new Message.Value(Record.tombstone("users", "bob", new Version(5, 6), 99, other));
        case NODES -> {
          m = new Message.Nodes(List.of(new Contact(other, addrs),
              new Contact(from, List.of(Address.parse("udp://10.0.0.1:9")))));
          tok = -1L;
        }
        case APP -> m = new Message.App("messaging", JsonNodeFactory.instance.objectNode().put("op", "send")
            .set("payload", JsonNodeFactory.instance.arrayNode().add(1).add("two")
                .add(JsonNodeFactory.instance.objectNode())), true);
        case APP_REPLY -> m = new Message.AppReply(JsonNodeFactory.instance.textNode("ok"));
        case STORED -> m = new Message.Stored(true, new Version(1, 2));
        case TOKEN -> {
          tok = Long.MAX_VALUE;
          m = new Message.Token();
        }
        case ERROR -> m = new Message.Error("busy");
        case STORE_MANY -> m = new Message.StoreMany(List.of(value, Record.tombstone("users", "bob", new Version(5, 6),
            99, other)));
        case STORED_MANY -> m = new Message.StoredMany(List.of(new Message.StoredMany.Result(true, Version.ZERO,
            ""), Message.StoredMany.Result.failed("full")));
        case PONG -> m = new Message.Pong();
        default -> throw new AssertionError(type);
      }
      out.add(CODEC.encode(new Envelope(rid, from, addrs, tok, m), padTo));
    }
    return out;
  }

  @Test
  void theSeedCorpusHoldsAValidMessageOfEveryType() throws Exception {
    Path dir = Path.of("src/test/resources/dev/weft/kademlia/internal/CodecFuzzTestInputs/decode");
    Set<MessageType> types = EnumSet.noneOf(MessageType.class);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        types.add(CODEC.decode(Files.readAllBytes(f)).type());
      }
    }
    assertThat(types).containsExactlyInAnyOrder(MessageType.values());
  }

  @Test
  void seededMutationsAreDecodedOrRejected() {
    Mutator mutator = new Mutator(20261124, seeds());
    for (int i = 0; i < 50_000; i++) {
      byte[] input = mutator.next();
      try {
        decodeOrReject(input);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("input #" + i + ": " + new String(input, StandardCharsets.UTF_8), e);
      }
    }
  }

  @Test
  void nestingBombsAreRejectedAtTheLimitWherever() {
    String deep = "[".repeat(200_000);
    for (String bomb : List.of(
        "{\"v\":1,\"t\":\"APP\",\"body\":" + deep,
        "{\"v\":1,\"t\":\"STORE\",\"record\":{\"val\":" + deep,
        "{\"v\":1,\"unknown\":" + "{\"a\":".repeat(100_000),
        "{\"v\":1,\"nodes\":[{\"x\":" + deep)) {
      assertThatThrownBy(() -> CODEC.decode(bomb.getBytes(StandardCharsets.US_ASCII)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("nesting depth");
    }
  }

  @Test
  void outOfRangeNumbersAreRejected() {
    for (String field : List.of("\"v\":2147483648", "\"v\":4294967297", "\"rid\":9223372036854775808",
        "\"tok\":-9223372036854775809", "\"tok\":1e3", "\"tok\":" + "9".repeat(5000), "\"rid\":\"1\"")) {
      String json = "{\"v\":1,\"t\":\"PING\",\"rid\":1,\"from\":\"" + "ab".repeat(NodeId.BYTES) + "\",\"addrs\":[],"
          + field + "}";
      assertThatThrownBy(() -> CODEC.decode(json.getBytes(StandardCharsets.US_ASCII)))
          .as(field).isInstanceOf(MalformedMessageException.class);
    }
  }

  /**
   * Oversize and bomb-shaped messages up to the largest a node receives cost allocation in proportion to their size,
   * and a burst of 10,000 leaves nothing behind.
   */
  @Test
  void hostileMessagesAllocateInProportionToTheirSizeAndRetainNothing() throws Exception {
    for (byte[] input : hostile(MAX_MESSAGE_BYTES)) {
      long allocated = Memory.allocatedBy(() -> decodeOrReject(input));
      // Jackson's text buffers grow in steps and a string is held as chars and as a String: ~12 bytes per input byte.
      assertThat(allocated).as(new String(input, 0, 120, StandardCharsets.US_ASCII))
          .isLessThan(16L * input.length + 1024 * 1024);
    }
    List<byte[]> burst = hostile(4096);
    long before = Memory.usedAfterGc();
    for (int i = 0; i < 10_000; i++) {
      decodeOrReject(burst.get(i % burst.size()));
    }
    long after = Memory.usedAfterGc();
    assertThat(after - before).as("heap growth after 10,000 hostile messages").isLessThan(2L * 1024 * 1024);
  }

  /** Messages of about {@code size} bytes, each stressing one field or the parser. */
  private static List<byte[]> hostile(int size) {
    String head = "{\"v\":1,\"t\":\"STORE\",\"rid\":1,\"from\":\"" + "ab".repeat(NodeId.BYTES) + "\",\"addrs\":[],";
    int room = size - head.length() - 64;
    List<byte[]> out = new ArrayList<>();
    for (String rest : List.of(
        "\"pad\":\"" + " ".repeat(room) + "\"}",
        "\"key\":\"" + "k".repeat(room) + "\"}",
        "\"record\":{\"ns\":\"a\",\"key\":\"b\",\"val\":\"" + "x".repeat(room - 64) + "\"}}",
        "\"body\":" + "[".repeat(63) + "]".repeat(63) + ",".repeat(room / 2) + "}",
        "\"nodes\":[" + "{\"id\":\"00\",\"addrs\":[]},".repeat(room / 24) + "]}",
        "\"addrs\":[" + "\"udp://1.2.3.4:5\",".repeat(room / 18) + "]}",
        "\"error\":\"" + "\\u0000".repeat(room / 6) + "\"}",
        "\"x\":[" + "1e99999999,".repeat(room / 11) + "0]}",
        "\"x\":[" + "[],".repeat(room / 3) + "0]}",
        "\"x\":" + "[".repeat(room))) {
      out.add((head + rest).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }
}
