package dev.weft.messaging.internal;

import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.messaging.MessagingSettings;
import java.util.List;

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

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(MessagingSettings.class);
  }
}
