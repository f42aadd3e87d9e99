package dev.weft.schema.internal;

import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.schema.SchemaSettings;
import java.util.List;
import java.util.Set;

/** The {@code schema} plugin; needs {@code messaging} for its broadcasts. */
public final class SchemaProvider implements PluginProvider {
  @Override
  public String name() {
    return "schema";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("messaging");
  }

  @Override
  public Plugin create(PluginContext context) {
    return new SchemaPlugin(context);
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(SchemaSettings.class);
  }
}
