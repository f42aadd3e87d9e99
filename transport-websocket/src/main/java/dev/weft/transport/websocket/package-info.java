/**
 * WebSocket transport ({@code ws://host:port}) and super-nodes that relay for nodes that cannot accept connections.
 * The gateway that lets browser clients ({@code weft.js}) use the network through a super-node is its own module,
 * weft-gateway ({@code dev.weft.gateway}), mounted on this transport's server.
 */
package dev.weft.transport.websocket;
