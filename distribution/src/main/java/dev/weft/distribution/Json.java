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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapper of the distribution, shared by the HTTP API and the CLI so both sides read and write the same
 * forms: ids, addresses and versions as their strings, objects as {@code {namespace, key, value, version}}.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      // A value is stored as sent: "1.10" must not come back as 1.1, nor 12345678901234567890.5 as a double.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      // "1 2" or "{}x" is a typo, not the value 1 or {}.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .addModule(new SimpleModule("weft")
          .addSerializer(NodeId.class, ToStringSerializer.instance)
          .addSerializer(Address.class, ToStringSerializer.instance)
          .addSerializer(Version.class, ToStringSerializer.instance)
          .addSerializer(StoredObject.class, new StoredObjectSerializer()))
      .build();

  private Json() {}

  /**
   * Parses one JSON value, rejecting trailing content and duplicate keys.
   *
   * @throws JsonProcessingException with a message fit for a user when the text is not exactly one JSON value
   */
  static JsonNode parse(byte[] json) throws JsonProcessingException {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new EmptyJsonException();
      }
      return node;
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      // Only a byte array is read: no real I/O can fail.
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) throws JsonProcessingException {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A short, single-line reason why {@code e} rejected the input, without Jackson's source excerpts. */
  static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    String line = message.lines().findFirst().orElse(message).trim();
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0 && !(e instanceof EmptyJsonException)) {
      line += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
    return line;
  }

  /** {@code value} as compact JSON, UTF-8. */
  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code value} as compact JSON on one line. */
  static String text(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /** {@code {"error": message}}, the body of every failed HTTP request. */
  static ObjectNode error(String message) {
    return MAPPER.createObjectNode().put("error", message);
  }

  /** Written by hand so the field order and names are part of this code, not of how Jackson reads records. */
  private static final class StoredObjectSerializer extends StdSerializer<StoredObject> {
    private static final long serialVersionUID = 1L;

    StoredObjectSerializer() {
      super(StoredObject.class);
    }

    @Override
    public void serialize(StoredObject o, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      gen.writeStringField("namespace", o.namespace());
      gen.writeStringField("key", o.key());
      gen.writeFieldName("value");
      gen.writeTree(o.value());
      gen.writeStringField("version", o.version().toString());
      gen.writeEndObject();
    }
  }

  /** Empty input (or only whitespace): Jackson returns no node instead of failing. */
  private static final class EmptyJsonException extends JsonProcessingException {
    private static final long serialVersionUID = 1L;

    EmptyJsonException() {
      super("no JSON value (the input is empty)");
    }
  }
}
