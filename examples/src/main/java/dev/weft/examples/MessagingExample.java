package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import dev.weft.messaging.Messaging;
import dev.weft.messaging.ReceivedMessage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/** Messages between two nodes (needs weft-messaging on the class path). */
public final class MessagingExample {
  private MessagingExample() {}

  public static void main(String[] args) throws Exception {
    try (Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node other = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      other.join(node.addresses()).get(10, SECONDS);
      Set<ReceivedMessage.Kind> kinds = ConcurrentHashMap.newKeySet();
      CountDownLatch received = new CountDownLatch(ReceivedMessage.Kind.values().length);
      for (Node n : List.of(node, other)) {  // the key's message goes to whichever of them is responsible for it
        Messaging.of(n).registerMessageHandler(m -> {
          System.out.println(m.kind() + " from " + m.sender().shortHex() + ": " + m.payload());
          if (kinds.add(m.kind())) {
            received.countDown();
          }
        });
      }
      JsonNode value = JsonNodeFactory.instance.objectNode().put("text", "hi");
      NodeId otherId = other.id();
      Messaging messaging = Messaging.of(node);
      messaging.send("notes", "hello", value).get();  // to the node responsible for notes/hello
      messaging.sendNode(otherId, value).get();       // to one node; fails with UndeliverableException if it cannot
      messaging.sendAll(value).get();                 // to every node, about one message per node
      if (!received.await(10, SECONDS)) {
        throw new IllegalStateException("messages did not arrive");
      }
    }
  }
}
