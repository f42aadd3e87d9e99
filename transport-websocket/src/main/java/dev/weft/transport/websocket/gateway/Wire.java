package dev.weft.transport.websocket.gateway;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.PutResult;
import dev.weft.api.StoredObject;

/** The JSON of the client protocol: one mapper, and the forms of the API's records (as the HTTP API writes them). */
final class Wire {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      // A value is stored as sent: "1.10" must not come back as 1.1.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private Wire() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static JsonNode putResult(PutResult r) {
    return object().put("version", r.version().toString()).put("acknowledged", r.acknowledged())
        .put("attempted", r.attempted());
  }

  static ObjectNode storedObject(StoredObject o) {
    ObjectNode n = object().put("namespace", o.namespace()).put("key", o.key());
    n.set("value", o.value());
    n.put("version", o.version().toString());
    // The key that signed it, in an owned namespace (the storage checked the signature): base64url, as in the name.
    o.owner().ifPresent(k -> n.put("owner", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(k)));
    return n;
  }
}
