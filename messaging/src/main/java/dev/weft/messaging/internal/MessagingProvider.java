package dev.weft.messaging.internal;

import dev.weft.api.spi.Plugin;
import dev.weft.api.spi.PluginContext;
import dev.weft.api.spi.PluginProvider;

/** The {@code messaging} plugin. */
public final class MessagingProvider implements PluginProvider {
  @Override
  public String name() {
    return "messaging";
  }

  @Override
  public Plugin create(PluginContext context) {
    return new MessagingPlugin(context);
  }
}
