package dev.weft.messaging.remote;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.UndeliverableException;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteException;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP routes of messaging, under {@code /v1/messages} (docs/http-api.md, "Messages"): sends on the {@code user}
 * channel and the stream of the messages this node receives.
 *
 * <p>Public for {@link java.util.ServiceLoader}; not API.
 */
public final class MessagingRoutes implements RemoteFeature {
  @Override
  public String name() {
    return "messaging";
  }

  @Override
  public Set<String> ops() {
    return MessagingOps.OPS;
  }

  @Override
  public Optional<GatewayOps> gatewayOps(Node node) {
    return node.service(Messaging.class).map(MessagingOps::new);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("POST", "/v1/messages/key/{namespace}/{key}", MessagingRoutes::sendToKey),
        new Route("POST", "/v1/messages/node/{id}", MessagingRoutes::sendToNode),
        new Route("POST", "/v1/messages/all", MessagingRoutes::sendToAll),
        new Route("GET", "/v1/messages/stream", MessagingRoutes::stream));
  }

  private static Messaging messaging(HttpCall call) {
    return RemoteException.unsupportedWithout(() -> Messaging.of(call.node()));
  }

  private static void sendToKey(HttpCall call) {
    String namespace = call.path("namespace", "namespace");
    String key = call.path("key", "key");
    call.query(Set.of());
    Messaging messaging = messaging(call);
    call.readJson("message", message -> call.complete(() -> messaging.send(namespace, key, message),
        MessagingForms::delivery));
  }

  private static void sendToNode(HttpCall call) {
    NodeId to;
    try {
      to = NodeId.fromHex(call.path("id", "node id"));
    } catch (IllegalArgumentException e) {
      throw RemoteException.badRequest("invalid node id: " + e.getMessage());
    }
    call.query(Set.of());
    Messaging messaging = messaging(call);
    call.readJson("message", message -> call.complete(() -> messaging.sendNode(to, message),
        MessagingForms::delivery, MessagingRoutes::noSuchNode));
  }

  /** No live node has the id: 404, "not found" first like a missing object (the CLI tells it from a bad path so). */
  private static Throwable noSuchNode(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof UndeliverableException u && u.reason() == UndeliverableException.Reason.NO_SUCH_NODE) {
      return RemoteException.notFound("not found: " + u.getMessage());
    }
    return e;
  }

  private static void sendToAll(HttpCall call) {
    call.query(Set.of());
    Messaging messaging = messaging(call);
    call.readJson("message", message -> call.complete(() -> messaging.sendAll(message), MessagingForms::broadcast));
  }

  private static void stream(HttpCall call) {
    call.query(Set.of());
    Messaging messaging = messaging(call);
    call.stream(sink -> messaging.registerMessageHandler(m -> sink.accept(MessagingForms.received(m)))::close);
  }
}
