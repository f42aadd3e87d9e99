package dev.weft.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.WeftException;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's Message group: send a JSON message to the node responsible for a key, to one node, or to every node.
 * Get it with {@link #of(Node)} when {@code weft-messaging} is on the classpath.
 *
 * <p>Messages are delivered at most once to the application; there is no ordering between messages. Sends complete
 * when the receiving node acknowledged the message (or, for {@link #sendAll}, when this node handed it on), and fail
 * with {@link UndeliverableException} when that cannot happen.
 *
 * <h2>Channels</h2>
 * This interface sends and receives on the {@code user} channel; plugins use their own with {@link #channel(String)},
 * so user handlers see only user messages.
 *
 * <h2>Threads</h2>
 * Thread-safe; never blocks. Futures complete on the node's event thread. Handlers run on the node's scheduler
 * threads, possibly concurrently.
 */
public interface Messaging {
  /** The channel user messages travel on. */
  String USER_CHANNEL = "user";

  /**
   * The storage namespace of client presence records (see {@link #attachClient}): key = the client's id in hex, value
   * {@code {"node": <hex id of the node it is attached to>}}.
   */
  String CLIENT_NAMESPACE = "weft:clients";

  /**
   * The messaging service of {@code node}.
   *
   * @throws WeftException when the messaging plugin is not present or disabled
   */
  static Messaging of(Node node) {
    return node.service(Messaging.class).orElseThrow(() -> new WeftException(
        "this node has no messaging plugin: add weft-messaging to the classpath (and do not list it in"
            + " weft.plugins.disabled)"));
  }

  /** Delivers {@code message} to the node currently responsible for {@code (namespace, key)}: the closest live one. */
  CompletableFuture<Delivery> send(String namespace, String key, JsonNode message);

  /**
   * Delivers {@code message} to the node with id {@code node}.
   *
   * @return fails with {@link UndeliverableException} when no such node can be found or reached in bounded time
   */
  CompletableFuture<Delivery> sendNode(NodeId node, JsonNode message);

  /**
   * Delivers {@code message} to every reachable node, this one included, by a structured broadcast over the routing
   * table: about one message per node.
   *
   * @return completes when this node has handed the broadcast to every part of the network it knows
   */
  CompletableFuture<Broadcast> sendAll(JsonNode message);

  /**
   * Adds a handler for the messages of this channel that reach this node. Several may be registered; one that throws
   * is logged and does not affect the others. With none, messages are dropped.
   *
   * @return closing it removes the handler
   */
  Registration registerMessageHandler(MessageHandler handler);

  /**
   * Makes this node the delivery point of a <em>client</em>: a participant with an id of its own that is not a node of
   * the DHT (a browser connected to this node's gateway). From then on {@link #sendNode} to {@code client} from any
   * node reaches {@code handler} here: a sender whose lookup finds no node with that id reads the client's presence
   * record in {@link #CLIENT_NAMESPACE} and hands the message to the node it names. The record is stored with a short
   * time to live ({@link MessagingSettings#CLIENT_PRESENCE_TTL}), re-stored while the client stays attached, and
   * deleted when the registration is closed.
   *
   * <p>{@code handler} receives the messages of every channel sent to the client (see {@link
   * ReceivedMessage#channel()}), of kind {@link ReceivedMessage.Kind#NODE}, with the sending node as sender; at most
   * once each, on the node's scheduler threads. Broadcasts and messages to keys are the node's, not its clients'.
   *
   * @return completes with the attachment, whose {@code close()} detaches the client, once its presence record is
   *     stored; fails with {@link IllegalArgumentException} for this node's own id, with {@link
   *     IllegalStateException} when the id is attached here already or to another node that says it still has it,
   *     and with {@link WeftException} when the record could not be stored (nothing is then attached), or when this
   *     implementation does not attach clients (the default, for implementations other than the plugin's)
   */
  default CompletableFuture<Registration> attachClient(NodeId client, MessageHandler handler) {
    return CompletableFuture.failedFuture(new WeftException(getClass().getName() + " does not attach clients"));
  }

  /** The same service on another channel, for plugins: {@code schema}, {@code pht}, yours. */
  Messaging channel(String name);

  /** A removable registration. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A message that reached its destination.
   *
   * @param id the message id
   * @param to the node that acknowledged it
   */
  record Delivery(String id, NodeId to) {}

  /**
   * A broadcast handed on.
   *
   * @param id the broadcast id
   * @param subtrees parts of the network (k-buckets) it was handed to
   * @param unreachable parts of the network where no contact took it
   */
  record Broadcast(String id, int subtrees, int unreachable) {}
}
