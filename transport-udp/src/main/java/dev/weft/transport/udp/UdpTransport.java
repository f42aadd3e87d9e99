package dev.weft.transport.udp;

import dev.weft.api.spi.transport.Transport;

/**
 * A {@link Transport} of scheme {@code udp}: what the {@code udp} provider opens. Nodes use it as a plain transport;
 * monitoring code and tests may check {@code transport instanceof UdpTransport} to read its counters.
 *
 * <p>Thread-safe: all methods may be called from any thread.
 */
public interface UdpTransport extends Transport {
  /** A consistent-enough snapshot of this transport's counters (each is read atomically, not all together). */
  UdpCounters counters();
}
