package dev.weft.remote;

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
import java.util.Base64;
import java.util.Set;

/**
 * The JSON of the remote face: how values are read (one mapper's rules, for the HTTP API and the gateway alike) and
 * the forms of the API's records. The forms of each feature's records live in that feature's {@code remote} package
 * ({@code dev.weft.schema.remote}, ...), built on this.
 *
 * <p>Thread-safe; the forms are fresh trees the caller may change.
 *
 * @since 0.1.0
 */
public final class RemoteJson {
  /** The mapper's rules without serialisers of its own, for a face that adds them ({@link #builder()}). */
  public static final ObjectMapper MAPPER = builder().build();

  private RemoteJson() {}

  /**
   * A mapper builder with the rules every face reads JSON by: a value is stored as sent ({@code 1.10} does not come
   * back as {@code 1.1}), and {@code "1 2"}, duplicate keys and {@code NaN} are errors rather than guesses.
   */
  public static JsonMapper.Builder builder() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A write's answer: {@code {version, acknowledged, attempted}}. */
  public static ObjectNode putResult(PutResult r) {
    return object().put("version", r.version().toString()).put("acknowledged", r.acknowledged())
        .put("attempted", r.attempted());
  }

  /**
   * An object: {@code {namespace, key, value, version}}, and {@code owner}, the key that signed it in an owned
   * namespace (the storage checked the signature), in base64url as in the namespace's name.
   */
  public static ObjectNode storedObject(StoredObject o) {
    ObjectNode n = object().put("namespace", o.namespace()).put("key", o.key());
    n.set("value", o.value());
    n.put("version", o.version().toString());
    o.owner().ifPresent(k -> n.put("owner", Base64.getUrlEncoder().withoutPadding().encodeToString(k)));
    return n;
  }

  /**
   * Checks that {@code body} is an object with every field of {@code required}, and others of {@code optional} only.
   *
   * @param what what the body is, for the messages ("entry", "index definition")
   * @throws RemoteException {@code bad-request}, naming the field, when it is not
   */
  public static void fields(JsonNode body, String what, Set<String> required, Set<String> optional) {
    if (!body.isObject()) {
      throw RemoteException.badRequest("the " + what + " must be a JSON object with " + String.join(", ", required));
    }
    for (String name : required) {
      if (!body.has(name)) {
        throw RemoteException.badRequest("the " + what + " has no \"" + name + "\"");
      }
    }
    body.fieldNames().forEachRemaining(name -> {
      if (!required.contains(name) && !optional.contains(name)) {
        throw RemoteException.badRequest("unknown field \"" + name + "\" in the " + what);
      }
    });
  }
}
