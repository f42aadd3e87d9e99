package dev.weft.api.spi.plugin;

import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * A plugin's own small durable state, kept in the node's store next to the node id and routing table: on a persistent
 * store it survives restarts, on the memory store it lives as long as the node. Names are private to the plugin.
 *
 * <p>For tens of thousands of entries at most, read in full at start-up; not a second key-value store.
 *
 * <h2>Threads</h2>
 * Thread-safe. Writes are durable when their future completes; they complete on a store thread.
 *
 * @since 0.1.0
 */
public interface PluginState {
  /** The value saved under {@code name}, or empty. */
  Optional<String> load(String name);

  /** Every entry whose name starts with {@code prefix} ({@code ""} for all), sorted by name. */
  SortedMap<String, String> loadAll(String prefix);

  /** Saves {@code value} under {@code name}, replacing what was there. */
  CompletableFuture<Void> save(String name, String value);

  /** Removes {@code name}; removing an absent name is not an error. */
  CompletableFuture<Void> remove(String name);
}
