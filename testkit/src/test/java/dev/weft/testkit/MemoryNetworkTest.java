package dev.weft.testkit;

import dev.weft.sim.ManualScheduler;
import dev.weft.sim.MemoryNetwork;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.testkit.TransportContract.Inbox;
import dev.weft.testkit.TransportContract.Received;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Latency, loss and partitions of the memory network, in virtual time. */
class MemoryNetworkTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<Transport> opened = new ArrayList<>();

  @AfterEach
  void closeTransports() {
    opened.forEach(Transport::close);
  }

  @Test
  void deliveryRunsOnTheReceiversSchedulerNeverOnTheSendersStack() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1);
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", atB);

    a.send(address(b), bytes("hi"));

    assertThat(atB.size()).as("before the scheduler runs").isZero();
    clock.advance(Duration.ZERO);
    assertThat(atB.size()).isOne();
    assertThat(net.delivered()).isOne();
  }

  @Test
  void latencyDelaysDeliveryByExactlyThatMuchVirtualTime() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1).latency(Duration.ofMillis(50));
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", atB);

    a.send(address(b), bytes("slow"));

    clock.advance(Duration.ofMillis(49));
    assertThat(atB.size()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(atB.size()).isOne();
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void portZeroPicksDistinctPortsFromOneAndAnExplicitPortIsKept() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1);

    Transport first = open(net, "mem://node-1:0", new Inbox());
    Transport second = open(net, "mem://node-1:0", new Inbox());
    Transport explicit = open(net, "mem://node-2:4000", new Inbox());

    assertThat(address(first)).isEqualTo(Address.parse("mem://node-1:1"));
    assertThat(address(second)).isEqualTo(Address.parse("mem://node-1:2"));
    assertThat(address(explicit)).isEqualTo(Address.parse("mem://node-2:4000"));
    assertThat(net.boundAddresses()).containsExactlyInAnyOrder(address(first), address(second), address(explicit));
  }

  @Test
  void lossIsDrawnFromTheSeedSoARunRepeats() throws IOException {
    Set<Integer> run1 = survivors(new MemoryNetwork(99).lossProbability(0.3));
    Set<Integer> run2 = survivors(new MemoryNetwork(99).lossProbability(0.3));
    Set<Integer> otherSeed = survivors(new MemoryNetwork(100).lossProbability(0.3));

    assertThat(run1).isEqualTo(run2);
    assertThat(otherSeed).isNotEqualTo(run1);
    // 1000 draws at p = 0.3: 700 expected, a standard deviation of 14.5; this band is over 6 of them wide.
    assertThat(run1.size()).isBetween(600, 800);
  }

  @Test
  void lossOfOneDropsEverythingAndZeroNothing() throws IOException {
    MemoryNetwork net = new MemoryNetwork(5).lossProbability(1.0);
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", atB);

    for (int i = 0; i < 50; i++) {
      a.send(address(b), bytes("lost " + i));
    }
    clock.advance(Duration.ZERO);
    assertThat(atB.size()).isZero();
    assertThat(net.dropped()).isEqualTo(50);

    net.lossProbability(0.0);
    a.send(address(b), bytes("kept"));
    clock.advance(Duration.ZERO);
    assertThat(atB.size()).isOne();
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    MemoryNetwork net = new MemoryNetwork(1);

    assertThatThrownBy(() -> net.lossProbability(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> net.lossProbability(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> net.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> net.provider().open(Address.parse("udp://127.0.0.1:0"), context(new Inbox())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDisconnectedAddressNeitherSendsNorReceivesUntilReconnected() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1);
    Inbox atA = new Inbox();
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", atA);
    Transport b = open(net, "mem://b:0", atB);

    net.disconnect(address(b));
    a.send(address(b), bytes("to b"));
    b.send(address(a), bytes("from b"));
    clock.advance(Duration.ZERO);
    assertThat(atA.size() + atB.size()).isZero();
    assertThat(net.isConnected(address(b))).isFalse();
    assertThat(net.dropped()).isEqualTo(2);

    net.reconnect(address(b));
    a.send(address(b), bytes("to b again"));
    b.send(address(a), bytes("from b again"));
    clock.advance(Duration.ZERO);
    assertThat(atB.next().message()).isEqualTo(bytes("to b again"));
    assertThat(atA.next().message()).isEqualTo(bytes("from b again"));
  }

  @Test
  void aMessageSentDuringAPartitionStaysLostWhenItHeals() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1);
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", atB);

    net.disconnect(address(a));
    a.send(address(b), bytes("during"));
    net.reconnect(address(a));
    clock.advance(Duration.ZERO);

    assertThat(atB.size()).isZero();
    assertThat(net.dropped()).isOne();
  }

  @Test
  void messagesInFlightAreDroppedWhenTheirReceiverIsCutOffOrCloses() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1).latency(Duration.ofMillis(10));
    Inbox atB = new Inbox();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", atB);
    Address addressOfB = address(b);

    a.send(addressOfB, bytes("cut off"));
    net.disconnect(addressOfB);
    clock.advance(Duration.ofMillis(10));
    net.reconnect(addressOfB);
    assertThat(atB.size()).isZero();

    a.send(addressOfB, bytes("closed"));
    b.close();
    Inbox atNewB = new Inbox();
    open(net, addressOfB.toString(), atNewB);
    clock.advance(Duration.ofMillis(10));
    assertThat(atB.size()).as("the closed transport").isZero();
    assertThat(atNewB.size()).as("a new transport at the same address gets no message sent to the old one").isZero();
    assertThat(net.dropped()).isEqualTo(2);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheScheduler() throws IOException {
    MemoryNetwork net = new MemoryNetwork(1);
    Inbox kept = new Inbox();
    AtomicBoolean threw = new AtomicBoolean();
    TransportListener once = (from, m) -> {
      if (threw.compareAndSet(false, true)) {
        throw new IllegalStateException("listener failure provoked by the test");
      }
      kept.onMessage(from, m);
    };
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", once);

    a.send(address(b), bytes("one"));
    a.send(address(b), bytes("two"));
    clock.advance(Duration.ZERO);

    Received r = kept.next();
    assertThat(r.message()).isEqualTo(bytes("two"));
    assertThat(r.from()).isEqualTo(address(a));
  }

  @Test
  void theProviderIsNotDiscoveredByServiceLoader() {
    // Discovery would give every test JVM a `mem` transport bound to no network in particular.
    assertThat(ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::type))
        .noneMatch(t -> t.getName().startsWith(MemoryNetwork.class.getName()));
  }

  private Set<Integer> survivors(MemoryNetwork net) throws IOException {
    Set<Integer> got = new TreeSet<>();
    Transport a = open(net, "mem://a:0", new Inbox());
    Transport b = open(net, "mem://b:0", (from, m) -> got.add(Integer.parseInt(new String(m, UTF_8))));
    for (int i = 0; i < 1000; i++) {
      a.send(address(b), bytes(Integer.toString(i)));
    }
    clock.advance(Duration.ZERO);
    return got;
  }

  private Transport open(MemoryNetwork net, String bind, TransportListener listener) throws IOException {
    Transport t = net.provider().open(Address.parse(bind), context(listener));
    opened.add(t);
    return t;
  }

  private TransportContext context(TransportListener listener) {
    return new TestContext(WeftConfig.empty(), clock, listener);
  }

  private static Address address(Transport t) {
    return t.localAddresses().get(0);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  record TestContext(WeftConfig config, Scheduler scheduler, TransportListener listener)
      implements TransportContext {}
}
