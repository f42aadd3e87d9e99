package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.NodeId;

/**
 * The {@code deliver} request of the {@code messaging} channel: one message for one receiver. Wire form
 * (docs/protocol.md): {@code {"op":"deliver","id","ch","msg","kind"}} followed by {@code "ns","key"} for kind {@code
 * key}, or {@code "to"} for kinds {@code node} and {@code client}.
 *
 * @param id the message id (hex), the receiver's duplicate filter key
 * @param channel the user channel
 * @param payload the user's message
 * @param kind {@code key}, {@code node} or {@code client}
 * @param namespace for kind {@code key}; null otherwise
 * @param key for kind {@code key}; null otherwise
 * @param to for kinds {@code node} and {@code client}; null otherwise
 */
record DeliverMessage(String id, String channel, JsonNode payload, String kind, String namespace, String key,
    NodeId to) {
  static final String OP = "deliver";

  static DeliverMessage toKey(String id, String channel, JsonNode payload, String namespace, String key) {
    return new DeliverMessage(id, channel, payload, "key", namespace, key, null);
  }

  static DeliverMessage toNode(String id, String channel, JsonNode payload, NodeId to) {
    return new DeliverMessage(id, channel, payload, "node", null, null, to);
  }

  static DeliverMessage toClient(String id, String channel, JsonNode payload, NodeId to) {
    return new DeliverMessage(id, channel, payload, "client", null, null, to);
  }

  ObjectNode toJson() {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("op", OP).put("id", id).put("ch", channel);
    b.set("msg", payload);
    b.put("kind", kind);
    return to == null ? b.put("ns", namespace).put("key", key) : b.put("to", to.toHex());
  }

  /**
   * The receiver's answer to a deliver: {@code {"ok":true}} when it took the message, {@code {"ok":false,"gone":true}}
   * (kind {@code client}) when the client is not attached there. Read as leniently as the field reads it replaces.
   */
  record Answer(boolean ok, boolean gone) {
    static final Answer OK = new Answer(true, false);
    static final Answer GONE = new Answer(false, true);

    ObjectNode toJson() {
      ObjectNode a = JsonNodeFactory.instance.objectNode().put("ok", ok);
      return gone ? a.put("gone", true) : a;
    }

    static Answer fromJson(JsonNode json) {
      return new Answer(json.path("ok").asBoolean(), json.path("gone").asBoolean());
    }
  }
}
