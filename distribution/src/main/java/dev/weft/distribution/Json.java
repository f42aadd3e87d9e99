package dev.weft.distribution;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Address;
import dev.weft.api.NodeId;
import dev.weft.api.StoredObject;
import dev.weft.api.Version;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.IndexStats;
import dev.weft.pht.Key;
import dev.weft.schema.Global;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The JSON mapper of the node's side of the distribution. Both sides read and write the same forms: the CLI reads and
 * writes its trees with {@link JsonTree}, which {@link #parse} is too. The forms: ids, addresses and versions as their
 * strings, objects as {@code {namespace, key, value, version}}, messages as {@code {kind, id, sender, channel,
 * namespace?, key?, payload}}, globals as {@code {name, value, version}} or {@code {name, removed: true, version}},
 * index entries as {@code {key, value}} with the key as {@link #phtKey(Key)} writes it, index definitions as
 * {@code {name, type, leafCapacity, keyBits, maxStringBytes}} and their shape as {@code {index, depth, leaves,
 * internal, entries}}.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      // A value is stored as sent: "1.10" must not come back as 1.1, nor 12345678901234567890.5 as a double.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      // "1 2" or "{}x" is a typo, not the value 1 or {} (JSON text is read by JsonTree, with the same rules).
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .addModule(new SimpleModule("weft")
          .addSerializer(NodeId.class, ToStringSerializer.instance)
          .addSerializer(Address.class, ToStringSerializer.instance)
          .addSerializer(Version.class, ToStringSerializer.instance)
          .addSerializer(StoredObject.class, new ObjectSerializer<>(StoredObject.class, Json::storedObject))
          .addSerializer(ReceivedMessage.class, new ObjectSerializer<>(ReceivedMessage.class, Json::receivedMessage))
          .addSerializer(Global.class, new ObjectSerializer<>(Global.class, Json::global))
          .addSerializer(Entry.class, new ObjectSerializer<>(Entry.class, Json::entry))
          .addSerializer(IndexInfo.class, new ObjectSerializer<>(IndexInfo.class, Json::indexInfo))
          .addSerializer(IndexStats.class, new ObjectSerializer<>(IndexStats.class, Json::indexStats)))
      .build();

  private Json() {}

  /** {@link JsonTree#parse}: the one way the distribution reads JSON text. */
  static JsonNode parse(byte[] json) throws JsonProcessingException {
    return JsonTree.parse(json);
  }

  static JsonNode parse(String json) throws JsonProcessingException {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link JsonTree#reason}. */
  static String reason(JsonProcessingException e) {
    return JsonTree.reason(e);
  }

  /** {@code value} as compact JSON, UTF-8. */
  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code value} as compact JSON and a newline: an HTTP body, or one line of a stream. */
  static byte[] line(Object value) {
    byte[] json = bytes(value);
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /** {@code value} as compact JSON on one line. */
  static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code value} as indented JSON, for people ({@code --pretty}). */
  static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code {"error": message}}, the body of every failed HTTP request. */
  static ObjectNode error(String message) {
    return MAPPER.createObjectNode().put("error", message);
  }

  private static void storedObject(StoredObject o, JsonGenerator gen) throws IOException {
    gen.writeStringField("namespace", o.namespace());
    gen.writeStringField("key", o.key());
    gen.writeFieldName("value");
    gen.writeTree(o.value());
    gen.writeStringField("version", o.version().toString());
    // The key that signed it, for an owned namespace (the storage checked the signature): base64url, as in the name.
    if (o.owner().isPresent()) {
      gen.writeStringField("owner", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(o.owner().get()));
    }
  }

  /** {@code kind} in lower case; {@code namespace} and {@code key} only for a message sent to a key. */
  private static void receivedMessage(ReceivedMessage m, JsonGenerator gen) throws IOException {
    gen.writeStringField("kind", m.kind().name().toLowerCase(Locale.ROOT));
    gen.writeStringField("id", m.id());
    gen.writeStringField("sender", m.sender().toHex());
    gen.writeStringField("channel", m.channel());
    if (m.namespace().isPresent()) {
      gen.writeStringField("namespace", m.namespace().get());
    }
    if (m.key().isPresent()) {
      gen.writeStringField("key", m.key().get());
    }
    gen.writeFieldName("payload");
    gen.writeTree(m.payload());
  }

  /** {@code "removed": true} stands where the value would be, so that a JSON null stays a value. */
  private static void global(Global g, JsonGenerator gen) throws IOException {
    gen.writeStringField("name", g.name());
    if (g.value().isPresent()) {
      gen.writeFieldName("value");
      gen.writeTree(g.value().get());
    } else {
      gen.writeBooleanField("removed", true);
    }
    gen.writeStringField("version", g.version().toString());
  }

  /**
   * A key of an index as JSON: a long key as a JSON integer, a string key as a JSON string, a point as {@code [x, y]}.
   * Each type has its own JSON form, so {@link #phtKey(JsonNode)} reads it back without knowing the index.
   */
  static JsonNode phtKey(Key key) {
    if (key instanceof Key.LongKey l) {
      return MAPPER.getNodeFactory().numberNode(l.value());
    }
    if (key instanceof Key.PointKey p) {
      return MAPPER.createArrayNode().add(p.x()).add(p.y());
    }
    return MAPPER.getNodeFactory().textNode(((Key.StringKey) key).value());
  }

  /**
   * The key {@code json} stands for, as {@link #phtKey(Key)} writes it; whether it fits the index is the index's to
   * say.
   *
   * @throws IllegalArgumentException when it is none of the three forms, or a number out of its type's range
   */
  static Key phtKey(JsonNode json) {
    if (json.isTextual()) {
      return Key.of(json.textValue());
    }
    if (json.isIntegralNumber() && json.canConvertToLong()) {
      return Key.of(json.longValue());
    }
    if (json.isArray() && json.size() == 2 && isInt(json.get(0)) && isInt(json.get(1))) {
      return Key.point(json.get(0).intValue(), json.get(1).intValue());
    }
    throw new IllegalArgumentException("a key is a JSON integer of 64 bits (long index), a string (string index) or "
        + "[x, y] of 32-bit integers (point index), not " + text(json));
  }

  private static boolean isInt(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  private static void entry(Entry e, JsonGenerator gen) throws IOException {
    gen.writeFieldName("key");
    gen.writeTree(phtKey(e.key()));
    gen.writeFieldName("value");
    gen.writeTree(e.value());
  }

  /** {@code type} in lower case, as the API takes it. */
  private static void indexInfo(IndexInfo i, JsonGenerator gen) throws IOException {
    gen.writeStringField("name", i.name());
    gen.writeStringField("type", i.type().name().toLowerCase(Locale.ROOT));
    gen.writeNumberField("leafCapacity", i.leafCapacity());
    gen.writeNumberField("keyBits", i.keyBits());
    gen.writeNumberField("maxStringBytes", i.maxStringBytes());
  }

  private static void indexStats(IndexStats s, JsonGenerator gen) throws IOException {
    gen.writeStringField("index", s.index());
    gen.writeNumberField("depth", s.depth());
    gen.writeNumberField("leaves", s.leaves());
    gen.writeNumberField("internal", s.internal());
    gen.writeNumberField("entries", s.entries());
  }

  /** Writes the fields of a value between the braces of its JSON object. */
  @FunctionalInterface
  private interface Fields<T> {
    void write(T value, JsonGenerator gen) throws IOException;
  }

  /** Written by hand so the field order and names are part of this code, not of how Jackson reads records. */
  private static final class ObjectSerializer<T> extends StdSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient Fields<T> fields;

    ObjectSerializer(Class<T> type, Fields<T> fields) {
      super(type);
      this.fields = fields;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      fields.write(value, gen);
      gen.writeEndObject();
    }
  }
}
