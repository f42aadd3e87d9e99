package dev.weft.pht.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.pht.Entry;
import dev.weft.pht.IndexInfo;
import dev.weft.pht.IndexStats;
import dev.weft.pht.Key;
import dev.weft.pht.KeyType;
import dev.weft.pht.Pht;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import java.util.Locale;

/**
 * The PHT's JSON on the HTTP API and the browser gateway, and the checks made before the node is asked.
 *
 * <p>A key has one JSON form per type, so it reads back without knowing its index: a long key is a JSON integer, a
 * string key a JSON string, a point {@code [x, y]}.
 *
 * @since 0.1.0
 */
public final class PhtForms {
  private PhtForms() {}

  /** A key as JSON. */
  public static JsonNode key(Key key) {
    if (key instanceof Key.LongKey l) {
      return RemoteJson.MAPPER.getNodeFactory().numberNode(l.value());
    }
    if (key instanceof Key.PointKey p) {
      return RemoteJson.MAPPER.createArrayNode().add(p.x()).add(p.y());
    }
    return RemoteJson.MAPPER.getNodeFactory().textNode(((Key.StringKey) key).value());
  }

  /**
   * The key {@code json} stands for, as {@link #key(Key)} writes it; whether it fits the index is the index's to say.
   *
   * @throws IllegalArgumentException when it is none of the three forms, or a number out of its type's range
   */
  public static Key parseKey(JsonNode json) {
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
        + "[x, y] of 32-bit integers (point index), not " + json);
  }

  /**
   * {@link #parseKey} for a request.
   *
   * @param what the key's name in the request, for the message ({@code key}, {@code lo})
   * @throws RemoteException {@code bad-request} when {@code json} is missing (null) or not a key
   */
  public static Key key(JsonNode json, String what) {
    if (json == null) {
      throw RemoteException.badRequest("invalid " + what + ": missing");
    }
    try {
      return parseKey(json);
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("invalid " + what + ": " + e.getMessage());
    }
  }

  private static boolean isInt(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToInt();
  }

  /** An entry: {@code {key, value}}. */
  public static ObjectNode entry(Entry e) {
    ObjectNode n = RemoteJson.object();
    n.set("key", key(e.key()));
    n.set("value", e.value());
    return n;
  }

  /** An index: {@code {name, type, leafCapacity, keyBits, maxStringBytes}}, {@code type} as {@link #typeName}. */
  public static ObjectNode indexInfo(IndexInfo i) {
    return RemoteJson.object().put("name", i.name()).put("type", typeName(i.type()))
        .put("leafCapacity", i.leafCapacity()).put("keyBits", i.keyBits()).put("maxStringBytes", i.maxStringBytes());
  }

  /** An index's shape: {@code {index, depth, leaves, internal, entries}}. */
  public static ObjectNode indexStats(IndexStats s) {
    return RemoteJson.object().put("index", s.index()).put("depth", s.depth()).put("leaves", s.leaves())
        .put("internal", s.internal()).put("entries", s.entries());
  }

  /** A key type's name on the remote face and the command line: {@code long}, {@code string}, {@code point}. */
  public static String typeName(KeyType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code index}, when it is a valid index name.
   *
   * @throws RemoteException {@code bad-request}, naming the rule, when it is not
   */
  public static String indexName(String index) {
    if (!Pht.isValidName(index)) {
      throw RemoteException.badRequest("bad index name '" + index + "': use 1-64 characters of a-z A-Z 0-9 . _ -");
    }
    return index;
  }
}
