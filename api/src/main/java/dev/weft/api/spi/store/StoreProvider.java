package dev.weft.api.spi.store;

import dev.weft.api.Setting;
import java.util.List;

/**
 * Opens {@link LocalStore}s of one kind, chosen by {@link dev.weft.api.CoreSettings#STORAGE}. Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.weft.api.spi.store.StoreProvider}) or added to a builder by hand.
 */
public interface StoreProvider {
  /** The name users select, e.g. {@code memory}; unique among providers. */
  String name();

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
   * Opens (or creates) a store.
   *
   * @throws dev.weft.api.WeftException with a clear reason when it cannot (directory locked, unreadable, corrupt)
   */
  LocalStore open(StoreContext context);
}
