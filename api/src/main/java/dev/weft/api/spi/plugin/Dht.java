package dev.weft.api.spi.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The DHT as plugins see it: routing, lookups and a raw request/response channel between nodes. Plugins (messaging,
 * schema, pht, your own) exchange their messages on channel names of their own, so they never see each other's
 * traffic.
 *
 * <h2>Threads</h2>
 * Thread-safe. Futures complete, and channel handlers run, on the node's event thread ({@link #eventExecutor()}):
 * they must not block.
 *
 * @since 0.1.0
 */
public interface Dht {
  /** This node as peers know it. */
  Contact self();

  /** The id {@code (namespace, key)} is stored under. */
  NodeId keyId(String namespace, String key);

  /** Up to {@code count} contacts from the routing table closest to {@code target}; no network traffic. */
  List<Contact> closestKnown(NodeId target, int count);

  /**
   * Every contact in the routing table, grouped by bucket: {@code buckets().get(i)} is k-bucket {@code i} (0..159),
   * least recently heard from first.
   */
  List<List<Contact>> buckets();

  /**
   * An iterative lookup: the closest live nodes to {@code target} (at most k), this node included when it is among
   * them, closest first.
   */
  CompletableFuture<List<Contact>> lookup(NodeId target);

  /**
   * As {@link #lookup(NodeId)}, but converging once the closest {@code count} nodes have answered: cheaper when only
   * the very closest matter (the owner of a key, one node by id).
   */
  CompletableFuture<List<Contact>> lookup(NodeId target, int count);

  /**
   * Sends {@code body} on {@code channel} to {@code to} and waits for its answer (with the node's timeout and retries).
   *
   * @return the answer; exceptionally with {@link java.util.concurrent.TimeoutException} when none came, or with
   *     {@link dev.weft.api.WeftException} when the peer has no handler for the channel or its handler failed
   */
  CompletableFuture<JsonNode> request(Contact to, String channel, JsonNode body);

  /** Sends {@code body} on {@code channel} to {@code to} without waiting for an answer (best effort). */
  void notify(Contact to, String channel, JsonNode body);

  /**
   * Handles requests and notifications on {@code channel}. One handler per channel.
   *
   * @return a handle whose {@link Registration#close()} removes the handler
   * @throws IllegalStateException when the channel already has a handler
   */
  Registration handle(String channel, ChannelHandler handler);

  /** The node's event executor: tasks on it run one at a time, in order. */
  Executor eventExecutor();

  /** A contact for {@code id} from the routing table, if known. */
  Optional<Contact> contact(NodeId id);

  /**
   * The longest a record's holders take to hand it to a node that became one of its replication-factor closest (a
   * node that joined): the store's maintenance interval. Until then a newcomer may lack records it is closest to; a
   * plugin that relies on the closest node holding a record waits this long after {@link Plugin#onJoined}. Zero when
   * every replica agrees at once.
   */
  Duration handOffInterval();

  /**
   * Removes this node's copies of the objects of {@code namespace} whose version was stamped before {@code
   * writtenBeforeMillis} (wall-clock milliseconds; {@link Long#MAX_VALUE} for all), and stops republishing those of them
   * this node wrote. No message is sent: this is for data that is dead everywhere (a dropped table's rows), which every
   * node removes on its own; a copy a node that has not yet removed it republishes here is stored again and must be
   * removed again, so callers purge again later.
   *
   * @return how many objects were removed; completes on the event thread
   */
  CompletableFuture<Long> purge(String namespace, long writtenBeforeMillis);

  /** Answers requests on one channel. */
  @FunctionalInterface
  interface ChannelHandler {
    /**
     * Called on the event thread for every request or notification on the channel.
     *
     * @param from the sender, already verified to be the sender of the datagram's address
     * @param body the JSON body, never null
     * @return the answer (ignored for notifications); a future that fails sends an error to the requester
     */
    CompletableFuture<JsonNode> onRequest(Contact from, JsonNode body);
  }

  /** Undoes a registration. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
