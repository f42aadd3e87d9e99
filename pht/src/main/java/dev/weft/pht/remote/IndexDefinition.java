package dev.weft.pht.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How an index is to be created: {@code {"type": "long" | "string" | "point", "leafCapacity"?, "maxStringBytes"?}}, the
 * body of {@code PUT /v1/pht/indexes/{index}} and the fields of the gateway's {@code pht.create}. The node checks the
 * numbers.
 *
 * @param type the key type
 * @param leafCapacity the leaf capacity, empty for the node's default
 * @param maxStringBytes the longest string key kept whole, string indexes only; given with {@code leafCapacity} or not
 *     at all
 * @since 0.1.0
 */
public record IndexDefinition(KeyType type, OptionalInt leafCapacity, OptionalInt maxStringBytes) {
  private static final Map<String, KeyType> KEY_TYPES = Arrays.stream(KeyType.values())
      .collect(Collectors.toUnmodifiableMap(PhtForms::typeName, Function.identity()));

  /**
   * Reads a definition.
   *
   * @throws RemoteException {@code bad-request} naming what is wrong
   */
  public static IndexDefinition of(JsonNode body) {
    RemoteJson.fields(body, "index definition", Set.of("type"), Set.of("leafCapacity", "maxStringBytes"));
    JsonNode name = body.get("type");
    KeyType type = name.isTextual() ? KEY_TYPES.get(name.textValue()) : null;
    if (type == null) {
      throw RemoteException.badRequest("invalid index type " + name + " (expected \"long\","
          + " \"string\" or \"point\")");
    }
    OptionalInt leafCapacity = intField(body, "leafCapacity");
    OptionalInt maxStringBytes = intField(body, "maxStringBytes");
    if (maxStringBytes.isPresent() && type != KeyType.STRING) {
      throw RemoteException.badRequest("maxStringBytes is for string indexes only");
    }
    if (type == KeyType.STRING && leafCapacity.isPresent() != maxStringBytes.isPresent()) {
      // Pht.create takes both or neither: the node's default of the one left out is not to be had.
      throw RemoteException.badRequest("give leafCapacity and maxStringBytes of a string index together, or neither"
          + " for the node's defaults");
    }
    return new IndexDefinition(type, leafCapacity, maxStringBytes);
  }

  /** Creates {@code index} so on {@code pht}. */
  public CompletableFuture<IndexInfo> create(Pht pht, String index) {
    return leafCapacity.isEmpty() ? pht.create(index, type)
        : pht.create(index, type, leafCapacity.getAsInt(), maxStringBytes.orElse(0));
  }

  private static OptionalInt intField(JsonNode body, String name) {
    JsonNode n = body.get(name);
    if (n == null) {
      return OptionalInt.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw RemoteException.badRequest(name + " must be an integer, not " + n);
    }
    return OptionalInt.of(n.intValue());
  }
}
