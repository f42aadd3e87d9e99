package dev.weft.pht.internal;

import dev.weft.api.spi.Plugin;
import dev.weft.api.spi.PluginContext;
import dev.weft.api.spi.PluginProvider;

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
}
