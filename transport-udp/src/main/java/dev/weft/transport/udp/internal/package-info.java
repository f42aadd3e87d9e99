/**
 * Implementation of the {@code udp} transport: the provider (listed in {@code META-INF/services}), the frame codec,
 * the reassembler and the socket loop. Not an API: everything here may change without notice.
 */
package dev.weft.transport.udp.internal;
