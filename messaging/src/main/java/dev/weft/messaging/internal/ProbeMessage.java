package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;

/**
 * The {@code probe} request of the {@code messaging} channel: is client {@code to} attached to you? Wire form
 * (docs/protocol.md): {@code {"op":"probe","to"}}; answer {@code {"ok":true,"attached":bool}}.
 */
record ProbeMessage(NodeId to) {
  static final String OP = "probe";

  ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("op", OP).put("to", to.toHex());
  }

  /** The probe in {@code body}, or null when its {@code to} is not an id. */
  static ProbeMessage fromJson(JsonNode body) {
    NodeId to = MessagingPlugin.parseId(body.path("to").asText());
    return to == null ? null : new ProbeMessage(to);
  }

  static ObjectNode answer(boolean attached) {
    return JsonNodeFactory.instance.objectNode().put("ok", true).put("attached", attached);
  }
}
