package dev.weft.testkit;

import dev.weft.sim.ManualScheduler;
import dev.weft.sim.MemoryNetwork;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loss, duplication and reordering of the fault wrapper, in virtual time, repeatable for a seed. */
class FaultyTransportTest {
  private static final int MESSAGES = 2000;

  /** Sends numbered messages from one wrapped transport to another; returns the numbers as they arrived. */
  private static List<Integer> run(long seed) throws IOException {
    ManualScheduler clock = new ManualScheduler();
    MemoryNetwork net = new MemoryNetwork(1);
    FaultyTransport.Faults faults = new FaultyTransport.Faults(seed, 0.2, 0.1, Duration.ZERO, Duration.ofMillis(50));
    TransportProvider faulty = FaultyTransport.wrap(net.provider(), faults);
    List<Integer> got = new ArrayList<>();
    Transport a = faulty.open(Address.parse("mem://a:0"),
        new MemoryNetworkTest.TestContext(WeftConfig.empty(), clock, (f, m) -> { }));
    Transport b = faulty.open(Address.parse("mem://b:0"), new MemoryNetworkTest.TestContext(WeftConfig.empty(), clock,
        (f, m) -> got.add(ByteBuffer.wrap(m).getInt())));
    try {
      for (int i = 0; i < MESSAGES; i++) {
        a.send(b.localAddresses().get(0), ByteBuffer.allocate(4).putInt(i).array());
        clock.advance(Duration.ofMillis(1));
      }
      clock.advance(Duration.ofSeconds(1));
      FaultyTransport fa = (FaultyTransport) a;
      assertThat(fa.sent()).isEqualTo(MESSAGES);
      assertThat(got).hasSize((int) (MESSAGES - fa.dropped() + fa.duplicated()));
    } finally {
      a.close();
      b.close();
    }
    return got;
  }

  @Test
  void messagesAreLostDuplicatedAndReorderedAsConfiguredAndTheSameForASeed() throws IOException {
    List<Integer> got = run(5);
    long distinct = got.stream().distinct().count();
    // 20% loss: 1,600 expected; binomial sd ≈ 18.
    assertThat(distinct).isBetween(1500L, 1700L);
    // 10% of those twice: ≈ 160.
    assertThat(got.size() - distinct).isBetween(110L, 210L);
    int inversions = 0;
    for (int i = 1; i < got.size(); i++) {
      if (got.get(i) < got.get(i - 1)) {
        inversions++;
      }
    }
    assertThat(inversions).as("messages overtaken by later ones (0-50 ms delays, 1 ms apart)").isGreaterThan(100);

    assertThat(run(5)).isEqualTo(got);
    assertThat(run(6)).isNotEqualTo(got);
  }

  @Test
  void badFaultsAreRefused() {
    assertThatThrownBy(() -> new FaultyTransport.Faults(1, 1.5, 0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FaultyTransport.Faults(1, 0, 0, Duration.ofMillis(5), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
