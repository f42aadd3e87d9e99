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
  static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
  static final int DEFAULT_DATAGRAM_BYTES = 1200;
  static final long DEFAULT_REASSEMBLY_BYTES = 8L * 1024 * 1024;
  static final long MIN_DEFAULT_BYTES_PER_SOURCE = 1024L * 1024;
  static final int DEFAULT_REASSEMBLY_MESSAGES = 1024;
  static final Duration DEFAULT_REASSEMBLY_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
  static final int DEFAULT_SEND_BUFFER_BYTES = 1024 * 1024;
  static final int DEFAULT_BURST_DATAGRAMS = 64;
  static final Duration DEFAULT_BURST_PAUSE = Duration.ofMillis(1);

  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException naming the key and value that is malformed, out of range or inconsistent with another
   */
  static UdpOptions from(WeftConfig config) {
    int datagram = (int) config.bytes(DATAGRAM_BYTES, DEFAULT_DATAGRAM_BYTES, Frames.MIN_DATAGRAM, Frames.MAX_DATAGRAM);
    int maxMessage = (int) config.bytes(MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES, 1, 64 * MIB);
    long fragments = Frames.fragmentCount(maxMessage, Frames.chunkSize(datagram));
    if (fragments > Frames.MAX_FRAGMENTS) {
      throw new ConfigException("invalid value for " + MAX_MESSAGE_BYTES + ": '" + maxMessage + "' (needs " + fragments
          + " fragments at " + DATAGRAM_BYTES + "=" + datagram + ", at most " + Frames.MAX_FRAGMENTS
          + " are possible; raise " + DATAGRAM_BYTES + " or lower " + MAX_MESSAGE_BYTES + ")");
    }
    long perSource = config.bytes(REASSEMBLY_BYTES_PER_SOURCE, Math.max(MIN_DEFAULT_BYTES_PER_SOURCE, maxMessage), 1,
        16 * GIB);
    if (perSource < maxMessage) {
      throw new ConfigException("invalid value for " + REASSEMBLY_BYTES_PER_SOURCE + ": '" + perSource
          + "' (must be at least " + MAX_MESSAGE_BYTES + "=" + maxMessage
          + ", or the largest messages could never be reassembled)");
    }
    long total = config.bytes(REASSEMBLY_BYTES, Math.max(DEFAULT_REASSEMBLY_BYTES, perSource), 1, 16 * GIB);
    if (total < perSource) {
      throw new ConfigException("invalid value for " + REASSEMBLY_BYTES + ": '" + total + "' (must be at least "
          + REASSEMBLY_BYTES_PER_SOURCE + "=" + perSource + ")");
    }
    int messages = config.integer(REASSEMBLY_MESSAGES, DEFAULT_REASSEMBLY_MESSAGES, 1, 1_000_000);
    Duration timeout = config.duration(REASSEMBLY_TIMEOUT, DEFAULT_REASSEMBLY_TIMEOUT);
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new ConfigException("invalid value for " + REASSEMBLY_TIMEOUT + ": '"
          + config.string(REASSEMBLY_TIMEOUT, "") + "' (expected at most 1h: a message is either complete within seconds or lost)");
    }
    int receiveBuffer = (int) config.bytes(RECEIVE_BUFFER_BYTES, DEFAULT_RECEIVE_BUFFER_BYTES, 4096, GIB);
    int sendBuffer = (int) config.bytes(SEND_BUFFER_BYTES, DEFAULT_SEND_BUFFER_BYTES, 4096, GIB);
    int burst = config.integer(BURST_DATAGRAMS, DEFAULT_BURST_DATAGRAMS, 1, Frames.MAX_FRAGMENTS);
    Duration pause = config.duration(BURST_PAUSE, DEFAULT_BURST_PAUSE);
    if (pause.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new ConfigException("invalid value for " + BURST_PAUSE + ": '" + config.string(BURST_PAUSE, "")
          + "' (expected at most 1s: the receiver times out at " + REASSEMBLY_TIMEOUT + ")");
    }
    return new UdpOptions(maxMessage, datagram, total, perSource, messages, timeout, receiveBuffer, sendBuffer, burst,
        pause);
  }

  /**
   * How often partial messages are checked for expiry: half the timeout, at most a second, so a dead partial message
   * is held at most {@code timeout + min(timeout / 2, 1s)}.
   */
  long cleanupPeriodNanos() {
    return Math.max(1_000_000L, Math.min(reassemblyTimeout.toNanos() / 2, 1_000_000_000L));
  }
}
