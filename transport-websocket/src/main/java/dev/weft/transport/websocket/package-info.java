/**
 * WebSocket transport ({@code ws://host:port}), super-nodes that relay for nodes that cannot accept connections, and
 * the gateway that lets browser clients ({@code weft.js}) use the network through a super-node.
 */
package dev.weft.transport.websocket;
