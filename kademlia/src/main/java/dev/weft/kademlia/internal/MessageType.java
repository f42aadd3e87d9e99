package dev.weft.kademlia.internal;

/** Kinds of messages on the wire, each with its {@link Message} record; see docs/protocol.md. */
enum MessageType {
  PING(true, Message.Ping.class),
  FIND_NODE(true, Message.FindNode.class),
  FIND_VALUE(true, Message.FindValue.class),
  STORE(true, Message.Store.class),
  APP(true, Message.App.class),
  PONG(false, Message.Pong.class),
  NODES(false, Message.Nodes.class),
  VALUE(false, Message.Value.class),
  STORED(false, Message.Stored.class),
  APP_REPLY(false, Message.AppReply.class),
  /** "Ask again with this token": the answer to a request whose address is not verified and whose answer is too big. */
  TOKEN(false, Message.Token.class),
  ERROR(false, Message.Error.class),
  STORE_MANY(true, Message.StoreMany.class),
  STORED_MANY(false, Message.StoredMany.class);

  private static final MessageType[] ALL = values();
  private final boolean request;
  private final Class<? extends Message> body;

  MessageType(boolean request, Class<? extends Message> body) {
    this.request = request;
    this.body = body;
  }

  boolean isRequest() {
    return request;
  }

  static MessageType of(Message m) {
    for (MessageType t : ALL) {
      if (t.body == m.getClass()) {
        return t;
      }
    }
    throw new IllegalArgumentException("no message type for " + m.getClass());
  }
}
