package dev.weft.transport.udp;

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
import dev.weft.testkit.TransportContract;
import dev.weft.transport.udp.internal.UdpTransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The UDP transport keeps the transport contract; plus what is particular to it. */
class UdpTransportTest extends TransportContract {
  @Override
  protected TransportProvider provider() {
    return new UdpTransportProvider();
  }

  @Override
  protected Address bindAddress() {
    return Address.parse("udp://127.0.0.1:0");
  }

  @Override
  protected List<Integer> interestingSizes() {
    // Around the edges of one datagram (1192 bytes of message) and of whole fragments (1180 bytes each).
    return List.of(1191, 1192, 1193, 1180, 2359, 2360, 2361, 1180 * 100, 1180 * 100 + 1);
  }

  @Test
  void theProviderIsFoundByServiceLoader() {
    assertThat(ServiceLoader.load(TransportProvider.class))
        .filteredOn(p -> p.scheme().equals("udp"))
        .singleElement()
        .isInstanceOf(UdpTransportProvider.class);
  }

  @Test
  void eachTransportOwnsOneNamedDaemonThreadThatStopsOnClose() throws IOException {
    Transport t = open(new Inbox());
    String name = "weft-udp-" + address(t).port();

    Set<Thread> threads = threadsNamed(name);
    assertThat(threads).singleElement().satisfies(th -> assertThat(th.isDaemon()).isTrue());

    t.close();
    assertThat(threads.iterator().next().isAlive()).isFalse();
    assertThat(threadsNamed(name)).isEmpty();
  }

  @Test
  void countersShowFragmentsAndMessagesOnBothSides() throws IOException {
    Inbox atB = new Inbox();
    UdpTransport a = (UdpTransport) open(new Inbox());
    UdpTransport b = (UdpTransport) open(atB);

    a.send(address(b), new byte[5_000]);
    a.send(address(b), new byte[10]);
    atB.next();
    atB.next();

    UdpCounters sent = a.counters();
    assertThat(sent.fragmentsOut()).isEqualTo(5);
    assertThat(sent.datagramsOut()).isEqualTo(6);
    assertThat(sent.messagesOut()).isEqualTo(2);
    assertThat(sent.sendDrops()).isZero();
    UdpCounters got = b.counters();
    assertThat(got.datagramsIn()).isEqualTo(6);
    assertThat(got.fragmentsIn()).isEqualTo(5);
    assertThat(got.messagesIn()).isEqualTo(2);
    assertThat(got.malformed()).isZero();
    assertThat(got.partialMessages()).isZero();
    assertThat(got.partialBytes()).isZero();
  }

  @Test
  void noDatagramIsLargerThanTheConfiguredSize() throws IOException {
    WeftConfig small = WeftConfig.of(Map.of(UdpSettings.DATAGRAM_BYTES.key(), "200"));
    List<Integer> sizes = new ArrayList<>();
    try (DatagramChannel sink = DatagramChannel.open(StandardProtocolFamily.INET);
        UdpTransport a = new UdpTransportProvider().open(bindAddress(), context(small, new Inbox()))) {
      sink.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();

      a.send(Address.of("udp", "127.0.0.1", port, ""), new byte[1_000]);

      ByteBuffer buffer = ByteBuffer.allocate(65_536);
      while (sizes.size() < 6) {
        buffer.clear();
        sink.receive(buffer);
        sizes.add(buffer.position());
      }
    }
    // ceil(1000 / (200 - 20)) = 6 fragments: five full ones and the remaining 100 bytes.
    assertThat(sizes).containsExactly(200, 200, 200, 200, 200, 120);
  }

  @Test
  void aPeerWithLargerDatagramsIsUnderstood() throws IOException {
    Inbox atB = new Inbox();
    UdpTransport a = new UdpTransportProvider().open(bindAddress(),
        context(WeftConfig.of(Map.of(UdpSettings.DATAGRAM_BYTES.key(), "9000")), new Inbox()));
    try {
      Transport b = open(atB);
      byte[] m = new byte[30_000];
      new Random(9).nextBytes(m);

      a.send(address(b), m);

      assertSameBytes(atB.next().message(), m, "a message in 9000-byte datagrams");
      assertThat(a.counters().fragmentsOut()).isEqualTo(4);
    } finally {
      a.close();
    }
  }

  @Test
  void addressesOfAnotherSchemeOrWithAPathCannotBeBound() {
    TransportContext context = context(WeftConfig.empty(), new Inbox());

    assertThatThrownBy(() -> provider().open(Address.parse("ws://127.0.0.1:0"), context))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> provider().open(Address.parse("udp://127.0.0.1:0/weft"), context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no path");
  }

  @Test
  void theMessageSizeLimitIsConfigurable() throws IOException {
    try (UdpTransport a = new UdpTransportProvider().open(bindAddress(),
        context(WeftConfig.of(Map.of(UdpSettings.MAX_MESSAGE_BYTES.key(), "100KiB")), new Inbox()))) {
      assertThat(a.maxMessageSize()).isEqualTo(100 * 1024);
      assertThatThrownBy(() -> a.send(a.localAddresses().get(0), new byte[100 * 1024 + 1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(UdpSettings.MAX_MESSAGE_BYTES.key());
      a.send(a.localAddresses().get(0), "fine".getBytes(UTF_8));
    }
  }

  private static Set<Thread> threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name) && t.isAlive())
        .collect(Collectors.toSet());
  }

  private static TransportContext context(WeftConfig config, TransportListener listener) {
    return new TransportContext() {
      @Override
      public WeftConfig config() {
        return config;
      }

      @Override
      public Scheduler scheduler() {
        return Scheduler.system();
      }

      @Override
      public TransportListener listener() {
        return listener;
      }
    };
  }
}
