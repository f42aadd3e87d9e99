package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.api.NodeId;
import dev.weft.testkit.TestCluster;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * An answer is matched to its request by the request id alone, so the ids a node sends must not be guessable from the
 * ones an attacker has seen: a hand-made peer answers a joining node and records the ids of its requests.
 */
class RequestIdTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void requestIdsAreNeitherRepeatedNorSequential() throws Exception {
    NodeId fakeId = NodeId.random(new Random(3));
    List<Long> rids = new ArrayList<>();
    try (TestCluster c = TestCluster.builder().nodes(1).seed(4).set(KademliaSettings.RPC_TIMEOUT, "300ms").start();
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      Node node = c.node(0);
      String self = "udp://127.0.0.1:" + peer.getLocalPort();
      CompletableFuture<Integer> join = node.join(List.of(Address.parse(self)));
      peer.setSoTimeout(250);
      byte[] buf = new byte[65_536];
      // The join pings us and looks up its own id through us; then each get asks us, the node's only contact.
      int gets = 0;
      for (int waits = 0; rids.size() < 12 && waits < 80; ) {
        if (join.isDone() && gets < rids.size()) {
          node.storage().get("ns", "k" + gets++);
        }
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          peer.receive(p);
        } catch (SocketTimeoutException e) {
          waits++;
          continue;
        }
        // UDP frame: "WF", version, type 1 (whole), CRC-32C, then the message (transport-udp's Frames).
        JsonNode m = JSON.readTree(new String(p.getData(), 8, p.getLength() - 8, StandardCharsets.UTF_8));
        String type = m.path("t").asText();
        String answer = switch (type) {
          case "PING" -> "PONG";
          case "FIND_NODE", "FIND_VALUE" -> "NODES";
          default -> null;
        };
        if (answer == null) {
          continue;
        }
        rids.add(m.path("rid").asLong());
        String reply = "{\"v\":1,\"t\":\"" + answer + "\",\"rid\":" + m.path("rid").asLong() + ",\"from\":\""
            + fakeId.toHex() + "\",\"addrs\":[\"" + self + "\"]" + (answer.equals("NODES") ? ",\"nodes\":[]" : "")
            + "}";
        byte[] r = frame(reply.getBytes(StandardCharsets.UTF_8));
        peer.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
      }
      join.handle((v, e) -> null).get();
    }
    assertThat(rids).hasSizeGreaterThanOrEqualTo(5);
    assertThat(new HashSet<>(rids)).hasSameSizeAs(rids);
    // Counting from a random start would show as constant steps; random ids spread over the whole 64-bit range.
    List<Long> steps = new ArrayList<>();
    for (int i = 1; i < rids.size(); i++) {
      steps.add(rids.get(i) - rids.get(i - 1));
    }
    assertThat(steps).allMatch(d -> Math.abs(d) > 1_000_000_000L);
    assertThat(new HashSet<>(steps)).hasSameSizeAs(steps);
  }

  private static byte[] frame(byte[] message) {
    ByteBuffer b = ByteBuffer.allocate(8 + message.length);
    b.put((byte) 0x57).put((byte) 0x46).put((byte) 1).put((byte) 1).putInt(0).put(message);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 4);
    crc.update(b.array(), 8, message.length);
    b.putInt(4, (int) crc.getValue());
    return b.array();
  }
}
