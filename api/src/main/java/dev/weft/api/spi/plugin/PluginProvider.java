package dev.weft.api.spi.plugin;

import dev.weft.api.Setting;
import java.util.List;
import java.util.Set;

/**
 * Creates a {@link Plugin} for each node. Every provider found with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.weft.api.spi.plugin.PluginProvider}) is started unless named in {@link
 * dev.weft.api.CoreSettings#PLUGINS_DISABLED}. See {@code docs/plugins.md} for the rules plugin writers keep.
 */
public interface PluginProvider {
  /** A unique name, lower-case, e.g. {@code messaging}; also the prefix of the plugin's settings and channels. */
  String name();

  /** Names of plugins that must be started before this one. */
  default Set<String> dependsOn() {
    return Set.of();
  }

  /**
   * The settings this provider's module reads, each declared once (see {@link dev.weft.api.Setting}): {@link
   * dev.weft.api.NodeBuilder#build()} accepts a {@code weft.*} key only if the core or a present provider declares it,
   * and checks every declared value before anything opens. Called by the builder and by tools that list settings
   * ({@code weft config}), on any thread; never null. Usually {@code Setting.declaredIn(MySettings.class)}.
   *
   * @since 0.1.0
   */
  default List<Setting<?>> settings() {
    return List.of();
  }

  /**
   * Starts the plugin for one node. Called once per node, after the node listens and before it joins.
   *
   * @throws dev.weft.api.WeftException when it cannot start; the node does not start either
   */
  Plugin create(PluginContext context);
}
