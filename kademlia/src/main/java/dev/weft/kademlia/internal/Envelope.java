package dev.weft.kademlia.internal;

import dev.weft.api.Address;
import dev.weft.api.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * One wire message: the header every type shares around its typed {@link Message} body. Immutable.
 *
 * @param rid request id: drawn by the requester, echoed by the answer
 * @param from the sender's node id
 * @param addresses the addresses the sender advertises (empty in a TOKEN answer, where every byte counts)
 * @param tok address token, null when absent: in answers the one for the requester's address, in requests one the
 *     peer gave us earlier
 * @param message the typed body
 */
record Envelope(long rid, NodeId from, List<Address> addresses, Long tok, Message message) {
  Envelope {
    Objects.requireNonNull(from, "from");
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(message, "message");
  }

  MessageType type() {
    return message.type();
  }

  Envelope withTok(Long token) {
    return new Envelope(rid, from, addresses, token, message);
  }

  Envelope withMessage(Message body) {
    return new Envelope(rid, from, addresses, tok, body);
  }

  @Override
  public String toString() {
    return message.type() + "#" + Long.toHexString(rid) + " from " + from.shortHex();
  }
}
