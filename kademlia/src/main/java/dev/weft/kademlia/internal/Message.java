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

  /**
   * Several records for one replica, from a batch write: each is stored as a STORE of it would be, and answered in
   * order by a {@link StoredMany}. At most {@link Codec#MAX_BATCH_RECORDS}.
   */
  record StoreMany(List<Record> records, List<byte[]> encoded) implements Message {
    /**
     * {@code encoded}: each record as {@link Codec#encodeRecord} writes it, when the sender has it (a batch encodes each
     * record once for all its replicas), else empty. Not part of the message's identity.
     */
    public StoreMany {
      records = List.copyOf(records);
      encoded = List.copyOf(encoded);
      if (!encoded.isEmpty() && encoded.size() != records.size()) {
        throw new IllegalArgumentException("one encoding per record, or none");
      }
    }

    StoreMany(List<Record> records) {
      this(records, List.of());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StoreMany other && records.equals(other.records);
    }

    @Override
    public int hashCode() {
      return records.hashCode();
    }

    @Override
    public String toString() {
      return "StoreMany[" + records.size() + " records]";
    }
  }

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

  /** The answer to a STORE_MANY: one result per record, in the request's order. */
  record StoredMany(List<Result> results) implements Message {
    public StoredMany {
      results = List.copyOf(results);
    }

    /**
     * One record's: as a {@link Stored} answer when {@code error} is empty, but for an accepted record {@code version}
     * is {@link Version#ZERO} (the record's own is held: the wire leaves it out); else why it was not stored (a
     * forgery, the store full, the sender's quota), and {@code version} is {@link Version#ZERO}.
     */
    record Result(boolean accepted, Version version, String error) {
      static Result failed(String error) {
        return new Result(false, Version.ZERO, error.isEmpty() ? "error" : error);
      }

      boolean failed() {
        return !error.isEmpty();
      }
    }
  }

  record AppReply(JsonNode body) implements Message {}

  /** "Ask again with this token": the token travels in the envelope. */
  record Token() implements Message {}

  record Error(String error) implements Message {}
}
