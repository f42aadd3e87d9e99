package dev.weft.transport.udp.internal;

import dev.weft.sim.ManualScheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.transport.udp.UdpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport drops partial messages on the node's scheduler, in the node's time. */
class ReassemblyTimeoutTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<byte[]> messages = new CopyOnWriteArrayList<>();
  private UdpTransport transport;
  private InetSocketAddress target;
  private DatagramChannel raw;

  @BeforeEach
  void open() throws IOException {
    transport = new UdpTransportProvider().open(Address.parse("udp://127.0.0.1:0"),
        new TestContext(WeftConfig.empty(), clock, (from, m) -> messages.add(m)));
    target = new InetSocketAddress("127.0.0.1", transport.localAddresses().get(0).port());
    raw = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void close() throws IOException {
    transport.close();
    raw.close();
  }

  @Test
  void aPartialMessageIsDroppedByTheCleanupAfterTheTimeout() throws IOException {
    byte[] message = new byte[3_000];
    new Random(11).nextBytes(message);
    List<byte[]> fragments = Frames.encode(message, 5, 1200);
    send(fragments.get(0));
    send(fragments.get(1));
    await().atMost(WAIT).until(() -> transport.counters().fragmentsIn() == 2);
    assertThat(transport.counters().partialMessages()).isOne();
    assertThat(transport.counters().partialBytes()).isEqualTo(3_000);

    clock.advance(Duration.ofSeconds(5));
    assertThat(transport.counters().partialMessages()).as("at the timeout exactly").isOne();
    clock.advance(Duration.ofSeconds(1));
    assertThat(transport.counters().partialMessages()).isZero();
    assertThat(transport.counters().partialBytes()).isZero();
    assertThat(transport.counters().reassemblyDrops()).isOne();

    // The missing fragment, late: it cannot complete a message whose other fragments are gone.
    send(fragments.get(2));
    await().atMost(WAIT).until(() -> transport.counters().fragmentsIn() == 3);
    assertThat(messages).isEmpty();

    // A complete message still arrives.
    for (byte[] f : Frames.encode(message, 6, 1200)) {
      send(f);
    }
    await().atMost(WAIT).until(() -> messages.size() == 1);
    assertThat(messages.get(0)).isEqualTo(message);
  }

  @Test
  void closingCancelsTheCleanupTimer() {
    assertThat(clock.pending()).as("the cleanup timer").isOne();

    transport.close();

    assertThat(clock.pending()).isZero();
  }

  private void send(byte[] datagram) throws IOException {
    raw.send(ByteBuffer.wrap(datagram), target);
  }
}
