package dev.weft.schema.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.JsonLimits;
import dev.weft.api.Version;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Globals as JSON, on the wire and in the node's store: {@code {"n": name, "ver": version, "v": value}}, or {@code "d":
 * true} instead of {@code "v"} for a removal. Decoding checks everything a peer could get wrong.
 */
final class GlobalCodec {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Decimals stay exact ({@code 2.50} is not {@code 2.5}): values are the user's data. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private GlobalCodec() {}

  /** Throws {@link IllegalArgumentException} naming the rule when {@code name} is not a valid global name. */
  static String checkName(String name) {
    if (!Schema.isValidName(name)) {
      throw new IllegalArgumentException("bad global name " + (name == null ? "null" : "'" + name + "'")
          + ": use 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter, digit or _");
    }
    return name;
  }

  /** Size of a value as UTF-8 JSON. */
  static int size(JsonNode value) {
    JsonLimits.checkNesting(value, "value");
    try {
      return MAPPER.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value is not serialisable JSON: " + e.getOriginalMessage(), e);
    }
  }

  static ObjectNode encode(Global g) {
    ObjectNode o = JSON.objectNode().put("n", g.name()).put("ver", g.version().toString());
    if (g.removed()) {
      o.put("d", true);
    } else {
      o.set("v", g.value().get());
    }
    return o;
  }

  static String text(Global g) {
    return encode(g).toString();
  }

  /**
   * Reads a global sent by a peer or saved in the store.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Global decode(JsonNode o, int maxValueBytes) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("a global must be a JSON object");
    }
    String name = checkName(o.path("n").isTextual() ? o.get("n").asText() : null);
    if (!o.path("ver").isTextual()) {
      throw new IllegalArgumentException("global " + name + " has no version");
    }
    Version version = Version.parse(o.get("ver").asText());
    JsonNode value = o.get("v");
    boolean removed = o.path("d").asBoolean(false);
    if (removed == (value != null)) {
      throw new IllegalArgumentException("global " + name + " must have either a value or \"d\": true");
    }
    if (value != null && size(value) > maxValueBytes) {
      throw new IllegalArgumentException("value of global " + name + " is over " + maxValueBytes + " bytes");
    }
    return new Global(name, Optional.ofNullable(value), version);
  }

  static Global parse(String text, int maxValueBytes) {
    try {
      return decode(MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8)), maxValueBytes);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable global: " + e.getMessage(), e);
    }
  }
}
