/**
 * Transports: move opaque messages between nodes for one address scheme ({@link
 * dev.weft.api.spi.transport.TransportProvider}, {@link dev.weft.api.spi.transport.Transport}), and carry the traffic
 * of the nodes a super-node relays between its transports ({@link dev.weft.api.spi.transport.Relays}). The testkit's
 * {@code TransportContract} checks an implementation. Stability: experimental (see {@link dev.weft.api.spi}).
 */
package dev.weft.api.spi.transport;
