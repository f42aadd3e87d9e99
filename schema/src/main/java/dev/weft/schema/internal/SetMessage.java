package dev.weft.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.schema.Global;

/**
 * The broadcast on messaging channel {@code schema}: a global's new version (or removal), sent by its writer. Wire form
 * (docs/protocol.md): {@code {"op":"set","g": global}}.
 */
record SetMessage(Global global) {
  static final String OP = "set";

  ObjectNode toJson() {
    ObjectNode message = GlobalCodec.JSON.objectNode().put("op", OP);
    message.set("g", GlobalCodec.encode(global));
    return message;
  }

  /**
   * Reads a broadcast from a peer.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static SetMessage fromJson(JsonNode payload, int maxValueBytes) {
    if (!OP.equals(payload.path("op").asText())) {
      throw new IllegalArgumentException("unknown op");
    }
    return new SetMessage(GlobalCodec.decode(payload.get("g"), maxValueBytes));
  }
}
