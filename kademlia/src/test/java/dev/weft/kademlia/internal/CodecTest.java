package dev.weft.kademlia.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CodecTest {
  private final Codec codec = new Codec(64 * 1024);
  private final NodeId from = NodeId.random(new Random(1));
  private final List<Address> addrs = List.of(Address.parse("udp://127.0.0.1:4000"));

  @Property
  void storeRoundTrips(@ForAll @StringLength(max = 50) String ns, @ForAll @StringLength(max = 50) String key,
      @ForAll long ts, @ForAll long writer, @ForAll long rid, @ForAll @StringLength(max = 200) String text)
      throws Exception {
    ObjectNode value = JsonNodeFactory.instance.objectNode().put("text", text).put("n", ts);
    Record r = Record.value(ns, key, Codec.MAPPER.writeValueAsBytes(value), new Version(ts, writer), 123L, from);
    Envelope m = new Envelope(rid, from, addrs, null, new Message.Store(r));
    Envelope back = codec.decode(codec.encode(m));
    assertThat(back).isEqualTo(m);
    assertThat(Codec.MAPPER.readTree(((Message.Store) back.message()).record().valueBytes()).toString())
        .isEqualTo(value.toString());
  }

  @Test
  void signedRecordsKeepTheirSignatureAndUnsignedOnesEncodeAsBefore() throws Exception {
    dev.weft.api.RecordSigner owner = dev.weft.api.RecordSigner.generate();
    Record plain = Record.value("ns", "k", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8), new Version(5, 6), 99, from);
    assertThat(new String(codec.encodeRecord(plain), StandardCharsets.UTF_8)).isEqualTo("{\"ns\":\"ns\",\"key\":\"k\","
        + "\"val\":{\"a\": 1},\"ver\":\"5-0000000000000006\",\"exp\":99,\"pub\":\"" + from.toHex() + "\"}");
    for (Record r : List.of(
        Record.value(owner.namespace("n"), "k", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8), new Version(5, 6), 99,
            from).signedBy(owner),
        Record.tombstone(owner.namespace(), "k", new Version(5, 6), 99, from).signedBy(owner))) {
      Record back = store(codec.decode(codec.encode(envelope(3, new Message.Store(r)))));
      assertThat(back).isEqualTo(r);
      assertThat(back.signatureValid()).isTrue();
      assertThat(codec.decodeRecord(codec.encodeRecord(r))).isEqualTo(r);
    }
    // A signature that is not 64 bytes of base64 makes the record malformed.
    String head = "{\"ns\":\"ns\",\"key\":\"k\",\"val\":1,\"ver\":\"5-6\",\"exp\":99,\"pub\":\"" + from.toHex()
        + "\",\"sig\":";
    for (String sig : List.of("\"AAAA\"", "\"" + "A".repeat(88) + "\"", "\"" + "*".repeat(88) + "\"", "7")) {
      assertThatThrownBy(() -> codec.decodeRecord((head + sig + "}").getBytes(StandardCharsets.UTF_8)))
          .as(sig).isInstanceOf(MalformedMessageException.class);
    }
    String good = java.util.Base64.getEncoder().encodeToString(new byte[64]);
    assertThat(codec.decodeRecord((head + "\"" + good + "\"}").getBytes(StandardCharsets.UTF_8)).signed()).isTrue();
  }

  @Test
  void everyKindRoundTrips() throws Exception {
    NodeId target = NodeId.random(new Random(2));
    for (Message m : List.of(
        new Message.Nodes(List.of(new Contact(target, addrs), new Contact(from, List.of(Address.parse("udp://[::1]:9"))))),
        new Message.FindValue(target, "ns", "k"),
        new Message.Value(Record.tombstone("ns", "k", new Version(5, 6), 99, from)),
        new Message.Stored(true, new Version(1, 2)),
        new Message.StoreMany(List.of(Record.value("ns", "a", "[1,2.50]".getBytes(StandardCharsets.UTF_8),
            new Version(3, 4), 99, from), Record.tombstone("ns", "b", new Version(5, 6), 99, from))),
        new Message.StoredMany(List.of(new Message.StoredMany.Result(true, Version.ZERO, ""),
            Message.StoredMany.Result.failed("this node's store is full"),
            new Message.StoredMany.Result(false, new Version(9, 9), ""))),
        new Message.App("messaging", JsonNodeFactory.instance.arrayNode().add(1).add("two"), true))) {
      Envelope e = envelope(7, m);
      assertThat(codec.decode(codec.encode(e))).as(m.type().name()).isEqualTo(e);
    }
  }

  /** A batch whose records come encoded is spliced together, to the same bytes the generator writes. */
  @Test
  void preEncodedRecordsOfABatchEncodeToTheSameBytes() throws Exception {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(Record.value("n\u00e9s", "k" + i, ("{\"i\":" + i + ",\"s\":\"\u00e9\\\"\"}").getBytes(StandardCharsets.UTF_8),
          new Version(i, 7), 99, from));
    }
    records.add(Record.tombstone("ns", "gone", new Version(3, 3), 5, from));
    List<byte[]> encoded = records.stream().map(codec::encodeRecord).toList();
    for (List<Record> batch : List.of(records, records.subList(0, 1))) {
      Message.StoreMany plain = new Message.StoreMany(batch);
      Message.StoreMany spliced = new Message.StoreMany(batch, encoded.subList(0, batch.size()));
      for (Long tok : java.util.Arrays.asList(null, 5L)) {
        for (int pad : new int[] {0, RpcClient.PING_PAD, 4000}) {
          Envelope a = new Envelope(9, from, addrs, tok, plain);
          Envelope b = new Envelope(9, from, addrs, tok, spliced);
          assertThat(codec.encode(b, pad)).isEqualTo(codec.encode(a, pad));
          assertThat(codec.decode(codec.encode(b, pad))).isEqualTo(a);
        }
      }
    }
  }

  @Test
  void rejectsMalformedInput() {
    String ok = "\"v\":1,\"t\":\"PING\",\"rid\":1,\"from\":\"" + from.toHex() + "\",\"addrs\":[]";
    assertThat(decodes("{" + ok + "}")).isTrue();
    assertThat(decodes("{" + ok + ",\"future\":{\"x\":[1,2]}}")).as("unknown fields are skipped").isTrue();
    List<String> bad = List.of("", "[]", "{", "null", "{" + ok + "} trailing", "{" + ok.replace("\"v\":1", "\"v\":2") + "}",
        "{" + ok.replace("PING", "NOPE") + "}", "{" + ok.replace("\"rid\":1", "\"rid\":\"1\"") + "}",
        "{" + ok.replace("\"rid\":1", "\"rid\":1e3") + "}", "{" + ok.replace(from.toHex(), "abc") + "}",
        "{" + ok.replace("\"addrs\":[]", "\"addrs\":[\"nope\"]") + "}",
        "{" + ok.replace("PING", "STORE") + "}", "{" + ok.replace("PING", "FIND_NODE") + "}",
        "{" + ok.replace("PING", "STORE_MANY") + "}", "{" + ok.replace("PING", "STORE_MANY") + ",\"records\":[]}",
        "{" + ok.replace("PING", "STORE_MANY") + ",\"records\":[" + "{},".repeat(1025) + "{}]}",
        "{" + ok.replace("PING", "STORED_MANY") + "}",
        "{" + ok.replace("PING", "STORED_MANY") + ",\"results\":[{\"accepted\":false}]}",
        "{" + ok.replace("PING", "STORED_MANY") + ",\"results\":[7]}",
        "{" + ok + ",\"body\":" + "[".repeat(200) + "]".repeat(200) + "}");
    for (String b : bad) {
      assertThat(decodes(b)).as(b.length() > 80 ? b.substring(0, 80) : b).isFalse();
    }
  }

  @Test
  void valuesTravelByteForByte() throws Exception {
    String json = "{\"price\":2.50,\"tiny\":0.10000000000000000001,\"big\":123456789012345678901234567890,"
        + "\"s\":\"\u00e9\\n\\\"q\\\"\",\"a\":[true,null,-0.0]}";
    for (String value : List.of(json, "\"just a string\"", "2.50", "true", "null", "[]")) {
      Envelope m = envelope(1, new Message.Store(
          Record.value("n", "k", value.getBytes(StandardCharsets.UTF_8), new Version(1, 1), 1, from)));
      assertThat(store(codec.decode(codec.encode(m))).valueUtf8()).isEqualTo(value);
    }
    assertThat(Codec.MAPPER.readTree("{\"p\":2.50}").get("p").decimalValue()).isEqualTo(new java.math.BigDecimal("2.50"));
  }

  @Test
  void rejectsOversizeValues() throws Exception {
    Codec small = new Codec(100);
    byte[] bytes = codec.encode(envelope(1, new Message.Store(Record.value("n", "k",
        ("\"" + "x".repeat(200) + "\"").getBytes(StandardCharsets.UTF_8), new Version(1, 1), 1, from))));
    assertThatThrownBy(() -> small.decode(bytes)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("over the limit");
  }

  @Test
  void randomBytesNeverThrowAnythingElse() {
    Random r = new Random(42);
    byte[] valid = codec.encode(envelope(1, new Message.Store(
        Record.value("n", "k", "{\"a\":[1,2,3]}".getBytes(StandardCharsets.UTF_8), new Version(1, 1), 1, from))));
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      byte[] b = new byte[r.nextInt(300)];
      r.nextBytes(b);
      inputs.add(b);
      byte[] mutated = valid.clone();
      mutated[r.nextInt(mutated.length)] = (byte) r.nextInt(256);
      inputs.add(mutated);
      inputs.add(java.util.Arrays.copyOf(valid, r.nextInt(valid.length)));
    }
    for (byte[] in : inputs) {
      try {
        codec.decode(in);
      } catch (MalformedMessageException expected) {
        // the only failure allowed
      }
    }
  }

  private Envelope envelope(long rid, Message m) {
    return new Envelope(rid, from, addrs, null, m);
  }

  private static Record store(Envelope e) {
    return ((Message.Store) e.message()).record();
  }

  private boolean decodes(String json) {
    try {
      codec.decode(json.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (MalformedMessageException e) {
      return false;
    }
  }
}
