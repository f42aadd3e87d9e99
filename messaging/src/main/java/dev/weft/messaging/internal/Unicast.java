package dev.weft.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import dev.weft.api.Storage;
import dev.weft.api.spi.plugin.Dht;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.messaging.UndeliverableException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Unicast with retries, the sending side of {@code deliver}: {@link Messaging#send} to the closest live node of a key
 * that takes the message (up to {@code weft.messaging.send-attempts} nodes in turn), {@link Messaging#sendNode} to a
 * node by id, from the routing table or a lookup, else to the node a client's presence record names. Called by {@link
 * MessagingPlugin} on the callers' threads, with the message checked and its id drawn; keeps no state of its own.
 */
final class Unicast {
  /** What stays on this node: its handlers and its attached clients. Called on any thread. */
  interface Local {
    /** Hands {@code m} to this node's handlers once. */
    void deliver(ReceivedMessage m);

    /** The client {@code id} attached here, or null. */
    ClientPresence.Attachment client(NodeId id);

    /** Hands {@code m} to the handler of attached client {@code a} once. */
    void deliverToClient(ClientPresence.Attachment a, ReceivedMessage m);
  }

  private final Dht dht;
  private final Storage storage;
  private final int sendAttempts;
  private final Local local;

  Unicast(Dht dht, Storage storage, int sendAttempts, Local local) {
    this.dht = dht;
    this.storage = storage;
    this.sendAttempts = sendAttempts;
    this.local = local;
  }

  /** Sends message {@code id} to the closest live node of {@code (namespace, key)} that takes it. */
  CompletableFuture<Messaging.Delivery> send(String id, String channel, String namespace, String key,
      JsonNode message) {
    ObjectNode body = DeliverMessage.toKey(id, channel, message, namespace, key).toJson();
    NodeId target = dht.keyId(namespace, key);
    return dht.lookup(target, sendAttempts).thenCompose(closest -> tryInTurn(closest, 0, body, id, channel,
        new ReceivedMessage(ReceivedMessage.Kind.KEY, id, dht.self().id(), channel, Optional.of(namespace),
            Optional.of(key), message), "the node responsible for " + namespace + "/" + key));
  }

  /** Delivers to the first of {@code candidates} that acknowledges, trying at most {@code sendAttempts}. */
  private CompletableFuture<Messaging.Delivery> tryInTurn(List<Contact> candidates, int index, ObjectNode body,
      String id, String channel, ReceivedMessage here, String what) {
    if (index >= candidates.size() || index >= sendAttempts) {
      return CompletableFuture.failedFuture(new UndeliverableException(UndeliverableException.Reason.NO_ANSWER,
          "no answer from " + what + " ("
          + Math.min(index, candidates.size()) + " nodes tried)"));
    }
    Contact c = candidates.get(index);
    if (c.id().equals(dht.self().id())) {
      local.deliver(here);
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, c.id()));
    }
    return dht.request(c, MessagingPlugin.DHT_CHANNEL, body).handle((answer, error) -> {
      if (error == null && DeliverMessage.Answer.fromJson(answer).ok()) {
        return CompletableFuture.completedFuture(new Messaging.Delivery(id, c.id()));
      }
      return tryInTurn(candidates, index + 1, body, id, channel, here, what);
    }).thenCompose(f -> f);
  }

  /** Sends message {@code id} to node {@code to}, or to the client {@code to} wherever it is attached. */
  CompletableFuture<Messaging.Delivery> sendNode(String id, String channel, NodeId to, JsonNode message) {
    if (to.equals(dht.self().id())) {
      local.deliver(new ReceivedMessage(ReceivedMessage.Kind.NODE, id, to, channel, Optional.empty(),
          Optional.empty(), message));
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, to));
    }
    ClientPresence.Attachment attached = local.client(to);
    if (attached != null) {
      local.deliverToClient(attached, new ReceivedMessage(ReceivedMessage.Kind.NODE, id, dht.self().id(), channel,
          Optional.empty(), Optional.empty(), message));
      return CompletableFuture.completedFuture(new Messaging.Delivery(id, dht.self().id()));
    }
    ObjectNode body = DeliverMessage.toNode(id, channel, message, to).toJson();
    ObjectNode clientBody = DeliverMessage.toClient(id, channel, message, to).toJson();
    CompletableFuture<Optional<Contact>> known = CompletableFuture.completedFuture(dht.contact(to));
    return known.thenCompose(c -> c.isPresent() ? deliverTo(c.get(), body, id)
        .exceptionallyCompose(e -> lookupAndDeliver(to, body, clientBody, id))
        : lookupAndDeliver(to, body, clientBody, id));
  }

  private CompletableFuture<Messaging.Delivery> lookupAndDeliver(NodeId to, ObjectNode body, ObjectNode clientBody,
      String id) {
    return dht.lookup(to, 3).thenCompose(closest -> {
      for (Contact c : closest) {
        if (c.id().equals(to)) {
          return deliverTo(c, body, id);
        }
      }
      // The lookup's answer may include this node: it is no other node.
      long others = closest.stream().filter(c -> !c.id().equals(dht.self().id())).count();
      if (others == 0) {
        // Alone: no other node could serve a client of that id, and this one has none (checked before).
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, "node " + to.toHex() + " is not in the network: this node"
                + " knows no other node"));
      }
      String noNode = "node " + to.toHex() + " is not in the network (a lookup for it found " + others + " other node"
          + (others == 1 ? "" : "s") + ")";
      return deliverViaPresence(to, clientBody, id, noNode);
    });
  }

  /** No node has the id {@code to}: delivers to the node its presence record names, if it is a client. */
  private CompletableFuture<Messaging.Delivery> deliverViaPresence(NodeId to, ObjectNode body, String id,
      String noNode) {
    return storage.get(Messaging.CLIENT_NAMESPACE, to.toHex()).handle((record, error) -> {
      if (error != null) {
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_ANSWER, noNode + ", and its client presence record could not be read: "
            + rootMessage(error), error));
      }
      NodeId host = record.map(r -> MessagingPlugin.parseId(r.value().path("node").asText())).orElse(null);
      if (host == null) {
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, noNode + ", and no client with that id is attached anywhere"));
      }
      if (host.equals(dht.self().id())) {
        // Our own record, but the client left (clients.get(to) was null): the record is stale.
        return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
            UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " is no longer attached"));
      }
      return findNode(dht, host).thenCompose(contact -> {
        if (contact.isEmpty()) {
          return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
              UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " was attached to node "
              + host.toHex() + ", which is not in the network any more"));
        }
        return dht.request(contact.get(), MessagingPlugin.DHT_CHANNEL, body).handle((answer, failure) -> {
          DeliverMessage.Answer taken = failure == null ? DeliverMessage.Answer.fromJson(answer) : null;
          if (taken != null && taken.ok()) {
            return CompletableFuture.completedFuture(new Messaging.Delivery(id, host));
          }
          if (taken != null && taken.gone()) {
            return CompletableFuture.<Messaging.Delivery>failedFuture(new UndeliverableException(
                UndeliverableException.Reason.NO_SUCH_NODE, "client " + to.toHex() + " is no longer attached to node "
                + host.toHex()));
          }
          return hostFailed(to, host, failure != null ? rootMessage(failure) : answer.toString(), failure);
        }).thenCompose(f -> f);
      });
    }).thenCompose(f -> f);
  }

  /**
   * The node a client is attached to did not take a message. A contact from the routing table may be a node that
   * stopped: when a lookup cannot find it, the client is gone with it.
   */
  private CompletableFuture<Messaging.Delivery> hostFailed(NodeId client, NodeId host, String why, Throwable cause) {
    CompletableFuture<Messaging.Delivery> out = new CompletableFuture<>();
    dht.lookup(host, 3).whenComplete((closest, e) -> {
      boolean alive = e != null || closest.stream().anyMatch(n -> n.id().equals(host));
      out.completeExceptionally(alive ? new UndeliverableException(UndeliverableException.Reason.NO_ANSWER, "node "
          + host.toHex() + ", which client " + client.toHex() + " is attached to, did not take the message: " + why,
          cause) : new UndeliverableException(UndeliverableException.Reason.NO_SUCH_NODE, "client " + client.toHex()
          + " was attached to node " + host.toHex() + ", which is not in the network any more"));
    });
    return out;
  }

  /** The contact of the node with id {@code id}: from the routing table, else by a lookup; empty when it is gone. */
  static CompletableFuture<Optional<Contact>> findNode(Dht dht, NodeId id) {
    Optional<Contact> known = dht.contact(id);
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(known);
    }
    return dht.lookup(id, 3).thenApply(closest -> closest.stream().filter(c -> c.id().equals(id)).findFirst());
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private CompletableFuture<Messaging.Delivery> deliverTo(Contact c, ObjectNode body, String id) {
    return dht.request(c, MessagingPlugin.DHT_CHANNEL, body).handle((answer, error) -> {
      if (error == null && DeliverMessage.Answer.fromJson(answer).ok()) {
        return new Messaging.Delivery(id, c.id());
      }
      String why = error != null ? String.valueOf(error.getMessage()) : answer.toString();
      throw new UndeliverableException(UndeliverableException.Reason.NO_ANSWER,
          "node " + c.id().toHex() + " did not take the message: " + why, error);
    });
  }
}
