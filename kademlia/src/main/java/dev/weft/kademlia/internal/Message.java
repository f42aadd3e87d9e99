package dev.weft.kademlia.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import java.util.List;
import java.util.Objects;

/**
 * The body of one wire message: one immutable record per {@link MessageType}, holding exactly the fields that type has
 * on the wire (docs/protocol.md). The header every message shares (request id, sender, token) is its
 * {@link Envelope}. Built by the codec from what it decoded, or by the node for what it sends; never null inside.
 */
sealed interface Message {
  MessageType type();

  /** A short name for statistics: the type, or the channel for APP. */
  default String statName() {
    return type().name();
  }

  /** The contacts an answer carries: a NODES answer's, none for any other. */
  default List<Contact> contacts() {
    return List.of();
  }

  record Ping() implements Message {
    @Override
    public MessageType type() {
      return MessageType.PING;
    }
  }

  record FindNode(NodeId target) implements Message {
    public FindNode {
      Objects.requireNonNull(target, "target");
    }

    @Override
    public MessageType type() {
      return MessageType.FIND_NODE;
    }
  }

  record FindValue(NodeId target, String namespace, String key) implements Message {
    public FindValue {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public MessageType type() {
      return MessageType.FIND_VALUE;
    }
  }

  record Store(Record record) implements Message {
    public Store {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public MessageType type() {
      return MessageType.STORE;
    }
  }

  /** A plugin's request; {@code oneway}: no answer is wanted (and none is sent). */
  record App(String channel, JsonNode body, boolean oneway) implements Message {
    public App {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(body, "body");
    }

    @Override
    public MessageType type() {
      return MessageType.APP;
    }

    @Override
    public String statName() {
      return "APP:" + channel;
    }
  }

  record Pong() implements Message {
    @Override
    public MessageType type() {
      return MessageType.PONG;
    }
  }

  record Nodes(List<Contact> nodes) implements Message {
    public Nodes {
      nodes = List.copyOf(nodes);
    }

    @Override
    public MessageType type() {
      return MessageType.NODES;
    }

    @Override
    public List<Contact> contacts() {
      return nodes;
    }
  }

  record Value(Record record) implements Message {
    public Value {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public MessageType type() {
      return MessageType.VALUE;
    }
  }

  /** The answer to a STORE: whether it was taken, and the version held now (the newer of the two). */
  record Stored(boolean accepted, Version version) implements Message {
    public Stored {
      Objects.requireNonNull(version, "version");
    }

    @Override
    public MessageType type() {
      return MessageType.STORED;
    }
  }

  record AppReply(JsonNode body) implements Message {
    public AppReply {
      Objects.requireNonNull(body, "body");
    }

    @Override
    public MessageType type() {
      return MessageType.APP_REPLY;
    }
  }

  /** "Ask again with this token": the token travels in the envelope. */
  record Token() implements Message {
    @Override
    public MessageType type() {
      return MessageType.TOKEN;
    }
  }

  record Error(String error) implements Message {
    public Error {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public MessageType type() {
      return MessageType.ERROR;
    }
  }
}
