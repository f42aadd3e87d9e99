package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.weft.api.Address;
import dev.weft.api.Node;
import dev.weft.testkit.TestCluster;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node under a storm of garbage keeps serving, and nothing escapes into its threads. */
class HostileDatagramTest {
  @Test
  void tenThousandRandomAndTruncatedDatagrams() throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    java.util.concurrent.atomic.AtomicReference<Throwable> escaped = new java.util.concurrent.atomic.AtomicReference<>();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.set(e));
    try (TestCluster c = TestCluster.builder().nodes(3).seed(9).set(KademliaSettings.RPC_TIMEOUT.key(), "300ms").start()) {
      Node target = c.node(0);
      Address a = target.addresses().get(0);
      InetSocketAddress to = new InetSocketAddress(a.host(), a.port());
      // A real message to mutate and cut, so many inputs get deep into the decoder.
      String ping = "{\"v\":1,\"t\":\"STORE\",\"rid\":5,\"from\":\"" + c.node(1).id().toHex()
          + "\",\"addrs\":[\"udp://127.0.0.1:9\"],\"record\":{\"ns\":\"n\",\"key\":\"k\",\"val\":{\"a\":[1,2]},"
          + "\"ver\":\"1-2\",\"exp\":99999999999999,\"pub\":\"" + c.node(1).id().toHex() + "\"}}";
      byte[] valid = ping.getBytes(StandardCharsets.UTF_8);
      Random r = new Random(2024);
      long before = target.stats().malformedDropped();
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        for (int i = 0; i < 10_000; i++) {
          byte[] data;
          switch (i % 3) {
            case 0 -> {
              data = new byte[r.nextInt(1400)];
              r.nextBytes(data);
            }
            case 1 -> data = Arrays.copyOf(valid, r.nextInt(valid.length));
            default -> {
              data = valid.clone();
              for (int j = 0; j < 3; j++) {
                data[r.nextInt(data.length)] = (byte) r.nextInt(256);
              }
            }
          }
          s.send(new DatagramPacket(data, data.length, to));
        }
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(target.stats().malformedDropped() - before).isGreaterThan(5_000));
      // Still serving: a write through the battered node and a read from another.
      target.storage().put("after", "storm", JsonNodeFactory.instance.textNode("ok")).get(30, TimeUnit.SECONDS);
      assertThat(c.node(2).storage().get("after", "storm").get(30, TimeUnit.SECONDS)).isPresent();
      assertThat(target.info().contacts()).isEqualTo(2);
      assertThat(escaped.get()).isNull();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }
}
