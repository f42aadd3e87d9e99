package dev.weft.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one gateway request, read with checks whose errors ({@link RemoteError#BAD_REQUEST}) name the
 * field and say what was expected. Used on one thread at a time; not thread-safe.
 *
 * @since 0.1.0
 */
public final class OpArgs {
  /** Fields of every request. */
  private static final Set<String> ENVELOPE = Set.of("t", "rid", "op");

  private final String op;
  private final ObjectNode request;

  public OpArgs(String op, ObjectNode request) {
    this.op = op;
    this.request = request;
  }

  public String op() {
    return op;
  }

  /** Refuses fields other than the envelope's and {@code allowed}. */
  public OpArgs only(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = request.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!ENVELOPE.contains(f) && !ok.contains(f)) {
        throw RemoteException.badRequest("unknown field \"" + f + "\" for op " + op + (ok.isEmpty() ? " (it takes none)"
            : " (it takes " + String.join(", ", ok.stream().sorted().toList()) + ")"));
      }
    }
    return this;
  }

  public boolean has(String name) {
    JsonNode n = request.get(name);
    return n != null && !n.isNull();
  }

  /** A required JSON value (any type, {@code null} included). */
  public JsonNode json(String name) {
    JsonNode n = request.get(name);
    if (n == null) {
      throw RemoteException.badRequest(op + " needs \"" + name + "\"");
    }
    return n;
  }

  /** A required string of 1 to {@code maxLength} characters. */
  public String string(String name, int maxLength) {
    JsonNode n = request.get(name);
    if (n == null || n.isNull()) {
      throw RemoteException.badRequest(op + " needs \"" + name + "\", a string");
    }
    if (!n.isTextual()) {
      throw RemoteException.badRequest("\"" + name + "\" must be a string, not " + kind(n));
    }
    String s = n.textValue();
    if (s.isEmpty() || s.length() > maxLength) {
      throw RemoteException.badRequest("\"" + name + "\" must be 1 to " + maxLength + " characters, got " + s.length());
    }
    return s;
  }

  public Optional<String> optionalString(String name, int maxLength) {
    return has(name) ? Optional.of(string(name, maxLength)) : Optional.empty();
  }

  /** An optional integer in {@code [min, max]}. */
  public Optional<Long> optionalInteger(String name, long min, long max) {
    if (!has(name)) {
      return Optional.empty();
    }
    JsonNode n = request.get(name);
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
      throw RemoteException.badRequest("\"" + name + "\" must be an integer from " + min + " to " + max + ", not " + n);
    }
    return Optional.of(n.longValue());
  }

  /** The page size asked for with {@code limit}, else {@link Pages#DEFAULT}. */
  public int limit() {
    return optionalInteger("limit", 1, Pages.MAX).map(Long::intValue).orElse(Pages.DEFAULT);
  }

  /** A required node id: 40 hex digits. */
  public NodeId id(String name) {
    String s = string(name, 40);
    try {
      return NodeId.fromHex(s);
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("\"" + name + "\" must be a node id of 40 hex digits: " + e.getMessage());
    }
  }

  /** A required JSON object. */
  public ObjectNode object(String name) {
    JsonNode n = json(name);
    if (!n.isObject()) {
      throw RemoteException.badRequest("\"" + name + "\" must be an object, not " + kind(n));
    }
    return (ObjectNode) n;
  }

  public static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
