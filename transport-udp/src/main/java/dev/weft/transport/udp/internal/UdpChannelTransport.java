package dev.weft.transport.udp.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.RelayingTransport;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.transport.udp.UdpCounters;
import dev.weft.transport.udp.UdpSettings;
import dev.weft.transport.udp.UdpTransport;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket: a non-blocking {@link DatagramChannel} that callers send on directly, and one daemon thread
 * ({@code weft-udp-<port>}) that receives, decodes, reassembles and calls the listener.
 *
 * <pre>
 *   send(to, bytes) ─► whole frame or fragments ─► channel.send (non-blocking; a full buffer = a lost message)
 *                        └► fragments past the first burst: scheduler, every burst pause, one batch
 *   weft-udp-port: select ─► receive ─► Inbound: Frames.decode ─► Reassembler ─► relay envelope ─►
 *                                                listener.onMessage/onMalformed, or Relays.deliver
 *   scheduler, every min(timeout/2, 1s): Reassembler.expire
 * </pre>
 *
 * <h2>Thread safety</h2>
 * {@link #send} from any thread, concurrently (the channel serialises the datagrams). The listener runs only on the
 * receive thread. Nothing a peer sends can throw into that thread: invalid input is reported to
 * {@link TransportListener#onMalformed} and dropped; a throwing listener is logged. The receive thread is the only
 * thread the transport owns: the reassembly cleanup and paced batches run on the node's {@link Scheduler}.
 */
final class UdpChannelTransport implements UdpTransport, RelayingTransport {
  private static final Logger LOG = LoggerFactory.getLogger(UdpChannelTransport.class);
  /** A receive buffer that holds any UDP datagram, so a peer with larger datagrams is never truncated. */
  private static final int RECEIVE_BUFFER = 65_536;
  private static final long JOIN_MILLIS = 5_000;
  /** A socket that fails this many times in a row is broken, not unlucky: the thread stops instead of spinning. */
  private static final int MAX_CONSECUTIVE_FAILURES = 1_000;

  private final Address local;
  private final UdpOptions options;
  private final Scheduler scheduler;
  private final DatagramChannel channel;
  private final Selector selector;
  private final Reassembler<InetSocketAddress> reassembler;
  private final Thread receiver;
  private final AtomicBoolean closed = new AtomicBoolean();
  // A random start, so ids of a transport restarted on the same port do not meet the receiver's memory of the old one.
  private final AtomicInteger nextMessageId = new AtomicInteger(ThreadLocalRandom.current().nextInt());
  private volatile Scheduler.Cancellable cleanup;

  private final Tally tally = new Tally();
  private final Inbound inbound;

  private UdpChannelTransport(Address local, UdpOptions options, TransportContext context, DatagramChannel channel,
      Selector selector) {
    this.local = local;
    this.options = options;
    this.scheduler = Objects.requireNonNull(context.scheduler(), "context.scheduler()");
    this.channel = channel;
    this.selector = selector;
    this.reassembler = new Reassembler<>(options.reassemblyBytes(), options.reassemblyBytesPerSource(),
        options.reassemblyMessages(), options.reassemblyTimeout().toNanos());
    this.inbound = new Inbound(local, options.maxMessageBytes(), scheduler,
        Objects.requireNonNull(context.listener(), "context.listener()"),
        Objects.requireNonNull(context.relays(), "context.relays()"), reassembler, tally);
    this.receiver = new Thread(this::receiveLoop, "weft-udp-" + local.port());
    receiver.setDaemon(true);
    receiver.setUncaughtExceptionHandler(
        (t, e) -> LOG.error("{} died; {} receives nothing more", t.getName(), local, e));
  }

  /** Reads the settings, binds, and starts receiving. */
  static UdpChannelTransport open(Address bind, TransportContext context) throws IOException {
    UdpOptions options = UdpOptions.from(context.config());
    InetSocketAddress socketAddress = new InetSocketAddress(bind.host(), bind.port());
    if (socketAddress.isUnresolved()) {
      throw new IOException("cannot bind " + bind + ": unknown host '" + bind.host() + "'");
    }
    // One family per socket: an IPv4 socket reports plain IPv4 senders (no ::ffff: forms), so `from` is replyable
    // and equal to the address the sender reports for itself.
    ProtocolFamily family =
        socketAddress.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    DatagramChannel channel = DatagramChannel.open(family);
    Selector selector = null;
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferBytes());
      channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferBytes());
      try {
        channel.bind(socketAddress);
      } catch (IOException e) {
        IOException failure = e instanceof BindException
            ? new BindException("cannot bind " + bind + ": " + e.getMessage())
            : new IOException("cannot bind " + bind + ": " + e.getMessage());
        failure.initCause(e);
        throw failure;
      }
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
      UdpChannelTransport transport = new UdpChannelTransport(bind.withPort(port), options, context, channel, selector);
      transport.start();
      return transport;
    } catch (IOException | RuntimeException e) {
      closeQuietly(selector);
      closeQuietly(channel);
      throw e;
    }
  }

  private void start() {
    try {
      int receiveBuffer = channel.getOption(StandardSocketOptions.SO_RCVBUF);
      int sendBuffer = channel.getOption(StandardSocketOptions.SO_SNDBUF);
      LOG.debug("{} open: {}, receive buffer {} bytes, send buffer {} bytes", local, options, receiveBuffer,
          sendBuffer);
      if (receiveBuffer < options.receiveBufferBytes() || sendBuffer < options.sendBufferBytes()) {
        // Common: Linux caps both at 208 KiB unless net.core.rmem_max / wmem_max are raised. A large message is a
        // burst of hundreds of datagrams, and a small buffer drops some whenever this thread is slow to run.
        LOG.info("{}: the kernel granted socket buffers of {} (receive) and {} (send) bytes of the {} and {} asked"
                + " ({}, {}); large messages may be lost in bursts. On Linux, raise net.core.rmem_max and wmem_max.",
            local, receiveBuffer, sendBuffer, options.receiveBufferBytes(), options.sendBufferBytes(),
            UdpSettings.RECEIVE_BUFFER_BYTES, UdpSettings.SEND_BUFFER_BYTES);
      }
    } catch (IOException e) {
      LOG.debug("{} open; socket options unreadable", local, e);
    }
    receiver.start();
    scheduleCleanup();
  }

  @Override
  public List<Address> localAddresses() {
    return List.of(local);
  }

  @Override
  public int maxMessageSize() {
    return options.maxMessageBytes();
  }

  /**
   * Sends {@code message} as one datagram or as fragments, without waiting: when the socket's send buffer is full,
   * the rest of the message is dropped and counted in {@link UdpCounters#sendDrops()}. Fragments beyond the first
   * {@link UdpSettings#BURST_DATAGRAMS} follow in paced batches on the scheduler, after this method returned. A host
   * name in {@code to} is resolved through the JVM's DNS cache (the first send to a new name waits for DNS; nodes
   * should use IP literals).
   */
  @Override
  public void send(Address to, byte[] message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    String toToken = checkedTarget(to, message);
    if (toToken.isEmpty()) {
      sendMessage(to, message, false);
    } else {
      sendMessage(to, new Frames.Envelope(toToken, "").wrap(message), true);
    }
  }

  /**
   * Where peers reach the node relayed here with {@code token}: {@code udp://host:port/relay/<token>} on this socket
   * ({@code host} when it is bound to a wildcard address).
   */
  @Override
  public Optional<Address> relayAddress(String token, String host) {
    if (closed.get()) {
      return Optional.empty();
    }
    Address at = isWildcard(local.host()) ? Address.of(local.scheme(), host, local.port(), "") : local;
    return Optional.of(Relays.address(at, token));
  }

  /** Sends for the node relayed here with {@code token}: the receiver sees it come from that node's relay address. */
  @Override
  public void sendFor(String token, Address to, byte[] message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    String toToken = checkedTarget(to, message);
    sendMessage(to, new Frames.Envelope(toToken, token).wrap(message), true);
  }

  /**
   * Checks a destination and a message's size.
   *
   * @return the destination's relay token, "" for a node's own address
   */
  private String checkedTarget(Address to, byte[] message) {
    if (!UdpTransportProvider.SCHEME.equals(to.scheme())) {
      throw new IllegalArgumentException("the udp transport cannot send to " + to);
    }
    if (message.length > options.maxMessageBytes()) {
      throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the maximum of "
          + options.maxMessageBytes() + " (" + UdpSettings.MAX_MESSAGE_BYTES + ")");
    }
    return Relays.tokenOf(to).orElse("");
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  /** Sends {@code message} (with its envelope when {@code relayed}) as one datagram or as fragments. */
  private void sendMessage(Address to, byte[] message, boolean relayed) {
    InetSocketAddress target = new InetSocketAddress(to.host(), to.port());
    if (closed.get() || target.isUnresolved()) {
      LOG.debug("{}: dropped a message to {} ({})", local, to, closed.get() ? "closed" : "unknown host");
      tally.sendDrops.increment();
      return;
    }
    int datagramBytes = options.datagramBytes();
    if (message.length <= Frames.wholeCapacity(datagramBytes)) {
      ByteBuffer frame = ByteBuffer.allocate(Frames.WHOLE_HEADER + message.length);
      Frames.encodeWhole(message, relayed, frame);
      if (sendDatagram(frame, target, to)) {
        tally.messagesOut.increment();
      } else {
        tally.sendDrops.increment();
      }
      return;
    }
    int chunk = Frames.chunkSize(datagramBytes);
    int count = (int) Frames.fragmentCount(message.length, chunk);
    // Batches after the first go out after send returned, when the caller may have reused its array.
    byte[] fragmented = count > options.burstDatagrams() && !relayed ? message.clone() : message;
    sendFragments(new Outgoing(fragmented, relayed, nextMessageId.getAndIncrement(), count, chunk, target, to), 0,
        ByteBuffer.allocate(datagramBytes));
  }

  /** A fragmented message on its way out. */
  private record Outgoing(byte[] message, boolean relayed, int id, int count, int chunk, InetSocketAddress target,
      Address to) {}

  /**
   * Sends the fragments of {@code out} from {@code first} on: one batch now, the next one on the scheduler after the
   * burst pause. Runs on the caller's thread for the first batch, on a scheduler thread for the others.
   *
   * @param frame a buffer of the datagram size, reused for every fragment (the channel copies each out)
   */
  private void sendFragments(Outgoing out, int first, ByteBuffer frame) {
    int end = Math.min(out.count(), first + options.burstDatagrams());
    for (int i = first; i < end; i++) {
      Frames.encodeFragment(out.message(), out.relayed(), out.id(), i, out.count(), out.chunk(), frame);
      if (closed.get() || !sendDatagram(frame, out.target(), out.to())) {
        // The receiver cannot complete the message without this fragment: spare the network the rest.
        tally.sendDrops.increment();
        return;
      }
      tally.fragmentsOut.increment();
    }
    if (end == out.count()) {
      tally.messagesOut.increment();
      return;
    }
    try {
      scheduler.schedule(() -> sendFragments(out, end, frame), options.burstPause().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      tally.sendDrops.increment();
      LOG.debug("{}: scheduler refused the rest of a message to {}", local, out.to(), e);
    }
  }

  private boolean sendDatagram(ByteBuffer frame, InetSocketAddress target, Address to) {
    try {
      if (channel.send(frame, target) == 0) {
        LOG.debug("{}: send buffer full, dropped a message to {}", local, to);
        return false;
      }
      tally.datagramsOut.increment();
      return true;
    } catch (ClosedChannelException e) {
      return false;
    } catch (IOException | UnsupportedAddressTypeException | UnresolvedAddressException e) {
      // Network errors are losses by the Transport contract, never the caller's exception.
      LOG.debug("{}: cannot send to {}: {}", local, to, e.toString());
      return false;
    }
  }

  @Override
  public UdpCounters counters() {
    return tally.snapshot(reassembler.stats());
  }

  /** Stops the receive thread (waiting up to 5 s for a listener call in progress) and releases the port. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Scheduler.Cancellable c = cleanup;
    if (c != null) {
      c.cancel();
    }
    selector.wakeup();
    if (Thread.currentThread() != receiver) {
      try {
        receiver.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (receiver.isAlive()) {
        LOG.warn("{} did not stop within {} ms (is the listener blocking?); closing its socket anyway",
            receiver.getName(), JOIN_MILLIS);
      }
    }
    // The receive thread closes both on its way out; here for when it did not make it in time. A channel registered
    // with a selector keeps its port until the selector lets go, so the selector goes first.
    closeQuietly(selector);
    closeQuietly(channel);
    reassembler.clear();
    LOG.debug("{} closed: {}", local, counters());
  }

  @Override
  public String toString() {
    return "UdpTransport[" + local + (closed.get() ? ", closed]" : "]");
  }

  private void receiveLoop() {
    ByteBuffer buffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
    int failures = 0;
    try {
      while (!closed.get()) {
        try {
          selector.select();
          selector.selectedKeys().clear();
          drain(buffer);
          failures = 0;
        } catch (ClosedSelectorException | ClosedChannelException e) {
          break;
        } catch (IOException e) {
          if (closed.get()) {
            break;
          }
          tally.receiveErrors.increment();
          if (++failures >= MAX_CONSECUTIVE_FAILURES) {
            LOG.error("{}: the socket failed {} times in a row; stopping to receive", local, failures, e);
            break;
          }
          LOG.warn("{}: receive failed", local, e);
        }
      }
    } finally {
      closeQuietly(selector);
      closeQuietly(channel);
    }
  }

  /** Takes every datagram waiting in the socket. */
  private void drain(ByteBuffer buffer) throws IOException {
    while (!closed.get()) {
      buffer.clear();
      SocketAddress source = channel.receive(buffer);
      if (source == null) {
        return;
      }
      buffer.flip();
      try {
        inbound.handle(buffer, (InetSocketAddress) source);
      } catch (RuntimeException e) {
        // A bug of ours; input alone must never get here. One datagram is lost, not the transport.
        tally.receiveErrors.increment();
        LOG.error("{}: failed to handle a datagram from {}; dropped it", local, source, e);
      }
    }
  }

  private void scheduleCleanup() {
    if (closed.get()) {
      return;
    }
    try {
      cleanup = scheduler.schedule(this::expirePartials, options.cleanupPeriodNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      LOG.error("{}: cannot schedule the reassembly cleanup; partial messages now expire only when hit again", local,
          e);
    }
  }

  private void expirePartials() {
    if (closed.get()) {
      return;
    }
    try {
      int dropped = reassembler.expire(scheduler.nanoTime());
      if (dropped > 0) {
        LOG.debug("{}: dropped {} partial messages that timed out", local, dropped);
      }
    } catch (RuntimeException e) {
      LOG.error("{}: reassembly cleanup failed", local, e);
    }
    scheduleCleanup();
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("close failed", e);
    }
  }
}
