package dev.weft.transport.udp;

/**
 * What one {@link UdpTransport} has done since it was opened, as returned by {@link UdpTransport#counters()}.
 *
 * @param datagramsIn datagrams received, valid or not
 * @param datagramsOut datagrams the socket accepted for sending
 * @param messagesIn messages handed to the listener
 * @param messagesOut messages whose every datagram the socket accepted
 * @param fragmentsIn valid fragments received (duplicates included)
 * @param fragmentsOut fragments the socket accepted for sending
 * @param malformed datagrams or fragments dropped as invalid; each was reported to
 *     {@link dev.weft.api.spi.transport.TransportListener#onMalformed}
 * @param duplicateFragments fragments that had already arrived, or belonged to a message already delivered; ignored
 * @param reassemblyDrops partial messages dropped because they timed out or had to make room under the reassembly
 *     limits
 * @param sendDrops messages not sent: socket buffer full, network error, unresolvable host, or transport closed
 * @param listenerErrors exceptions the listener threw; each was logged and the message dropped
 * @param receiveErrors unexpected errors in the receive thread that it survived (logged); normally 0
 * @param partialMessages messages being reassembled right now
 * @param partialBytes bytes held by messages being reassembled right now
 */
public record UdpCounters(
    long datagramsIn,
    long datagramsOut,
    long messagesIn,
    long messagesOut,
    long fragmentsIn,
    long fragmentsOut,
    long malformed,
    long duplicateFragments,
    long reassemblyDrops,
    long sendDrops,
    long listenerErrors,
    long receiveErrors,
    int partialMessages,
    long partialBytes) {}
