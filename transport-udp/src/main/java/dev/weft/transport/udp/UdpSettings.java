package dev.weft.transport.udp;

import dev.weft.api.Setting;
import java.time.Duration;

/**
 * Names of the settings the {@code udp} transport reads from the node's {@link dev.weft.api.WeftConfig} when it
 * opens. Sizes accept {@code KiB}/{@code MiB} suffixes, durations {@code 500ms}/{@code 5s}. A value that is malformed,
 * out of range or inconsistent with another setting fails the open with a {@link dev.weft.api.ConfigException} naming
 * the key and the value.
 */
public final class UdpSettings {
  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;

  /**
   * Largest message {@link dev.weft.api.spi.transport.Transport#send} accepts and the receiver reassembles.
   * Peers must agree: a receiver drops (as malformed) messages above its own limit.
   */
  public static final Setting<Long> MAX_MESSAGE_BYTES = Setting.size("weft.udp.max-message-bytes", "256KiB", 1,
      64 * MIB,
      "largest message sent or reassembled; peers must agree");

  /**
   * Largest datagram payload this transport sends, headers included, which crosses IPv4 and IPv6
   * paths (minimum IPv6 MTU 1280) without IP fragmentation. Messages that do not fit in one datagram are split.
   * Receivers accept datagrams of any size, so peers need not agree on this.
   */
  public static final Setting<Long> DATAGRAM_BYTES = Setting.size("weft.udp.datagram-bytes", "1200", 64, 65_507,
      "largest datagram; bigger messages are split");

  /** Bytes all partially received messages may hold together. Oldest partial messages go first. */
  public static final Setting<Long> REASSEMBLY_BYTES = Setting.size("weft.udp.reassembly-bytes", "8MiB", 1, 16 * GIB,
      "bytes all partially received messages may hold");

  /**
   * Bytes the partially received messages of one source address may hold; unset, the larger of its declared default and
   * {@link #MAX_MESSAGE_BYTES}. Must be at least {@link #MAX_MESSAGE_BYTES}. When a source goes over it, its own
   * oldest partial message is dropped, so a noisy peer mostly hurts itself.
   */
  public static final Setting<Long> REASSEMBLY_BYTES_PER_SOURCE = Setting.size("weft.udp.reassembly-bytes-per-source",
      "1MiB", 1, 16 * GIB,
      "... those of one source (at least max-message-bytes)");

  /** How many messages may be partially received at once, over all sources. */
  public static final Setting<Integer> REASSEMBLY_MESSAGES = Setting.integer("weft.udp.reassembly-messages", 1024, 1,
      1_000_000,
      "messages partially received at once");

  /**
   * How long after its first fragment a message must be complete, at most 1h. Later, its fragments are
   * dropped.
   */
  public static final Setting<Duration> REASSEMBLY_TIMEOUT = Setting.duration("weft.udp.reassembly-timeout", "5s",
      Duration.ofMillis(1), Duration.ofHours(1),
      "how long after its first fragment a message must be complete");

  /**
   * Kernel receive buffer requested for the socket ({@code SO_RCVBUF}). The kernel may grant less (on
   * Linux, at most {@code net.core.rmem_max}); a small buffer loses the fragments of large messages in bursts.
   */
  public static final Setting<Long> RECEIVE_BUFFER_BYTES = Setting.size("weft.udp.receive-buffer-bytes", "4MiB", 4096,
      GIB, "SO_RCVBUF requested");

  /**
   * Kernel send buffer requested for the socket ({@code SO_SNDBUF}) (on Linux at most
   * {@code net.core.wmem_max}). Sends never wait: when it is full, the message counts as lost.
   */
  public static final Setting<Long> SEND_BUFFER_BYTES = Setting.size("weft.udp.send-buffer-bytes", "1MiB", 4096, GIB,
      "SO_SNDBUF requested");

  /**
   * Datagrams of one message sent back to back(a 64 KiB message goes out at once). The rest of a larger
   * message follows in batches of this size, {@link #BURST_PAUSE} apart, on the node's scheduler, so a receiver
   * with a default-sized socket buffer keeps up instead of dropping the tail of a 256 KiB burst.
   */
  public static final Setting<Integer> BURST_DATAGRAMS = Setting.integer("weft.udp.burst-datagrams", 64, 1, 0xFFFF,
      "datagrams of one message sent back to back");

  /** Pause between two batches of {@link #BURST_DATAGRAMS} datagrams of one message. */
  public static final Setting<Duration> BURST_PAUSE = Setting.duration("weft.udp.burst-pause", "1ms",
      Duration.ofMillis(1), Duration.ofSeconds(1),
      "pause between two bursts of one message");

  private UdpSettings() {}
}
