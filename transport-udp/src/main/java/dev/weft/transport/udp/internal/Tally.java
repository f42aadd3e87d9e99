package dev.weft.transport.udp.internal;

import dev.weft.transport.udp.UdpCounters;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one UDP transport, incremented by its send path and its receive thread. Thread-safe. */
final class Tally {
  final LongAdder datagramsIn = new LongAdder();
  final LongAdder datagramsOut = new LongAdder();
  final LongAdder messagesIn = new LongAdder();
  final LongAdder messagesOut = new LongAdder();
  final LongAdder fragmentsIn = new LongAdder();
  final LongAdder fragmentsOut = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder sendDrops = new LongAdder();
  final LongAdder listenerErrors = new LongAdder();
  final LongAdder receiveErrors = new LongAdder();

  /** A snapshot, with the reassembler's figures. */
  UdpCounters snapshot(Reassembler.Stats r) {
    return new UdpCounters(datagramsIn.sum(), datagramsOut.sum(), messagesIn.sum(), messagesOut.sum(),
        fragmentsIn.sum(), fragmentsOut.sum(), malformed.sum(), r.duplicates(), r.timedOut() + r.evicted(),
        sendDrops.sum(), listenerErrors.sum(), receiveErrors.sum(), r.partialMessages(), r.partialBytes());
  }
}
