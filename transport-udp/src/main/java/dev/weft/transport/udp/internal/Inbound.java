package dev.weft.transport.udp.internal;

import dev.weft.api.Address;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.Relays;
import dev.weft.api.spi.transport.TransportListener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a UDP transport does with each datagram it receives: decodes the frame, reassembles fragments, opens relay
 * envelopes, and hands whole messages to the listener — or, for a node relayed here, to the node's {@link Relays}.
 * No socket: the receive thread feeds it, and tests can feed it datagrams directly.
 *
 * <h2>Thread safety</h2>
 * Called by the transport's receive thread only. Nothing a peer sends throws out of {@link #handle}: invalid input is
 * reported to {@link TransportListener#onMalformed} and counted; a throwing listener is logged and counted.
 */
final class Inbound {
  private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

  private final Address local;
  private final int maxMessageBytes;
  private final Scheduler scheduler;
  private final TransportListener listener;
  private final Relays relays;
  private final Reassembler<InetSocketAddress> reassembler;
  private final Tally tally;

  Inbound(Address local, int maxMessageBytes, Scheduler scheduler, TransportListener listener, Relays relays,
      Reassembler<InetSocketAddress> reassembler, Tally tally) {
    this.local = local;
    this.maxMessageBytes = maxMessageBytes;
    this.scheduler = scheduler;
    this.listener = listener;
    this.relays = relays;
    this.reassembler = reassembler;
    this.tally = tally;
  }

  /** One datagram from {@code source}: decoded, reassembled, and delivered or reported as malformed. */
  void handle(ByteBuffer datagram, InetSocketAddress source) {
    tally.datagramsIn.increment();
    Frame frame;
    try {
      frame = Frames.decode(datagram, maxMessageBytes);
    } catch (MalformedFrameException e) {
      reportMalformed(source, e.getMessage());
      return;
    }
    if (frame instanceof Frame.Whole whole) {
      byte[] message = new byte[whole.payload().remaining()];
      whole.payload().get(message);
      deliver(source, message, whole.relayed());
      return;
    }
    Frame.Fragment fragment = (Frame.Fragment) frame;
    tally.fragmentsIn.increment();
    byte[] message;
    try {
      message = reassembler.accept(source, fragment, scheduler.nanoTime());
    } catch (MalformedFrameException e) {
      reportMalformed(source, e.getMessage());
      return;
    }
    if (message != null) {
      deliver(source, message, fragment.relayed());
    }
  }

  private void deliver(InetSocketAddress source, byte[] message, boolean relayed) {
    if (relayed) {
      deliverRelayed(source, message);
      return;
    }
    tally.messagesIn.increment();
    Address from = address(source);
    notifyListener(from, message);
  }

  /**
   * A relayed message: for a node relayed here (handed to the transport holding its link), or from a node relayed by
   * the sender (delivered as coming from its relay address there).
   */
  private void deliverRelayed(InetSocketAddress source, byte[] relayed) {
    Frames.Envelope.Opened opened;
    try {
      opened = Frames.Envelope.open(relayed);
    } catch (MalformedFrameException e) {
      reportMalformed(source, e.getMessage());
      return;
    }
    tally.messagesIn.increment();
    Address sender = address(source);
    Frames.Envelope envelope = opened.envelope();
    Address from = envelope.from().isEmpty() ? sender : Relays.address(sender, envelope.from());
    if (envelope.to().isEmpty()) {
      notifyListener(from, opened.message());
    } else if (!relays.deliver(envelope.to(), from, opened.message())) {
      // Not relayed here (any more): the sender's DHT retries, as for any lost message.
      tally.sendDrops.increment();
      LOG.debug("{}: no relayed node {} here; dropped a message from {}", local, envelope.to(), from);
    }
  }

  private void notifyListener(Address from, byte[] message) {
    try {
      listener.onMessage(from, message);
    } catch (Throwable t) {
      // Whatever the listener does, this thread serves every peer of the node and must go on.
      tally.listenerErrors.increment();
      LOG.warn("{}: listener failed on a message of {} bytes from {}; dropped it", local, message.length, from, t);
    }
  }

  private void reportMalformed(InetSocketAddress source, String reason) {
    tally.malformed.increment();
    Address from = address(source);
    // Debug only: anyone can send us garbage, and logging each one would let them fill our disks.
    LOG.debug("{}: malformed datagram from {}: {}", local, from, reason);
    try {
      listener.onMalformed(from, reason);
    } catch (Throwable t) {
      tally.listenerErrors.increment();
      LOG.warn("{}: listener failed on a malformed datagram from {}", local, from, t);
    }
  }

  private static Address address(InetSocketAddress source) {
    return Address.of(UdpTransportProvider.SCHEME, source.getAddress().getHostAddress(), source.getPort(), "");
  }
}
