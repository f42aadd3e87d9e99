package dev.weft.kademlia.internal;

/** Kinds of messages on the wire; see docs/protocol.md. */
enum MessageType {
  PING(true),
  FIND_NODE(true),
  FIND_VALUE(true),
  STORE(true),
  APP(true),
  PONG(false),
  NODES(false),
  VALUE(false),
  STORED(false),
  APP_REPLY(false),
  /** "Ask again with this token": the answer to a request whose address is not verified and whose answer is too big. */
  TOKEN(false),
  ERROR(false);

  private final boolean request;

  MessageType(boolean request) {
    this.request = request;
  }

  boolean isRequest() {
    return request;
  }
}
