package dev.weft.transport.websocket;

import dev.weft.api.Address;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.testkit.TransportContract;
import dev.weft.transport.websocket.internal.WsTransportProvider;

/** The transport contract over WebSocket, between listening nodes. */
class WsTransportTest extends TransportContract {
  @Override
  protected TransportProvider provider() {
    return new WsTransportProvider();
  }

  @Override
  protected Address bindAddress() {
    return Address.parse("ws://127.0.0.1:0");
  }
}
