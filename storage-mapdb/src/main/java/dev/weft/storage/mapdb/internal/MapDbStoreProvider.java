package dev.weft.storage.mapdb.internal;

import dev.weft.api.Setting;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.spi.store.StoreContext;
import dev.weft.api.spi.store.StoreProvider;
import dev.weft.storage.mapdb.MapDbSettings;
import java.util.List;

/**
 * The {@code mapdb} store ({@code weft.storage=mapdb}): records on disk under {@code weft.data.dir}, every
 * acknowledged write fsynced to an operation log first. Found with {@link java.util.ServiceLoader}; stateless, so one
 * instance may open stores for many nodes (each on its own directory). See {@code docs/storage-mapdb.md}.
 */
public final class MapDbStoreProvider implements StoreProvider {
  @Override
  public String name() {
    return "mapdb";
  }

  /**
   * Opens or creates the store in {@code weft.data.dir}, recovering from the log when the last stop was not clean.
   * Called on the thread that builds the node; may take seconds for a large store that must be rebuilt.
   *
   * @throws dev.weft.api.ConfigException when {@code weft.data.dir} or a {@code weft.mapdb.*} setting is missing or
   *     invalid
   * @throws dev.weft.api.WeftException when the directory cannot be written, is used by another store, or holds a
   *     damaged log (the message names the file and offset)
   */
  @Override
  public LocalStore open(StoreContext context) {
    return MapDbStore.open(StoreOptions.from(context.config()), Hooks.NONE);
  }

  @Override
  public List<Setting<?>> settings() {
    return Setting.declaredIn(MapDbSettings.class);
  }
}
