package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;
import dev.weft.api.WeftException;

/**
 * The {@code bcast} request of the {@code messaging} channel: a broadcast handed to a peer, which delivers it and hands
 * it on to its buckets below {@code limit}. Wire form (docs/protocol.md): {@code {"op":"bcast","id","ch","msg","origin",
 * "limit"}}, in that order.
 *
 * @param id the broadcast's id (hex, at most 64 characters), the same at every hop
 * @param channel the user channel it is for
 * @param payload the user's message
 * @param origin the node that started it
 * @param limit the receiver forwards to its buckets {@code 0..limit-1}
 */
record BroadcastMessage(String id, String channel, JsonNode payload, NodeId origin, int limit) {
  static final String OP = "bcast";

  ObjectNode toJson() {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("op", OP).put("id", id).put("ch", channel);
    b.set("msg", payload);
    return b.put("origin", origin.toHex()).put("limit", limit);
  }

  /**
   * Reads the fields only a broadcast has; {@code id}, {@code ch} and {@code msg} are checked by the caller.
   *
   * @throws WeftException naming what is malformed
   */
  static BroadcastMessage fromJson(JsonNode body) {
    int limit = body.path("limit").asInt(-1);
    NodeId origin;
    try {
      origin = NodeId.fromHex(body.path("origin").asText());
    } catch (IllegalArgumentException e) {
      throw new WeftException("malformed broadcast origin");
    }
    if (limit < 0 || limit > NodeId.BITS) {
      throw new WeftException("malformed broadcast limit");
    }
    return new BroadcastMessage(body.path("id").asText(), body.path("ch").asText(), body.get("msg"), origin, limit);
  }

  /**
   * The answer of a peer handed a broadcast: {@code {"ok":true,"dup":bool}} when it took it ({@code dup}: seen before,
   * not handed on again), {@code {"ok":false,"limited":true}} when the origin's or its own broadcast rate refused it.
   * Read as leniently as the field reads it replaces.
   */
  record Answer(boolean ok, boolean dup, boolean limited) {
    static final Answer LIMITED = new Answer(false, false, true);

    static Answer taken(boolean dup) {
      return new Answer(true, dup, false);
    }

    ObjectNode toJson() {
      ObjectNode a = JsonNodeFactory.instance.objectNode().put("ok", ok);
      if (ok) {
        a.put("dup", dup);
      }
      return limited ? a.put("limited", true) : a;
    }

    static Answer fromJson(JsonNode json) {
      return new Answer(json.path("ok").asBoolean(), json.path("dup").asBoolean(), json.path("limited").asBoolean());
    }
  }

  /** The same broadcast, to be handed on below {@code newLimit}. */
  BroadcastMessage below(int newLimit) {
    return new BroadcastMessage(id, channel, payload, origin, newLimit);
  }
}
