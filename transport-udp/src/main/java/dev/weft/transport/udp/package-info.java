/**
 * The {@code udp} transport: weft messages over UDP datagrams, split into fragments below a safe datagram size and
 * reassembled within bounded memory and time. The frame format is specified in {@code docs/protocol.md} ("UDP
 * framing").
 *
 * <p>Nodes find the transport with {@link java.util.ServiceLoader}; nothing here needs to be called to use it. What
 * this package offers is for operators and tests: the setting names ({@link dev.weft.transport.udp.UdpSettings}) and
 * the counters of an open transport ({@link dev.weft.transport.udp.UdpTransport#counters()}). Everything in
 * {@code dev.weft.transport.udp.internal} may change without notice.
 */
package dev.weft.transport.udp;
