package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.api.Weft;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Garbage, spoofed senders and misuse of relay frames on the DHT endpoint are dropped; the node keeps working. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostileFramesTest {
  private static ByteBuffer frame(int type, String a, String b, byte[] payload) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(1 + 2 + x.length + 2 + y.length + payload.length);
    out.put((byte) type).putShort((short) x.length).put(x).putShort((short) y.length).put(y).put(payload);
    return out.flip();
  }

  private static final class Raw extends WebSocketClient {
    final CountDownLatch open = new CountDownLatch(1);

    Raw(URI uri, Map<String, String> headers) {
      super(uri, headers);
    }

    @Override
    public void onOpen(ServerHandshake h) {
      open.countDown();
    }

    @Override
    public void onMessage(String m) {}

    @Override
    public void onClose(int code, String reason, boolean remote) {}

    @Override
    public void onError(Exception e) {}
  }

  @Test
  void hostileFramesAreDroppedAndCounted() throws Exception {
    Random random = new Random(3);
    try (Node a = Weft.builder().nodeId(NodeId.random(random)).listen("ws://127.0.0.1:0").build();
        Node b = Weft.builder().nodeId(NodeId.random(random)).listen("ws://127.0.0.1:0").build()) {
      Address at = a.addresses().get(0);
      b.join(List.of(at)).get(20, TimeUnit.SECONDS);
      Raw raw = new Raw(URI.create("ws://127.0.0.1:" + at.port() + "/weft"),
          Map.of("X-Weft-Address", "ws://127.0.0.1:1"));
      assertThat(raw.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
      long before = a.stats().malformedDropped();
      raw.send(new byte[0]);                                                   // empty
      raw.send(new byte[] {9, 0, 0});                                           // unknown type
      raw.send(new byte[] {1, (byte) 0xff, (byte) 0xff, 1});                    // length past the end
      raw.send(frame(1, "ws://10.9.9.9:1/relay/abcdefgh", "", new byte[] {1})); // a sender not behind it
      raw.send(frame(2, "ws://127.0.0.1:1", "", new byte[] {1}).array());       // OUT from a node not relayed
      raw.send(frame(1, "", "", "not a dht message".getBytes(StandardCharsets.UTF_8)).array()); // bad payload
      await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().malformedDropped() >= before + 6);
      // A relay frame for a token nobody holds is dropped quietly, and text frames close the connection.
      raw.send(frame(1, "", "nobody-has-this-token", new byte[] {1}));
      raw.send("text is not a DHT frame");
      await().atMost(Duration.ofSeconds(10)).until(raw::isClosed);

      // An upgrade without an address or relay token is refused.
      Raw anonymous = new Raw(URI.create("ws://127.0.0.1:" + at.port() + "/weft"), Map.of());
      assertThat(anonymous.connectBlocking(10, TimeUnit.SECONDS)).isFalse();
      // So is one that declares an address on another IP than it connects from: it would take that address over.
      Raw impostor = new Raw(URI.create("ws://127.0.0.1:" + at.port() + "/weft"),
          Map.of("X-Weft-Address", "ws://127.0.0.2:" + b.addresses().get(0).port()));
      assertThat(impostor.connectBlocking(10, TimeUnit.SECONDS)).isFalse();
      // A host name that resolves to the connecting IP, and a wildcard host (replaced by that IP), are fine.
      Raw named = new Raw(URI.create("ws://127.0.0.1:" + at.port() + "/weft"),
          Map.of("X-Weft-Address", "ws://localhost:2"));
      assertThat(named.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
      named.closeBlocking();
      Raw wildcard = new Raw(URI.create("ws://127.0.0.1:" + at.port() + "/weft"),
          Map.of("X-Weft-Address", "ws://0.0.0.0:3"));
      assertThat(wildcard.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
      wildcard.closeBlocking();

      assertThat(b.storage().put("h", "k", JsonNodeFactory.instance.textNode("v")).get(20, TimeUnit.SECONDS)
          .acknowledged()).isEqualTo(2);
      assertThat(a.storage().get("h", "k").get(20, TimeUnit.SECONDS)).isPresent();
    }
  }
}
