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
  private final boolean onScheduler;

  public QueryProvider() {
    this(false);
  }

  private QueryProvider(boolean onScheduler) {
    this.onScheduler = onScheduler;
  }

  /**
   * For simulations that run many nodes on one virtual-time scheduler (weft-simulator): the plugin does its scan work
   * on the node's scheduler instead of threads of its own, so that nothing runs outside virtual time, and its nodes
   * offer {@link Scans}. Statements ({@code Sql}), which block a thread of their own, must not be used on such nodes.
   */
  public static QueryProvider onScheduler() {
    return new QueryProvider(true);
  }

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
    return new QueryPlugin(context, onScheduler);
  }
}
