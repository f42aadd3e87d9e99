package dev.weft.pht.internal;

import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.pht.PhtSettings;
import java.util.List;

/** The {@code pht} plugin. */
public final class PhtProvider implements PluginProvider {
  @Override
  public String name() {
    return "pht";
  }

  @Override
  public Plugin create(PluginContext context) {
    return new PhtPlugin(context);
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(PhtSettings.class);
  }
}
