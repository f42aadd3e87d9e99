/** Implementation of the WebSocket transport; not API. */
package dev.weft.transport.websocket.internal;
