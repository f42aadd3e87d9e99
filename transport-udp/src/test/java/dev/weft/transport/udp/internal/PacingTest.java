package dev.weft.transport.udp.internal;

import dev.weft.sim.ManualScheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.transport.udp.UdpSettings;
import dev.weft.transport.udp.UdpTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Large messages leave in batches on the sender's scheduler, here in virtual time. */
class PacingTest {
  private static final WeftConfig PACED =
      WeftConfig.of(Map.of(UdpSettings.BURST_DATAGRAMS.key(), "8", UdpSettings.BURST_PAUSE.key(), "100ms"));
  private static final Duration PAUSE = Duration.ofMillis(100);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<byte[]> received = new CopyOnWriteArrayList<>();
  private UdpTransport sender;
  private UdpTransport receiver;

  @BeforeEach
  void open() throws IOException {
    Address loopback = Address.parse("udp://127.0.0.1:0");
    sender = new UdpTransportProvider().open(loopback, new TestContext(PACED, clock, (from, m) -> {}));
    receiver = new UdpTransportProvider().open(loopback,
        new TestContext(WeftConfig.empty(), Scheduler.system(), (from, m) -> received.add(m)));
  }

  @AfterEach
  void close() {
    sender.close();
    receiver.close();
  }

  @Test
  void theFirstBatchLeavesAtOnceAndTheRestOnePauseApartFromACopy() {
    byte[] m = new byte[20_000];
    new Random(21).nextBytes(m);
    byte[] original = m.clone();

    sender.send(receiver.localAddresses().get(0), m);
    Arrays.fill(m, (byte) 0);

    // ceil(20000 / 1180) = 17 fragments: 8 now, 8 after one pause, 1 after two.
    assertThat(sender.counters().fragmentsOut()).isEqualTo(8);
    clock.advance(PAUSE.minusNanos(1));
    assertThat(sender.counters().fragmentsOut()).isEqualTo(8);
    clock.advance(Duration.ofNanos(1));
    assertThat(sender.counters().fragmentsOut()).isEqualTo(16);
    assertThat(sender.counters().messagesOut()).isZero();
    clock.advance(PAUSE);
    assertThat(sender.counters().fragmentsOut()).isEqualTo(17);
    assertThat(sender.counters().messagesOut()).isOne();

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    assertThat(received.get(0)).as("what the caller passed, not what it wrote afterwards").isEqualTo(original);
  }

  @Test
  void aMessageThatFitsOneBatchNeedsNoScheduler() {
    int pendingBefore = clock.pending();

    sender.send(receiver.localAddresses().get(0), new byte[8 * 1180]);

    assertThat(sender.counters().messagesOut()).isOne();
    assertThat(clock.pending()).isEqualTo(pendingBefore);
  }

  @Test
  void closingWhileAMessageIsPacedDropsTheRest() {
    sender.send(receiver.localAddresses().get(0), new byte[20_000]);
    sender.close();

    clock.advance(PAUSE);

    assertThat(sender.counters().fragmentsOut()).isEqualTo(8);
    assertThat(sender.counters().sendDrops()).isOne();
    assertThat(sender.counters().messagesOut()).isZero();
  }
}
