package dev.weft.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.NodeId;
import java.util.Optional;

/**
 * A message as a handler sees it.
 *
 * @param kind how it was addressed
 * @param id unique id; a retry carries the same id and is not delivered twice
 * @param sender the node that sent it (for a broadcast, its originator as it claims)
 * @param channel the channel it travelled on
 * @param namespace for {@link Kind#KEY}, the namespace it was sent to
 * @param key for {@link Kind#KEY}, the key it was sent to
 * @param payload the message
 */
public record ReceivedMessage(Kind kind, String id, NodeId sender, String channel, Optional<String> namespace,
    Optional<String> key, JsonNode payload) {
  /** How a message was addressed. */
  public enum Kind {
    /** To the node responsible for a key. */
    KEY,
    /** To one node by id. */
    NODE,
    /** To every node. */
    BROADCAST
  }
}
