package dev.weft.transport.websocket;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.api.Address;
import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.Scheduler;
import dev.weft.api.spi.transport.TransportContext;
import dev.weft.api.spi.transport.TransportListener;
import dev.weft.transport.websocket.internal.WsTransportProvider;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Bad addresses and settings stop a transport from opening, with a message that names them. */
class WsSettingsTest {
  private static TransportContext context(WeftConfig config) {
    return new TransportContext() {
      @Override
      public WeftConfig config() {
        return config;
      }

      @Override
      public Scheduler scheduler() {
        return Scheduler.system();
      }

      @Override
      public TransportListener listener() {
        return (from, message) -> { };
      }
    };
  }

  @Test
  void badListenAddressesAndSettingsAreRefused() throws IOException {
    WsTransportProvider ws = new WsTransportProvider();
    assertThatThrownBy(() -> ws.open(Address.parse("ws://127.0.0.1:0/elsewhere"), context(WeftConfig.empty())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://host:port");
    assertThatThrownBy(() -> ws.open(Address.parse("ws://127.0.0.1:0/relay"), context(WeftConfig.empty())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("super-node's port");
    assertThatThrownBy(() -> ws.open(Address.parse("udp://127.0.0.1:0"), context(WeftConfig.empty())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ws.open(Address.parse("ws://127.0.0.1:0"),
        context(WeftConfig.empty().with(WebSocketSettings.MAX_MESSAGE_BYTES.key(), "lots"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining(WebSocketSettings.MAX_MESSAGE_BYTES.key());
    assertThatThrownBy(() -> new WsTransportProvider.Secure().open(Address.parse("wss://127.0.0.1:0"),
        context(WeftConfig.empty())))
        .isInstanceOf(ConfigException.class).hasMessageContaining(WebSocketSettings.KEYSTORE.key());
    assertThatThrownBy(() -> new WsTransportProvider.Secure().open(Address.parse("wss://127.0.0.1:0"),
        context(WeftConfig.empty().with(WebSocketSettings.KEYSTORE.key(), "/no/such/store.p12"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/no/such/store.p12");
  }

  @Test
  void aRelayedNodeWithNoSuperNodeFailsToOpenNamingIt() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    int closed = port;
    assertThatThrownBy(() -> new WsTransportProvider().open(Address.parse("ws://127.0.0.1:" + closed + "/relay"),
        context(WeftConfig.empty().with(WebSocketSettings.RELAY_TIMEOUT.key(), "1s"))))
        .isInstanceOf(IOException.class).hasMessageContaining("no super-node").hasMessageContaining("" + closed);
  }
}
