package dev.weft.transport.udp.internal;

import static dev.weft.transport.udp.UdpSettings.BURST_DATAGRAMS;
import static dev.weft.transport.udp.UdpSettings.BURST_PAUSE;
import static dev.weft.transport.udp.UdpSettings.DATAGRAM_BYTES;
import static dev.weft.transport.udp.UdpSettings.MAX_MESSAGE_BYTES;
import static dev.weft.transport.udp.UdpSettings.REASSEMBLY_BYTES;
import static dev.weft.transport.udp.UdpSettings.REASSEMBLY_BYTES_PER_SOURCE;
import static dev.weft.transport.udp.UdpSettings.REASSEMBLY_MESSAGES;
import static dev.weft.transport.udp.UdpSettings.REASSEMBLY_TIMEOUT;
import static dev.weft.transport.udp.UdpSettings.RECEIVE_BUFFER_BYTES;
import static dev.weft.transport.udp.UdpSettings.SEND_BUFFER_BYTES;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import java.time.Duration;

/**
 * The {@code weft.udp.*} settings of one transport, read and checked together (see
 * {@link dev.weft.transport.udp.UdpSettings} for what each means).
 */
record UdpOptions(
    int maxMessageBytes,
    int datagramBytes,
    long reassemblyBytes,
    long reassemblyBytesPerSource,
    int reassemblyMessages,
    Duration reassemblyTimeout,
    int receiveBufferBytes,
    int sendBufferBytes,
    int burstDatagrams,
    Duration burstPause) {
  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException naming the key and value that is malformed, out of range or inconsistent with another
   */
  static UdpOptions from(WeftConfig config) {
    int datagram = (int) (long) config.get(DATAGRAM_BYTES);
    int maxMessage = (int) (long) config.get(MAX_MESSAGE_BYTES);
    long fragments = Frames.fragmentCount(maxMessage, Frames.chunkSize(datagram));
    if (fragments > Frames.MAX_FRAGMENTS) {
      throw new ConfigException("invalid value for " + MAX_MESSAGE_BYTES + ": '" + maxMessage + "' (needs " + fragments
          + " fragments at " + DATAGRAM_BYTES + "=" + datagram + ", at most " + Frames.MAX_FRAGMENTS
          + " are possible; raise " + DATAGRAM_BYTES + " or lower " + MAX_MESSAGE_BYTES + ")");
    }
    // Unset, the per-source bound grows with the largest message, and the total with the per-source bound.
    long perSource = config.find(REASSEMBLY_BYTES_PER_SOURCE)
        .orElse(Math.max(REASSEMBLY_BYTES_PER_SOURCE.defaultValue().orElseThrow(), maxMessage));
    if (perSource < maxMessage) {
      throw new ConfigException("invalid value for " + REASSEMBLY_BYTES_PER_SOURCE + ": '" + perSource
          + "' (must be at least " + MAX_MESSAGE_BYTES + "=" + maxMessage
          + ", or the largest messages could never be reassembled)");
    }
    long total = config.find(REASSEMBLY_BYTES).orElse(Math.max(REASSEMBLY_BYTES.defaultValue().orElseThrow(), perSource));
    if (total < perSource) {
      throw new ConfigException("invalid value for " + REASSEMBLY_BYTES + ": '" + total + "' (must be at least "
          + REASSEMBLY_BYTES_PER_SOURCE + "=" + perSource + ")");
    }
    return new UdpOptions(maxMessage, datagram, total, perSource, config.get(REASSEMBLY_MESSAGES),
        config.get(REASSEMBLY_TIMEOUT), (int) (long) config.get(RECEIVE_BUFFER_BYTES),
        (int) (long) config.get(SEND_BUFFER_BYTES), config.get(BURST_DATAGRAMS), config.get(BURST_PAUSE));
  }

  /**
   * How often partial messages are checked for expiry: half the timeout, at most a second, so a dead partial message
   * is held at most {@code timeout + min(timeout / 2, 1s)}.
   */
  long cleanupPeriodNanos() {
    return Math.max(1_000_000L, Math.min(reassemblyTimeout.toNanos() / 2, 1_000_000_000L));
  }
}
