package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;

/**
 * The {@code probe} request of the {@code messaging} channel: is client {@code to} attached to you? Wire form
 * (docs/protocol.md): {@code {"op":"probe","to"}}; answer {@link Answer}. Sent by a node attaching a client whose
 * presence record names another node.
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

  /** The answer: {@code {"ok":true,"attached":bool}}; read as leniently as the field read it replaces. */
  record Answer(boolean attached) {
    ObjectNode toJson() {
      return JsonNodeFactory.instance.objectNode().put("ok", true).put("attached", attached);
    }

    static Answer fromJson(JsonNode json) {
      return new Answer(json.path("attached").asBoolean());
    }
  }
}
