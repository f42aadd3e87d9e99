package dev.weft.kademlia;

import dev.weft.api.spi.plugin.Dht;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import java.util.function.Consumer;

/** A plugin that does nothing but hand its node's {@link Dht} to a test, for the SPI calls a test makes itself. */
final class DhtCapture {
  private DhtCapture() {}

  static PluginProvider into(Consumer<Dht> sink) {
    return new PluginProvider() {
      @Override
      public String name() {
        return "capture";
      }

      @Override
      public Plugin create(PluginContext context) {
        sink.accept(context.dht());
        return () -> { };
      }
    };
  }
}
