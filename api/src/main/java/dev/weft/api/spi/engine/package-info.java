/**
 * Engines: what a node is built on ({@link dev.weft.api.spi.engine.NodeEngineProvider}), given the chosen transports,
 * store and plugins ({@link dev.weft.api.spi.engine.NodeSetup}). weft ships one, Kademlia. Stability: experimental
 * (see {@link dev.weft.api.spi}).
 */
package dev.weft.api.spi.engine;
