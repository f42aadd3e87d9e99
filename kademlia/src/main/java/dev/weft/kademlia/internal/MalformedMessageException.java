package dev.weft.kademlia.internal;

/** An inbound message that does not follow docs/protocol.md; it is dropped and counted. */
final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedMessageException(String message) {
    super(message, null, false, false);
  }

  MalformedMessageException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
