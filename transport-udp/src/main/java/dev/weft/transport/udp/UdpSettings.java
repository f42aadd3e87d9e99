package dev.weft.transport.udp;

/**
 * Names of the settings the {@code udp} transport reads from the node's {@link dev.weft.api.WeftConfig} when it
 * opens. Sizes accept {@code KiB}/{@code MiB} suffixes, durations {@code 500ms}/{@code 5s}. A value that is malformed,
 * out of range or inconsistent with another setting fails the open with a {@link dev.weft.api.ConfigException} naming
 * the key and the value.
 */
public final class UdpSettings {
  /**
   * Largest message {@link dev.weft.api.spi.Transport#send} accepts and the receiver reassembles; default 256 KiB.
   * Peers must agree: a receiver drops (as malformed) messages above its own limit.
   */
  public static final String MAX_MESSAGE_BYTES = "weft.udp.max-message-bytes";

  /**
   * Largest datagram payload this transport sends, headers included; default 1200 bytes, which crosses IPv4 and IPv6
   * paths (minimum IPv6 MTU 1280) without IP fragmentation. Messages that do not fit in one datagram are split.
   * Receivers accept datagrams of any size, so peers need not agree on this.
   */
  public static final String DATAGRAM_BYTES = "weft.udp.datagram-bytes";

  /** Bytes all partially received messages may hold together; default 8 MiB. Oldest partial messages go first. */
  public static final String REASSEMBLY_BYTES = "weft.udp.reassembly-bytes";

  /**
   * Bytes the partially received messages of one source address may hold; default the larger of 1 MiB and
   * {@link #MAX_MESSAGE_BYTES}. Must be at least {@link #MAX_MESSAGE_BYTES}. When a source goes over it, its own
   * oldest partial message is dropped, so a noisy peer mostly hurts itself.
   */
  public static final String REASSEMBLY_BYTES_PER_SOURCE = "weft.udp.reassembly-bytes-per-source";

  /** How many messages may be partially received at once, over all sources; default 1024. */
  public static final String REASSEMBLY_MESSAGES = "weft.udp.reassembly-messages";

  /**
   * How long after its first fragment a message must be complete; default 5s, at most 1h. Later, its fragments are
   * dropped.
   */
  public static final String REASSEMBLY_TIMEOUT = "weft.udp.reassembly-timeout";

  /**
   * Kernel receive buffer requested for the socket ({@code SO_RCVBUF}); default 4 MiB. The kernel may grant less (on
   * Linux, at most {@code net.core.rmem_max}); a small buffer loses the fragments of large messages in bursts.
   */
  public static final String RECEIVE_BUFFER_BYTES = "weft.udp.receive-buffer-bytes";

  /**
   * Kernel send buffer requested for the socket ({@code SO_SNDBUF}); default 1 MiB (on Linux at most
   * {@code net.core.wmem_max}). Sends never wait: when it is full, the message counts as lost.
   */
  public static final String SEND_BUFFER_BYTES = "weft.udp.send-buffer-bytes";

  /**
   * Datagrams of one message sent back to back; default 64 (a 64 KiB message goes out at once). The rest of a larger
   * message follows in batches of this size, {@link #BURST_PAUSE} apart, on the node's scheduler, so a receiver
   * with a default-sized socket buffer keeps up instead of dropping the tail of a 256 KiB burst.
   */
  public static final String BURST_DATAGRAMS = "weft.udp.burst-datagrams";

  /** Pause between two batches of {@link #BURST_DATAGRAMS} datagrams of one message; default 1ms. */
  public static final String BURST_PAUSE = "weft.udp.burst-pause";

  private UdpSettings() {}
}
