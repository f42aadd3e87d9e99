package dev.weft.query.internal;

import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import dev.weft.query.QuerySettings;
import java.util.List;
import java.util.Set;

/** The {@code query} plugin. */
public final class QueryProvider implements PluginProvider {
  @Override
  public String name() {
    return "query";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("messaging", "schema", "pht");
  }

  @Override
  public List<Setting<?>> settings() {
    return QuerySettings.all();
  }

  @Override
  public Plugin create(PluginContext context) {
    return new QueryPlugin(context);
  }
}
