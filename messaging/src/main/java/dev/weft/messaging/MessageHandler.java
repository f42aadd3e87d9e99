package dev.weft.messaging;

/** Receives messages; see {@link Messaging#registerMessageHandler}. Must not block for long. */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(ReceivedMessage message);
}
