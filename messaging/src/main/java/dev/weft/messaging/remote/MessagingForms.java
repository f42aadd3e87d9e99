package dev.weft.messaging.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import dev.weft.remote.RemoteJson;
import java.util.Locale;

/**
 * Messaging's JSON on the HTTP API and the browser gateway.
 *
 * <p>A received message has two forms, kept apart on purpose since both are on the wire already: the HTTP stream's
 * ({@link #received}) carries the key a message was sent to and calls the content {@code payload}; the gateway's
 * event ({@link #event}) is {@code {"t": "msg", ..., "message"}}, as weft.js reads it.
 *
 * @since 0.1.0
 */
public final class MessagingForms {
  private MessagingForms() {}

  /** The answer to a send: {@code {id, to}}. */
  public static ObjectNode delivery(Messaging.Delivery d) {
    return RemoteJson.object().put("id", d.id()).put("to", d.to().toHex());
  }

  /** The answer to a broadcast: {@code {id, subtrees, unreachable}}. */
  public static ObjectNode broadcast(Messaging.Broadcast b) {
    return RemoteJson.object().put("id", b.id()).put("subtrees", b.subtrees()).put("unreachable", b.unreachable());
  }

  /**
   * A message as the HTTP stream writes it: {@code {kind, id, sender, channel, namespace?, key?, payload}}, {@code
   * kind} in lower case, {@code namespace} and {@code key} only for a message sent to a key.
   */
  public static ObjectNode received(ReceivedMessage m) {
    ObjectNode n = head(m);
    m.namespace().ifPresent(ns -> n.put("namespace", ns));
    m.key().ifPresent(k -> n.put("key", k));
    n.set("payload", m.payload());
    return n;
  }

  /** A message as the gateway's event: {@code {t: "msg", kind, id, sender, channel, message}}. */
  public static ObjectNode event(ReceivedMessage m) {
    ObjectNode n = RemoteJson.object().put("t", "msg");
    n.setAll(head(m));
    n.set("message", m.payload());
    return n;
  }

  private static ObjectNode head(ReceivedMessage m) {
    return RemoteJson.object().put("kind", m.kind().name().toLowerCase(Locale.ROOT)).put("id", m.id())
        .put("sender", m.sender().toHex()).put("channel", m.channel());
  }
}
