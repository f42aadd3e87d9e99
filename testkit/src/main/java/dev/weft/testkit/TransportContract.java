package dev.weft.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Transport;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.api.spi.transport.TransportProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link Transport} must do, as JUnit 5 tests. A transport's test extends this class and names the
 * provider and a bind address; everything else is inherited:
 *
 * <pre>{@code
 * class UdpTransportTest extends TransportContract {
 *   protected TransportProvider provider() { return new UdpTransportProvider(); }
 *   protected Address bindAddress() { return Address.parse("udp://127.0.0.1:0"); }
 * }
 * }</pre>
 *
 * <h2>What is checked</h2>
 * Binding port 0 reports the real port; messages of every size from 0 to {@link Transport#maxMessageSize()} (at
 * least 64 KiB) arrive byte-identical, also when several threads send at once; the reported sender is an address the
 * receiver can reply to; sending to a closed address, or on a closed transport, throws nothing; oversized messages
 * and foreign schemes are refused with {@link IllegalArgumentException}; an address in use cannot be bound twice;
 * close is idempotent and frees the address; a throwing listener does not stop delivery; the sender may reuse its
 * array after {@code send}.
 *
 * <h2>Loss</h2>
 * The contract allows loss, but a transport that loses messages on an idle loopback is useless, so these tests
 * expect none up to 64 KiB: they send one message at a time, or (for concurrent senders) keep at most
 * {@link #WINDOW} messages in flight, which fits the default socket buffers of common systems with room to spare.
 * Larger messages get up to {@link #LARGE_MESSAGE_TRIES} tries: a datagram transport sends a 256 KiB message as over
 * 200 datagrams, more than a default Linux receive buffer (208 KiB) holds, so the kernel drops some whenever the
 * receiving thread is slow to be scheduled. Pacing makes that rare (measured with the UDP transport on a busy 2-core
 * machine: 1 try in 30 lost; unpaced, 18 in 30), but it is loss the contract allows. Losing every try is not.
 *
 * <p>Every test opens its transports with {@link #open}, which closes them after the test. Every wait is bounded by
 * {@link #DELIVERY_TIMEOUT}; randomness is seeded.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class TransportContract {
  /** The longest a test waits for a message that should arrive. */
  protected static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
  /** Messages in flight at most in {@code concurrentSendersLoseNothing}. */
  protected static final int WINDOW = 32;
  /** Tries a message larger than 64 KiB gets in the size tests (see "Loss" above); smaller ones get one. */
  protected static final int LARGE_MESSAGE_TRIES = 5;
  private static final int ONE_TRY_LIMIT = 64 * 1024;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final long SEED = 0x5EEDF00DL;

  private final List<Transport> opened = new CopyOnWriteArrayList<>();

  /** The provider under test; called once per {@link #open}. */
  protected abstract TransportProvider provider();

  /** Where to bind: a loopback address with port 0, such as {@code udp://127.0.0.1:0}. */
  protected abstract Address bindAddress();

  /** The configuration transports are opened with; empty by default. */
  protected WeftConfig config() {
    return WeftConfig.empty();
  }

  /** The scheduler transports are opened with; {@link Scheduler#system()} by default. */
  protected Scheduler scheduler() {
    return Scheduler.system();
  }

  /** Sizes worth testing for this transport in particular (e.g. around its datagram size); none by default. */
  protected List<Integer> interestingSizes() {
    return List.of();
  }

  /** Opens a transport at {@link #bindAddress()} that delivers to {@code listener}; closed after the test. */
  protected final Transport open(TransportListener listener) throws IOException {
    return open(bindAddress(), listener);
  }

  /** Opens a transport at {@code bind} that delivers to {@code listener}; closed after the test. */
  protected final Transport open(Address bind, TransportListener listener) throws IOException {
    Transport t = provider().open(bind, new Context(config(), scheduler(), listener));
    opened.add(Objects.requireNonNull(t, "provider().open returned null"));
    return t;
  }

  /** The first address {@code t} reports. */
  protected static Address address(Transport t) {
    return t.localAddresses().get(0);
  }

  /** Waits in small steps up to {@link #DELIVERY_TIMEOUT}: {@code waiting().until(...)}. */
  protected static ConditionFactory waiting() {
    return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(DELIVERY_TIMEOUT);
  }

  @AfterEach
  final void closeTransports() {
    for (Transport t : opened) {
      t.close();
    }
    opened.clear();
  }

  @Test
  void bindingPortZeroReportsTheBoundPort() throws IOException {
    Transport t = open(new Inbox());

    assertThat(t.localAddresses()).isNotEmpty();
    Address local = address(t);
    assertThat(local.scheme()).isEqualTo(provider().scheme());
    assertThat(local.host()).isEqualTo(bindAddress().host());
    assertThat(local.port()).isPositive();
    assertThat(t.localAddresses()).as("stable while open").isEqualTo(t.localAddresses());
  }

  @Test
  void maximumMessageSizeIsAtLeast64KiB() throws IOException {
    // A node stores values of up to 64 KiB in one message; a smaller transport could not carry them.
    assertThat(open(new Inbox()).maxMessageSize()).isGreaterThanOrEqualTo(64 * 1024);
  }

  @Test
  void aMessageArrivesIntactWithTheSendersAddress() throws IOException {
    Inbox atA = new Inbox();
    Inbox atB = new Inbox();
    Transport a = open(atA);
    Transport b = open(atB);
    byte[] hello = "hello, weft \u2603".getBytes(UTF_8);

    a.send(address(b), hello);

    Received r = atB.next();
    assertThat(r.message()).isEqualTo(hello);
    assertThat(r.from()).isEqualTo(address(a));
    assertThat(atA.size()).isZero();
  }

  @Test
  void theReceiverCanReplyToTheReportedSender() throws IOException {
    Inbox atA = new Inbox();
    Inbox atB = new Inbox();
    Transport a = open(atA);
    Transport b = open(atB);

    a.send(address(b), "ping".getBytes(UTF_8));
    Address replyTo = atB.next().from();
    b.send(replyTo, "pong".getBytes(UTF_8));

    Received reply = atA.next();
    assertThat(reply.message()).isEqualTo("pong".getBytes(UTF_8));
    assertThat(reply.from()).isEqualTo(address(b));
  }

  @Test
  void messagesOfEveryInterestingSizeArriveByteIdentical() throws IOException {
    Inbox atB = new Inbox();
    Transport a = open(new Inbox());
    Transport b = open(atB);
    int max = a.maxMessageSize();
    Set<Integer> sizes = new TreeSet<>(List.of(0, 1, 2, 3, 100, 1000, 1500, 4096, 10_000, 65_536, max - 1, max));
    sizes.addAll(interestingSizes());
    sizes.removeIf(s -> s < 0 || s > max);
    Random random = new Random(SEED);
    List<byte[]> resent = new ArrayList<>();

    for (int size : sizes) {
      byte[] m = new byte[size];
      random.nextBytes(m);
      sendAndExpect(a, address(b), atB, m, "message of " + size + " bytes", resent);
    }
    expectOnly(atB, resent);
  }

  @Test
  void messagesOfRandomSizesArriveByteIdentical() throws IOException {
    Inbox atB = new Inbox();
    Transport a = open(new Inbox());
    Transport b = open(atB);
    Random random = new Random(SEED + 1);
    List<byte[]> resent = new ArrayList<>();

    for (int i = 0; i < 24; i++) {
      // Half small (the common case), half anywhere up to the maximum.
      int size = i % 2 == 0 ? random.nextInt(2_000) : random.nextInt(a.maxMessageSize() + 1);
      byte[] m = new byte[size];
      random.nextBytes(m);
      sendAndExpect(a, address(b), atB, m, "message " + i + " of " + size + " bytes", resent);
    }
    expectOnly(atB, resent);
  }

  @Test
  void concurrentSendersLoseNothing() throws Exception {
    int senders = 2;
    int threadsPerSender = 2;
    int perThread = 200;
    int total = senders * threadsPerSender * perThread;
    Map<Long, byte[]> sent = new ConcurrentHashMap<>();
    Map<Long, byte[]> received = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger foreign = new AtomicInteger();
    Semaphore window = new Semaphore(WINDOW);
    TransportListener listener = (from, m) -> {
      if (m.length < 8) {
        foreign.incrementAndGet();
      } else if (received.putIfAbsent(ByteBuffer.wrap(m).getLong(0), m) != null) {
        duplicates.incrementAndGet();
      }
      window.release();
    };
    Address target = address(open(listener));
    List<Transport> from = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      from.add(open(new Inbox()));
    }

    ExecutorService pool = Executors.newFixedThreadPool(senders * threadsPerSender);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < senders * threadsPerSender; t++) {
        int thread = t;
        Transport sender = from.get(t % senders);
        done.add(pool.submit(() -> {
          // Sizes up to 3000 bytes: datagram transports split some of them, and fragments of messages sent by
          // different threads (on the same and on different sockets) interleave at the receiver.
          Random random = new Random(SEED + 100 + thread);
          for (int seq = 0; seq < perThread; seq++) {
            if (!window.tryAcquire(DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
              throw new AssertionError("no message arrived for " + DELIVERY_TIMEOUT + " with " + WINDOW
                  + " in flight: messages were lost (" + received.size() + " of " + sent.size() + " arrived)");
            }
            byte[] m = new byte[8 + random.nextInt(3_000)];
            random.nextBytes(m);
            long key = ((long) thread << 32) | seq;
            ByteBuffer.wrap(m).putLong(0, key);
            sent.put(key, m);
            sender.send(target, m);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(2 * DELIVERY_TIMEOUT.toMillis() * perThread / WINDOW, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    waiting().until(() -> received.size() + foreign.get() >= total);
    assertThat(foreign).as("messages that were not sent").hasValue(0);
    assertThat(duplicates).as("messages delivered twice").hasValue(0);
    assertThat(received.keySet()).isEqualTo(sent.keySet());
    sent.forEach((key, m) -> assertSameBytes(received.get(key), m, "message " + Long.toHexString(key)));
  }

  @Test
  void sendingToAClosedAddressThrowsNothingAndTheSenderKeepsWorking() throws IOException {
    Transport gone = open(new Inbox());
    Address dead = address(gone);
    gone.close();
    Inbox atA = new Inbox();
    Inbox atB = new Inbox();
    Transport a = open(atA);
    Transport b = open(atB);

    for (int i = 0; i < 20; i++) {
      assertThatCode(() -> a.send(dead, "anyone?".getBytes(UTF_8))).doesNotThrowAnyException();
    }
    assertThatCode(() -> a.send(dead, new byte[64 * 1024])).doesNotThrowAnyException();

    // Errors the network reports back (ICMP port unreachable) must not break receiving or sending either.
    b.send(address(a), "still there?".getBytes(UTF_8));
    assertThat(atA.next().message()).isEqualTo("still there?".getBytes(UTF_8));
    a.send(address(b), "yes".getBytes(UTF_8));
    assertThat(atB.next().message()).isEqualTo("yes".getBytes(UTF_8));
  }

  @Test
  void sendingMoreThanTheMaximumThrowsAndSendsNothing() throws IOException {
    Inbox atB = new Inbox();
    Transport a = open(new Inbox());
    Transport b = open(atB);

    assertThatThrownBy(() -> a.send(address(b), new byte[a.maxMessageSize() + 1]))
        .isInstanceOf(IllegalArgumentException.class);

    a.send(address(b), "after".getBytes(UTF_8));
    assertThat(atB.next().message()).isEqualTo("after".getBytes(UTF_8));
    assertThat(atB.size()).isZero();
  }

  @Test
  void sendingToAnotherSchemeThrows() throws IOException {
    Transport a = open(new Inbox());
    String other = provider().scheme().equals("other") ? "another" : "other";

    assertThatThrownBy(() -> a.send(Address.of(other, "127.0.0.1", 4000, ""), new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClosedTransportSendsNothingAndThrowsNothing() throws IOException {
    Inbox atB = new Inbox();
    Transport a = open(new Inbox());
    Transport b = open(atB);
    a.close();

    assertThatCode(() -> a.send(address(b), "late".getBytes(UTF_8))).doesNotThrowAnyException();

    // The marker is sent after the late message; when it has arrived, the late one would have too (on loopback and
    // in memory, in practice). So this can miss a leak now and then, but never fails a correct transport.
    open(new Inbox()).send(address(b), "marker".getBytes(UTF_8));
    assertThat(atB.next().message()).isEqualTo("marker".getBytes(UTF_8));
    assertThat(atB.size()).isZero();
  }

  @Test
  void closeIsIdempotentAndFreesTheAddress() throws IOException {
    Transport first = open(new Inbox());
    Address addr = address(first);

    first.close();
    first.close();

    Inbox again = new Inbox();
    Transport second = open(addr, again);
    assertThat(address(second)).isEqualTo(addr);
    open(new Inbox()).send(addr, "welcome back".getBytes(UTF_8));
    assertThat(again.next().message()).isEqualTo("welcome back".getBytes(UTF_8));
  }

  @Test
  void bindingAnAddressInUseFailsNamingIt() throws IOException {
    Inbox inbox = new Inbox();
    Transport first = open(inbox);
    Address addr = address(first);

    assertThatThrownBy(() -> open(addr, new Inbox()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(String.valueOf(addr.port()));

    open(new Inbox()).send(addr, "first still works".getBytes(UTF_8));
    assertThat(inbox.next().message()).isEqualTo("first still works".getBytes(UTF_8));
  }

  @Test
  void aThrowingListenerDoesNotStopDelivery() throws IOException {
    Inbox kept = new Inbox();
    TransportListener flaky = new TransportListener() {
      @Override
      public void onMessage(Address from, byte[] message) {
        if (message.length > 0 && message[0] == 'x') {
          throw new IllegalStateException("listener failure provoked by the test");
        }
        kept.onMessage(from, message);
      }
    };
    Transport a = open(new Inbox());
    Transport b = open(flaky);
    byte[] large = new byte[20_000];
    new Random(SEED + 2).nextBytes(large);
    large[0] = 'y';

    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      a.send(address(b), ("x-boom-" + i).getBytes(UTF_8));
      a.send(address(b), ("ok-" + i).getBytes(UTF_8));
      expected.add("ok-" + i);
    }
    Set<String> got = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      got.add(new String(kept.next().message(), UTF_8));
    }
    assertThat(got).isEqualTo(expected);

    a.send(address(b), large);
    assertSameBytes(kept.next().message(), large, "a large message after the failures");
  }

  @Test
  void theSenderMayReuseItsArrayAndEachDeliveryIsANewArray() throws IOException {
    Inbox atB = new Inbox();
    Transport a = open(new Inbox());
    Transport b = open(atB);
    byte[] buffer = "first".getBytes(UTF_8);

    a.send(address(b), buffer);
    Arrays.fill(buffer, (byte) 'z');
    a.send(address(b), buffer);

    Received one = atB.next();
    Received two = atB.next();
    assertThat(Set.of(new String(one.message(), UTF_8), new String(two.message(), UTF_8)))
        .containsExactlyInAnyOrder("first", "zzzzz");
    assertThat(one.message()).isNotSameAs(two.message()).isNotSameAs(buffer);
  }

  /**
   * Sends {@code m} and waits until it arrives byte-identical: one try up to 64 KiB, else up to
   * {@link #LARGE_MESSAGE_TRIES} (see "Loss" in the class comment). Late copies of messages that were sent more than
   * once ({@code resent}, which this adds to) are skipped; anything else fails the test.
   */
  private static void sendAndExpect(Transport from, Address to, Inbox inbox, byte[] m, String what,
      List<byte[]> resent) {
    int tries = m.length <= ONE_TRY_LIMIT ? 1 : LARGE_MESSAGE_TRIES;
    for (int attempt = 1; attempt <= tries; attempt++) {
      from.send(to, m);
      Duration wait = attempt < tries ? RETRY_AFTER : DELIVERY_TIMEOUT;
      for (Received r = inbox.poll(wait); r != null; r = inbox.poll(wait)) {
        if (Arrays.equals(r.message(), m)) {
          if (attempt > 1) {
            resent.add(m);
          }
          return;
        }
        assertThat(containsSame(resent, r.message()))
            .as("%s: got a message of %d bytes that was not sent", what, r.message().length).isTrue();
      }
    }
    throw new AssertionError(what + " did not arrive byte-identical in " + tries + " tries");
  }

  /** Asserts that nothing but late copies of {@code resent} messages is left in {@code inbox}. */
  private static void expectOnly(Inbox inbox, List<byte[]> resent) {
    for (Received r = inbox.poll(Duration.ZERO); r != null; r = inbox.poll(Duration.ZERO)) {
      assertThat(containsSame(resent, r.message()))
          .as("a message of %d bytes that was not sent", r.message().length).isTrue();
    }
  }

  private static boolean containsSame(List<byte[]> arrays, byte[] m) {
    return arrays.stream().anyMatch(a -> Arrays.equals(a, m));
  }

  /** Compares without printing whole arrays (up to megabytes) when they differ. */
  protected static void assertSameBytes(byte[] actual, byte[] expected, String what) {
    assertThat(actual).as(what).isNotNull();
    assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
    assertThat(Arrays.mismatch(actual, expected)).as(what + ": index of the first differing byte").isEqualTo(-1);
  }

  /** A message as a listener got it. The array is the receiver's own. */
  protected record Received(Address from, byte[] message) {}

  /** A listener that keeps what arrives, for tests to wait for. Thread-safe. */
  protected static final class Inbox implements TransportListener {
    private final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
    private final List<String> malformed = new CopyOnWriteArrayList<>();

    /** An empty inbox. */
    public Inbox() {}

    @Override
    public void onMessage(Address from, byte[] message) {
      messages.add(new Received(from, message));
    }

    @Override
    public void onMalformed(Address from, String reason) {
      malformed.add(reason);
    }

    /** Takes the oldest message, waiting up to {@link #DELIVERY_TIMEOUT} for one; fails when none comes. */
    public Received next() {
      return waiting().until(messages::poll, Objects::nonNull);
    }

    /** Takes the oldest message, waiting up to {@code wait} for one; null when none came. */
    public Received poll(Duration wait) {
      Received r = messages.poll();
      if (r != null || wait.isZero()) {
        return r;
      }
      try {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(wait)
            .until(messages::poll, Objects::nonNull);
      } catch (ConditionTimeoutException e) {
        return null;
      }
    }

    /** Messages arrived and not yet taken. */
    public int size() {
      return messages.size();
    }

    /** Reasons of the malformed input reported so far, oldest first. */
    public List<String> malformed() {
      return List.copyOf(malformed);
    }
  }

  private record Context(WeftConfig config, Scheduler scheduler, TransportListener listener)
      implements TransportContext {}
}
