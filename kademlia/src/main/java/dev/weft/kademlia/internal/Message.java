package dev.weft.kademlia.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Address;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Record;
import dev.weft.api.Version;
import java.util.List;

/**
 * One decoded wire message. A flat class rather than one type per kind: the codec is the only producer and the fields
 * a kind uses are listed in docs/protocol.md.
 */
final class Message {
  final MessageType type;
  /** Request id: set by requests, echoed by their responses. */
  final long rid;
  final NodeId from;
  final List<Address> addresses;

  NodeId target;
  String namespace;
  String key;
  Record record;
  List<Contact> nodes = List.of();
  String channel;
  JsonNode body;
  boolean oneway;
  boolean accepted;
  Version version;
  String error;
  /** Address token: in answers, the one for the requester's address; in requests, one the peer gave us earlier. */
  Long tok;
  /** Requests only: pad the encoded message to at least this many bytes (so an unverified answer may be as large). */
  int padTo;
  /** Decoded messages only: the size it had on the wire. */
  int wireBytes;

  Message(MessageType type, long rid, NodeId from, List<Address> addresses) {
    this.type = type;
    this.rid = rid;
    this.from = from;
    this.addresses = addresses;
  }

  /** A short name for statistics: the request's type, or the channel for APP. */
  String statName() {
    return type == MessageType.APP ? "APP:" + channel : type.name();
  }

  @Override
  public String toString() {
    return type + "#" + Long.toHexString(rid) + " from " + from.shortHex();
  }
}
