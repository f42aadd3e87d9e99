package dev.weft.transport.udp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.transport.udp.UdpCounters;
import dev.weft.transport.udp.UdpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Garbage, truncated, corrupted and self-contradicting datagrams from a real socket. */
class HostileInputTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int DATAGRAMS = 10_000;
  /** Sent before waiting for the transport to catch up, so the kernel's receive buffer never overflows. */
  private static final int BATCH = 200;

  private final List<byte[]> messages = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> reasons = new ConcurrentHashMap<>();
  private final AtomicInteger malformed = new AtomicInteger();
  private final TransportListener listener = new TransportListener() {
    @Override
    public void onMessage(Address from, byte[] message) {
      messages.add(message);
    }

    @Override
    public void onMalformed(Address from, String reason) {
      malformed.incrementAndGet();
      // Group "checksum mismatch in a datagram of 123 bytes" and its kind by their words, not their numbers.
      reasons.computeIfAbsent(reason.replaceAll("[0-9]+", "N"), r -> new AtomicInteger()).incrementAndGet();
    }
  };
  private UdpTransport transport;
  private InetSocketAddress target;
  private DatagramChannel raw;

  @BeforeEach
  void open() throws IOException {
    transport = new UdpTransportProvider().open(Address.parse("udp://127.0.0.1:0"),
        new TestContext(WeftConfig.empty(), Scheduler.system(), listener));
    target = new InetSocketAddress("127.0.0.1", transport.localAddresses().get(0).port());
    raw = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void close() throws IOException {
    transport.close();
    raw.close();
  }

  @Test
  void tenThousandHostileDatagramsAreEachReportedAndTheTransportKeepsWorking() throws IOException {
    Random random = new Random(0xBADF00DL);
    Thread receiver = receiveThread();

    for (int sent = 1; sent <= DATAGRAMS; sent++) {
      raw.send(ByteBuffer.wrap(hostile(random)), target);
      if (sent % BATCH == 0 || sent == DATAGRAMS) {
        int expected = sent;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> malformed.get() >= expected);
      }
    }

    assertThat(malformed).hasValue(DATAGRAMS);
    assertThat(messages).as("garbage delivered as a message").isEmpty();
    UdpCounters c = transport.counters();
    assertThat(c.datagramsIn()).isEqualTo(DATAGRAMS);
    assertThat(c.malformed()).isEqualTo(DATAGRAMS);
    assertThat(c.receiveErrors()).as("errors thrown inside the receive thread").isZero();
    assertThat(c.listenerErrors()).isZero();
    assertThat(c.partialMessages()).isZero();
    assertThat(reasons.keySet()).as("every kind of damage was seen").anyMatch(r -> r.contains("checksum mismatch"))
        .anyMatch(r -> r.contains("bad magic")).anyMatch(r -> r.contains("shorter than a frame header"))
        .anyMatch(r -> r.contains("unsupported frame version")).anyMatch(r -> r.contains("unknown frame type"))
        .anyMatch(r -> r.contains("is below")).anyMatch(r -> r.contains("not below the count"))
        .anyMatch(r -> r.contains("exceeds the maximum")).anyMatch(r -> r.contains("cannot hold"));
    assertThat(receiver.isAlive()).isTrue();
    assertThat(receiveThread()).isSameAs(receiver);

    byte[] normal = new byte[5_000];
    random.nextBytes(normal);
    try (UdpTransport sender = new UdpTransportProvider().open(Address.parse("udp://127.0.0.1:0"),
        new TestContext(WeftConfig.empty(), Scheduler.system(), (from, m) -> {}))) {
      sender.send(transport.localAddresses().get(0), normal);
      sender.send(transport.localAddresses().get(0), "small".getBytes(UTF_8));
      await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> messages.size() == 2);
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).isEqualTo(normal))
        .anySatisfy(m -> assertThat(m).isEqualTo("small".getBytes(UTF_8)));
  }

  @Test
  void aFragmentThatContradictsItsMessageIsReportedAndTheMessageStillArrives() throws IOException {
    byte[] message = new byte[3_000];
    new Random(3).nextBytes(message);
    List<byte[]> fragments = Frames.encode(message, 77, 1200);
    List<byte[]> impostor = Frames.encode(new byte[4_000], 77, 1200);
    assertThat(fragments).hasSize(3);

    raw.send(ByteBuffer.wrap(fragments.get(0)), target);
    raw.send(ByteBuffer.wrap(impostor.get(1)), target);
    await().atMost(WAIT).until(() -> malformed.get() == 1);
    raw.send(ByteBuffer.wrap(fragments.get(2)), target);
    raw.send(ByteBuffer.wrap(fragments.get(1)), target);

    await().atMost(WAIT).until(() -> messages.size() == 1);
    assertThat(messages.get(0)).isEqualTo(message);
    assertThat(reasons.keySet()).singleElement().asString().contains("disagrees with earlier fragments");
  }

  /** One datagram of a random kind of damage. None of them is a valid frame. */
  private static byte[] hostile(Random random) {
    switch (random.nextInt(6)) {
      case 0: {
        byte[] junk = new byte[random.nextInt(1_500)];
        random.nextBytes(junk);
        return junk;
      }
      case 1: {
        byte[] valid = valid(random);
        return Arrays.copyOf(valid, random.nextInt(valid.length));
      }
      case 2: {
        byte[] valid = valid(random);
        int bit = random.nextInt(valid.length * 8);
        valid[bit / 8] ^= (byte) (1 << (bit % 8));
        return valid;
      }
      case 3: {
        byte[] valid = valid(random);
        if (random.nextBoolean()) {
          valid[2] = (byte) (2 + random.nextInt(254));
        } else {
          valid[3] = (byte) (3 + random.nextInt(253));
        }
        Frames.seal(ByteBuffer.wrap(valid));
        return valid;
      }
      default:
        return lyingFragment(random);
    }
  }

  /** A whole frame or one fragment, correctly encoded. */
  private static byte[] valid(Random random) {
    byte[] message = new byte[random.nextInt(4_000)];
    random.nextBytes(message);
    List<byte[]> datagrams = Frames.encode(message, random.nextInt(), 1200);
    return datagrams.get(random.nextInt(datagrams.size()));
  }

  /** A fragment with a correct checksum whose fields cannot be true. */
  private static byte[] lyingFragment(Random random) {
    int payload = 1 + random.nextInt(500);
    int total;
    int index;
    int count;
    switch (random.nextInt(4)) {
      case 0 -> { // count below 2
        count = random.nextInt(2);
        index = 0;
        total = payload;
      }
      case 1 -> { // index out of range
        count = 2 + random.nextInt(100);
        index = count + random.nextInt(100);
        total = payload * count;
      }
      case 2 -> { // longer than any message may be
        count = 2 + random.nextInt(100);
        index = 0;
        total = 256 * 1024 + 1 + random.nextInt(1 << 20);
      }
      default -> { // a chunk that cannot make up the message
        count = 2 + random.nextInt(100);
        index = 0;
        total = payload * count + 1 + random.nextInt(1000);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(Frames.FRAGMENT_HEADER + payload);
    b.put(Frames.MAGIC_0).put(Frames.MAGIC_1).put(Frames.VERSION).put(Frames.TYPE_FRAGMENT).putInt(0)
        .putInt(random.nextInt()).putInt(total).putShort((short) index).putShort((short) count);
    byte[] body = new byte[payload];
    random.nextBytes(body);
    b.put(body).flip();
    Frames.seal(b);
    return b.array();
  }

  private Thread receiveThread() {
    String name = "weft-udp-" + target.getPort();
    Set<Thread> found = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name)).collect(Collectors.toSet());
    assertThat(found).hasSize(1);
    return found.iterator().next();
  }
}
