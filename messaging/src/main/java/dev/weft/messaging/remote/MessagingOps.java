package dev.weft.messaging.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.messaging.UndeliverableException;
import dev.weft.remote.Failures;
import dev.weft.remote.Pages;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code send}, {@code sendNode}, {@code sendAll}, {@code subscribe} and {@code unsubscribe}, and the attachment that
 * makes a client reachable by {@code sendNode} from any node ({@link Messaging#attachClient}).
 *
 * <p>Clients use the {@code user} channel and channels named {@code app.*}: the other channels carry the protocols of
 * the node's plugins (schema, pht), which a page must not be able to speak through its super-node.
 */
final class MessagingOps implements GatewayOps {
  private final Messaging messaging;

  MessagingOps(Messaging messaging) {
    this.messaging = messaging;
  }

  @Override
  public String name() {
    return "messaging";
  }

  /** The ops, by name. */
  static final Set<String> OPS = Set.of("send", "sendNode", "sendAll", "subscribe", "unsubscribe");

  static boolean clientChannel(String channel) {
    return channel.equals(Messaging.USER_CHANNEL) || channel.matches("app\\.[A-Za-z0-9._-]{1,60}");
  }

  private Messaging channel(OpArgs a) {
    String c = a.optionalString("channel", 64).orElse(Messaging.USER_CHANNEL);
    if (!clientChannel(c)) {
      throw RemoteException.badRequest("channel '" + c + "' is not open to clients: use \"user\" or app.<name> (letters,"
          + " digits, . _ -)");
    }
    return c.equals(Messaging.USER_CHANNEL) ? messaging : messaging.channel(c);
  }

  /**
   * Attaches {@code client} to the node's messaging: messages any node sends to its id come to it as {@code msg}
   * events, on every client channel, without subscribing. Subscribes it to the broadcasts of the {@code user}
   * channel.
   */
  @Override
  public CompletableFuture<AutoCloseable> onConnect(GatewayOps.Client client) {
    subscribe(client, Messaging.USER_CHANNEL, messaging);
    return messaging.attachClient(client.id(), m -> {
      if (clientChannel(m.channel())) {
        client.event(MessagingForms.event(m));
      }
    }).handle((r, failure) -> {
      if (failure == null) {
        return (AutoCloseable) r::close;
      }
      Throwable e = Failures.unwrap(failure);
      // The id is attached here or to another node already.
      if (e instanceof IllegalStateException) {
        throw new RemoteException(RemoteError.CONFLICT, e.getMessage());
      }
      throw e instanceof RuntimeException unchecked ? unchecked : new CompletionException(e);
    });
  }

  private boolean subscribe(GatewayOps.Client client, String name, Messaging channel) {
    // Only broadcasts: messages to a key or to this node's id are the node's own.
    return client.keep("msg:" + name, () -> channel.registerMessageHandler(m -> {
      if (m.kind() == ReceivedMessage.Kind.BROADCAST) {
        client.event(MessagingForms.event(m));
      }
    })::close);
  }

  @Override
  public CompletableFuture<JsonNode> call(GatewayOps.Client client, OpArgs a) {
    switch (a.op()) {
      case "send" -> {
        a.only("namespace", "key", "message", "channel");
        Messaging m = channel(a);
        return m.send(a.string("namespace", Pages.MAX_NAME), a.string("key", Pages.MAX_NAME),
            a.json("message")).thenApply(MessagingForms::delivery);
      }
      case "sendNode" -> {
        a.only("to", "message", "channel");
        Messaging m = channel(a);
        return m.sendNode(a.id("to"), a.json("message")).thenApply(MessagingForms::delivery);
      }
      case "sendAll" -> {
        a.only("message", "channel");
        Messaging m = channel(a);
        return m.sendAll(a.json("message")).thenApply(MessagingForms::broadcast);
      }
      case "subscribe" -> {
        a.only("channel");
        Messaging m = channel(a);
        String name = a.optionalString("channel", 64).orElse(Messaging.USER_CHANNEL);
        boolean added = subscribe(client, name, m);
        return CompletableFuture.completedFuture(RemoteJson.object().put("channel", name).put("added", added));
      }
      case "unsubscribe" -> {
        a.only("channel");
        channel(a);
        String name = a.optionalString("channel", 64).orElse(Messaging.USER_CHANNEL);
        boolean removed = client.release("msg:" + name);
        return CompletableFuture.completedFuture(RemoteJson.object().put("channel", name).put("removed", removed));
      }
      default -> throw new IllegalStateException("not a messaging op: " + a.op());
    }
  }

  @Override
  public Throwable refine(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof UndeliverableException u) {
      return new RemoteException(u.reason() == UndeliverableException.Reason.NO_SUCH_NODE ? RemoteError.NOT_FOUND
          : RemoteError.UNAVAILABLE, u.getMessage());
    }
    return e;
  }
}
