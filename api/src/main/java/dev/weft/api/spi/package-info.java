/**
 * Service-provider interfaces: what a transport, a store, a plugin or an engine implements to be assembled into a
 * node by {@link dev.weft.api.NodeBuilder} (found with {@link java.util.ServiceLoader}). One package per concern:
 * {@link dev.weft.api.spi.transport}, {@link dev.weft.api.spi.store}, {@link dev.weft.api.spi.plugin},
 * {@link dev.weft.api.spi.engine}; this package holds what they all share, time and ordering ({@link
 * dev.weft.api.spi.Scheduler}, {@link dev.weft.api.spi.VersionClock}).
 *
 * <p><b>Stability:</b> experimental while weft is 0.x: a minor release may change these interfaces, and says so in its
 * notes. Every type says since when it exists ({@code @since}).
 */
package dev.weft.api.spi;
