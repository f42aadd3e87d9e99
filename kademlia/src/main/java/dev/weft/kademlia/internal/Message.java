package dev.weft.kademlia.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import java.util.List;

/**
 * The body of one wire message: one immutable record per {@link MessageType}, holding exactly the fields that type has
 * on the wire (docs/protocol.md). The header every message shares (request id, sender, token) is its
 * {@link Envelope}. Built by the codec, which checks every field a type needs is present, or by the node for what it sends: no
 * component is ever null.
 */
sealed interface Message {
  default MessageType type() {
    return MessageType.of(this);
  }

  /** A short name for statistics: the type, or the channel for APP. */
  default String statName() {
    return type().name();
  }

  /** The contacts an answer carries: a NODES answer's, none for any other. */
  default List<Contact> contacts() {
    return List.of();
  }

  record Ping() implements Message {}

  record FindNode(NodeId target) implements Message {}

  record FindValue(NodeId target, String namespace, String key) implements Message {}

  record Store(Record record) implements Message {}

  /** A plugin's request; {@code oneway}: no answer is wanted (and none is sent). */
  record App(String channel, JsonNode body, boolean oneway) implements Message {
    @Override
    public String statName() {
      return "APP:" + channel;
    }
  }

  record Pong() implements Message {}

  record Nodes(List<Contact> nodes) implements Message {
    public Nodes {
      nodes = List.copyOf(nodes);
    }

    @Override
    public List<Contact> contacts() {
      return nodes;
    }
  }

  record Value(Record record) implements Message {}

  /** The answer to a STORE: whether it was taken, and the version held now (the newer of the two). */
  record Stored(boolean accepted, Version version) implements Message {}

  record AppReply(JsonNode body) implements Message {}

  /** "Ask again with this token": the token travels in the envelope. */
  record Token() implements Message {}

  record Error(String error) implements Message {}
}
